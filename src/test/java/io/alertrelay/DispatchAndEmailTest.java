package io.alertrelay;

import static org.assertj.core.api.Assertions.assertThat;

import io.alertrelay.support.RelayTestSupport;
import jakarta.mail.Address;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.ActiveProfiles;

@ActiveProfiles({"test", "core"})
class DispatchAndEmailTest extends RelayTestSupport {

    @Autowired
    private CamelContext camel;

    @Test
    void emailGoesOutOverSmtpToEveryRecipientWithTextAndHtml() throws Exception {
        String id = accept(Map.of("title", "Payment errors <b>spiking</b>", "severity", "critical",
                "message", "## Impact\n\n- checkout **fails**\n- refunds slow", "url", "https://sentry.example/issues/9",
                "labels", Map.of("route", "mail")));

        assertThat(awaitDelivery(id, "mail-ops").get("status")).isEqualTo("sent");
        await("mail to arrive", () -> Arrays.stream(SMTP.getReceivedMessages()).anyMatch(m -> subject(m).contains("Payment errors")));
        List<MimeMessage> mails = Arrays.stream(SMTP.getReceivedMessages())
                .filter(m -> subject(m).contains("Payment errors")).toList();
        // one copy per recipient: two in To, one in Cc
        assertThat(mails).hasSize(3);
        MimeMessage mail = mails.get(0);
        assertThat(mail.getSubject()).isEqualTo("[CRITICAL] Payment errors <b>spiking</b>");
        assertThat(Arrays.stream(mail.getFrom()).map(Address::toString)).containsExactly("relay@example.com");
        assertThat(Arrays.stream(mail.getRecipients(Message.RecipientType.TO)).map(Address::toString))
                .containsExactly("oncall@example.com", "lead@example.com");
        assertThat(Arrays.stream(mail.getRecipients(Message.RecipientType.CC)).map(Address::toString))
                .containsExactly("audit@example.com");

        Multipart parts = (Multipart) mail.getContent();
        String text = null;
        String html = null;
        for (int i = 0; i < parts.getCount(); i++) {
            var part = parts.getBodyPart(i);
            if (part.isMimeType("text/plain")) {
                text = (String) part.getContent();
            } else if (part.isMimeType("text/html")) {
                html = (String) part.getContent();
            }
        }
        assertThat(text).contains("checkout **fails**").contains("https://sentry.example/issues/9");
        assertThat(html).contains("<h2>Impact</h2>").contains("<strong>fails</strong>")
                .contains("href=\"https://sentry.example/issues/9\">View alert</a>").contains("<hr />");
        // the alert's own HTML is shown, not interpreted
        assertThat(html).doesNotContain("<b>spiking</b>").contains("&lt;b&gt;spiking&lt;/b&gt;");
    }

    @Test
    void aKindWithoutARouteIsRecordedAsNoProducer() {
        String id = accept(Map.of("title", "Fly, bird", "labels", Map.of("route", "pigeon")));

        Map<String, Object> delivery = awaitDelivery(id, "pigeon");
        assertThat(delivery.get("status")).isEqualTo("dead");
        assertThat(delivery.get("attempts")).isEqualTo(1);
        assertThat((String) delivery.get("last_error")).isEqualTo("no producer for kind carrier-pigeon");
        Map<String, Object> status = channelStatus("pigeon");
        assertThat(status.get("last_failure_error_type")).isEqualTo("no_producer");
        assertThat(status.get("last_failure_error_message")).isEqualTo("no producer for kind carrier-pigeon");
    }

    @Test
    void channelsOnlyGetTheAlertsTheirMatchAllows() {
        Map<String, Object> matching = Map.of("title", "Checkout down", "severity", "critical", "type", "error",
                "reason", "regression", "status", "firing", "project", "shop", "labels", Map.of("route", "filter"));
        assertThat(deliveryOf(accept(matching), "filtered")).isNotNull();

        for (Map<String, Object> miss : List.of(
                with(matching, "severity", "medium"),
                with(matching, "type", "warning"),
                with(matching, "reason", "repeat"),
                with(matching, "status", "resolved"),
                with(matching, "project", "blog"),
                with(matching, "labels", Map.of("route", "elsewhere")))) {
            assertThat(deliveryOf(accept(miss), "filtered")).as(miss.toString()).isNull();
        }
    }

    @Test
    void routeStatisticsAreReadableOverJmx() throws Exception {
        String id = accept(Map.of("title", "Counted", "labels", Map.of("route", "log")));
        assertThat(awaitDelivery(id, "console").get("status")).isEqualTo("sent");

        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        // other test contexts in this JVM register their own "alert-relay" context under another management name
        String context = camel.getManagementName();
        Set<ObjectName> names = jmx.queryNames(new ObjectName("org.apache.camel:context=" + context
                + ",type=routes,name=\"deliver-log\""), null);
        assertThat(names).as("route MBeans of %s among %s", context,
                jmx.queryNames(new ObjectName("org.apache.camel:type=context,*"), null)).hasSize(1);
        ObjectName route = names.iterator().next();
        await("deliver-log to count the exchange", () -> completed(jmx, route) >= 1);
        ObjectName ingest = new ObjectName("org.apache.camel:context=" + context + ",type=routes,name=\"ingest-http\"");
        assertThat(completed(jmx, ingest)).isGreaterThanOrEqualTo(1);
    }

    private static long completed(MBeanServer jmx, ObjectName route) {
        try {
            return ((Number) jmx.getAttribute(route, "ExchangesCompleted")).longValue();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new java.util.HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    private static String subject(MimeMessage m) {
        try {
            return m.getSubject() == null ? "" : m.getSubject();
        } catch (Exception e) {
            return "";
        }
    }

}
