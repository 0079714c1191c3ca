package io.alertrelay.kind;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.samskivert.mustache.Template;
import io.alertrelay.alert.Alert;
import io.alertrelay.channel.Channel;
import io.alertrelay.delivery.Deliveries;
import io.alertrelay.delivery.DeliveryContext;
import io.alertrelay.delivery.OutboundRequest;
import io.alertrelay.delivery.VendorAnswer;
import io.alertrelay.store.ExternalRefStore;
import io.alertrelay.store.ExternalRefStore.ExternalRef;
import java.util.HashMap;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Used by the routes of kind files: {@code variables} puts the kind variables on the exchange,
 * {@code request(*, 'name')} renders the kind's request spec.requests.&lt;name&gt; for direct:send-http,
 * {@code sign(*, 'name')} adds the signature spec.signatures.&lt;name&gt; to it, {@code remember} keeps
 * what the vendor answered for the alert's fingerprint.
 */
@Component("kind")
public class KindRequests {

    static final String VARIABLES = "kindVariables";
    /** Set on an exchange that only shows what would be sent: send-http stops before the wire. */
    public static final String PREVIEW = "preview";

    private final KindCatalog catalog;
    private final ObjectMapper json;
    private final ObjectProvider<CamelContext> camel;
    private final ObjectProvider<ProducerTemplate> producer;
    private final ExternalRefStore refs;

    public KindRequests(KindCatalog catalog, ObjectMapper json, ObjectProvider<CamelContext> camel,
                        ObjectProvider<ProducerTemplate> producer, ExternalRefStore refs) {
        this.catalog = catalog;
        this.json = json;
        this.camel = camel;
        this.producer = producer;
        this.refs = refs;
    }

    /**
     * After deliveries.context: the variables of README "Kind file reference", plus the Camel variables
     * status, severity, fingerprint and reason for choices in the route.
     */
    public void variables(Exchange exchange) {
        DeliveryContext ctx = exchange.getProperty(Deliveries.CONTEXT, DeliveryContext.class);
        Alert a = ctx.alert();
        exchange.setVariable("status", a.status());
        exchange.setVariable("severity", a.severity());
        exchange.setVariable("fingerprint", a.fingerprint());
        exchange.setVariable("reason", a.reason());
        exchange.setVariable("config", ctx.channel().config());
        Map<String, Object> vars = KindVariables.of(ctx, exchange.getVariables(), json);
        if (!catalog.remember(ctx.channel().kind()).isEmpty()) {
            // what kind.remember kept for this fingerprint, also before a restart
            Map<String, Object> stored = new HashMap<>();
            refs.find(ctx.channel().id(), a.fingerprint()).ifPresent(r -> {
                stored.put("ref", r.ref());
                stored.put("state", r.state());
                stored.put("url", r.url());
            });
            vars.put("stored", stored);
        }
        exchange.setProperty(VARIABLES, vars);
    }

    /**
     * After send-http took a 2xx: keeps the kind's spec.remember (ref, state, url) for the channel and the
     * alert's fingerprint, read back as {{stored.ref}} by the next delivery of that fingerprint. Rendered
     * over the kind variables plus answer (status, text, json) and sent (json, the request body); nothing
     * is kept when ref renders empty.
     */
    public void remember(Exchange exchange) {
        DeliveryContext ctx = exchange.getProperty(Deliveries.CONTEXT, DeliveryContext.class);
        Map<String, Template> remember = catalog.remember(ctx.channel().kind());
        if (remember.isEmpty()) {
            throw new io.alertrelay.delivery.NonRetryableDeliveryException("config_error", "kind " + ctx.channel().kind()
                    + " declares nothing to remember (spec.remember)");
        }
        Map<String, Object> model = model(exchange);
        VendorAnswer answer = VendorAnswer.of(
                exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class),
                exchange.getMessage().getBody(String.class));
        model.put("answer", answerModel(answer));
        OutboundRequest sent = exchange.getProperty("outboundRequest", OutboundRequest.class);
        model.put("sent", answerModel(VendorAnswer.of(0, sent == null ? null : sent.body())));
        String ref = remember.get("ref").execute(model).strip();
        if (ref.isEmpty()) {
            return;
        }
        refs.save(new ExternalRef(ctx.channel().id(), ctx.alert().fingerprint(), ref, rendered(remember.get("state"), model),
                rendered(remember.get("url"), model)));
    }

    private Map<String, Object> answerModel(VendorAnswer answer) {
        Map<String, Object> m = new HashMap<>();
        m.put("status", answer.status());
        m.put("text", answer.text());
        m.put("json", answer.json() == null ? null : json.convertValue(answer.json(), Object.class));
        return m;
    }

    private static String rendered(Template t, Map<String, Object> model) {
        String s = t == null ? "" : t.execute(model).strip();
        return s.isEmpty() ? null : s;
    }

    public OutboundRequest request(Exchange exchange, String name) {
        String kind = exchange.getProperty(Deliveries.KIND, String.class);
        return catalog.request(kind, name).render(model(exchange), json);
    }

    /**
     * After request: the request in the body signed as the kind's spec.signatures.&lt;name&gt; declares, over
     * the exact body that goes on the wire.
     */
    public OutboundRequest sign(Exchange exchange, String name) {
        OutboundRequest request = exchange.getMessage().getBody(OutboundRequest.class);
        String kind = exchange.getProperty(Deliveries.KIND, String.class);
        return catalog.signature(kind, name).sign(request, model(exchange));
    }

    /** The kind variables, and as vars this exchange's own Camel variables (a split's part has its own). */
    @SuppressWarnings("unchecked")
    private Map<String, Object> model(Exchange exchange) {
        Map<String, Object> vars = exchange.getProperty(VARIABLES, Map.class);
        if (vars == null) {
            variables(exchange);
            vars = exchange.getProperty(VARIABLES, Map.class);
        }
        Map<String, Object> model = new KindVariables.Scope(vars);
        model.put("vars", exchange.getVariables());
        return model;
    }

    /**
     * The kind's text spec.texts.&lt;name&gt; rendered over the kind variables, as the message body: for a
     * route that writes or sends something other than an HTTP request (the log kind's line).
     */
    public String text(Exchange exchange, String name) {
        String text = catalog.text(exchange.getProperty(Deliveries.KIND, String.class), name).execute(model(exchange));
        exchange.getMessage().setBody(text);
        return text;
    }

    /**
     * After send-http, for a vendor whose 2xx answer must prove that it kept the message: unless the answer
     * is JSON with a value at the JSONPath, the attempt fails for good as "unconfirmed", its message the
     * kind's text spec.texts.unconfirmed (the kind variables plus answer.status and answer.text). Not
     * retried: the message may have been kept after all, and a second try could post it twice.
     */
    @SuppressWarnings("unchecked")
    public void confirm(Exchange exchange, String jsonPath) {
        String body = exchange.getMessage().getBody(String.class);
        io.alertrelay.delivery.VendorAnswer answer = io.alertrelay.delivery.VendorAnswer.of(200, body);
        if (answer.object() != null) {
            try {
                if (com.jayway.jsonpath.JsonPath.read(answer.text(), jsonPath) != null) {
                    return;
                }
            } catch (com.jayway.jsonpath.PathNotFoundException notThere) {
                // not confirmed: below
            }
        }
        Map<String, Object> vars = exchange.getProperty(VARIABLES, Map.class);
        Map<String, Object> model = new KindVariables.Scope(vars == null ? Map.of() : vars);
        model.put("answer", Map.of("status", String.valueOf(exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)),
                "text", answer.text().strip()));
        String kind = exchange.getProperty(Deliveries.KIND, String.class);
        throw new io.alertrelay.delivery.NonRetryableDeliveryException("unconfirmed",
                catalog.text(kind, "unconfirmed").execute(model).strip());
    }

    /**
     * For a vendor that answers 2xx to a request it did not take: fails the attempt for good, with the
     * vendor's error text read by the kind's spec.errors.message.
     */
    public void refused(Exchange exchange, String what) {
        String answer = exchange.getMessage().getBody(String.class);
        DeliveryContext ctx = exchange.getProperty(Deliveries.CONTEXT, DeliveryContext.class);
        String detail = answer == null ? null
                : ctx.channel().spec().facts().errors().describeError(io.alertrelay.delivery.VendorAnswer.of(200, answer));
        throw new io.alertrelay.delivery.NonRetryableDeliveryException("client_error", detail == null ? what : what + ": " + detail);
    }

    /**
     * POST /channels/{id}/preview for a kind built by its kind file: runs the kind's route with the
     * preview flag, which send-http (and any route that writes elsewhere) honours by stopping before the
     * wire. The first request is shown.
     */
    public Object preview(Channel channel, Alert alert) {
        Exchange exchange = new DefaultExchange(camel.getObject());
        exchange.setProperty(Deliveries.DELIVERY_ID, 0L);
        exchange.setProperty(Deliveries.CHANNEL_ID, channel.id());
        exchange.setProperty(Deliveries.KIND, channel.kind());
        exchange.setProperty(Deliveries.CONTEXT, new DeliveryContext(0, channel, alert));
        exchange.setProperty(PREVIEW, true);
        producer.getObject().send("direct:deliver-" + channel.kind(), exchange);
        if (exchange.getException() != null) {
            RuntimeException e = exchange.getException() instanceof RuntimeException r ? r
                    : new IllegalStateException(exchange.getException());
            throw e;
        }
        // an HTTP kind stops in send-http with its request; any other route ends with what it would write
        OutboundRequest request = exchange.getProperty("outboundRequest", OutboundRequest.class);
        return request != null ? request : exchange.getMessage().getBody();
    }
}
