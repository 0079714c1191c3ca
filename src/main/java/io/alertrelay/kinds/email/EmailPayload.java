package io.alertrelay.kinds.email;

import io.alertrelay.channel.Channel;
import io.alertrelay.channel.KindSpec;
import io.alertrelay.channel.Param;
import io.alertrelay.channel.Param.Type;
import io.alertrelay.delivery.DeliveryContext;
import io.alertrelay.delivery.PayloadBuilder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.springframework.stereotype.Component;

/** Kind "email": the rendered Markdown as a text part and as HTML, over SMTP with camel-mail. */
@Component("emailPayload")
public class EmailPayload implements PayloadBuilder {

    private static final KindSpec SPEC = new KindSpec("email", "an SMTP mail, text and HTML", List.of(
            Param.required("smtp-host", Type.STRING, "SMTP server host"),
            Param.optional("smtp-port", Type.INTEGER, 25, "SMTP server port"),
            Param.optional("username", Type.STRING, null, "SMTP user"),
            Param.secret("password", false, "SMTP password"),
            Param.optional("starttls", Type.BOOLEAN, false, "require STARTTLS"),
            Param.optional("ssl", Type.BOOLEAN, false, "SMTP over TLS (smtps)"),
            Param.required("from", Type.EMAIL, "sender address"),
            Param.required("to", Type.EMAILS, "recipients"),
            Param.optional("cc", Type.EMAILS, null, "copy recipients")));

    // escapeHtml: alert text is untrusted and must not inject markup into the mail
    private static final Parser MARKDOWN = Parser.builder().build();
    private static final HtmlRenderer HTML = HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).build();

    @Override
    public KindSpec spec() {
        return SPEC;
    }

    /** What the email route sends: endpoint, headers, HTML body and the plain-text alternative. */
    public record OutboundMail(String endpoint, Map<String, String> headers, String html, String text) {}

    @Override
    public OutboundMail build(DeliveryContext d) {
        Channel c = d.channel();
        String markdown = d.body();
        Node doc = MARKDOWN.parse(markdown);
        String html = "<html><body>" + HTML.render(doc) + "</body></html>";
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("From", c.string("from"));
        headers.put("To", String.join(",", c.list("to")));
        if (!c.list("cc").isEmpty()) {
            headers.put("Cc", String.join(",", c.list("cc")));
        }
        // a subject is one line; templates may produce more
        headers.put("Subject", d.title().replaceAll("[\\r\\n]+", " ").strip());
        return new OutboundMail(endpoint(c), headers, html, markdown);
    }

    private static String endpoint(Channel c) {
        StringBuilder uri = new StringBuilder(c.bool("ssl") ? "smtps://" : "smtp://")
                .append(c.string("smtp-host")).append(':').append(c.integer("smtp-port"))
                .append("?contentType=").append(enc("text/html; charset=UTF-8"))
                .append("&connectionTimeout=10000");
        if (c.string("username") != null) {
            uri.append("&username=").append(enc(c.string("username")));
        }
        if (c.string("password") != null) {
            uri.append("&password=RAW(").append(c.string("password")).append(')');
        }
        if (c.bool("starttls")) {
            uri.append("&additionalJavaMailProperties=#starttlsRequired");
        }
        return uri.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Used by the email route: puts the mail onto the exchange for camel-mail. */
    public void apply(Exchange exchange) {
        OutboundMail mail = exchange.getMessage().getBody(OutboundMail.class);
        var msg = exchange.getMessage();
        // Camel* headers stay: the error handler keeps its redelivery state in them
        msg.removeHeaders("*", "Camel*");
        mail.headers().forEach(msg::setHeader);
        msg.setHeader("CamelMailAlternativeBody", mail.text());
        msg.setBody(mail.html());
        exchange.setProperty("mailEndpoint", mail.endpoint());
    }

    /** JavaMail settings for channels with starttls: true; without "required" a server could skip TLS. */
    @org.springframework.context.annotation.Configuration
    static class MailSettings {
        @org.springframework.context.annotation.Bean
        java.util.Properties starttlsRequired() {
            java.util.Properties p = new java.util.Properties();
            p.setProperty("mail.smtp.starttls.enable", "true");
            p.setProperty("mail.smtp.starttls.required", "true");
            return p;
        }
    }
}
