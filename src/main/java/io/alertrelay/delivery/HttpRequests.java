package io.alertrelay.delivery;

import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpMethods;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** Used by the send-http route: puts an {@link OutboundRequest} onto the exchange for camel-http. */
@Component("httpRequests")
public class HttpRequests {

    private final String endpoint;
    private final String insecureEndpoint;

    public HttpRequests(@Value("${alert-relay.delivery.http.connect-timeout-ms:5000}") int connectTimeout,
                        @Value("${alert-relay.delivery.http.response-timeout-ms:15000}") int responseTimeout) {
        // the real target comes from the CamelHttpUri header; these two endpoints only differ in TLS checks
        String common = "?throwExceptionOnFailure=true&followRedirects=false&connectTimeout=" + connectTimeout
                + "&responseTimeout=" + responseTimeout + "&connectionRequestTimeout=" + connectTimeout;
        this.endpoint = "http://relay-target" + common;
        this.insecureEndpoint = "http://relay-target-insecure" + common
                + "&sslContextParameters=#insecureTls&x509HostnameVerifier=#noopHostnameVerifier";
    }

    public void prepare(Exchange exchange) {
        OutboundRequest req = exchange.getMessage().getBody(OutboundRequest.class);
        exchange.setProperty("outboundRequest", req);
        var msg = exchange.getMessage();
        // Camel* headers stay: the error handler keeps its redelivery state in them
        msg.removeHeaders("*", "Camel*");
        req.headers().forEach(msg::setHeader);
        msg.setHeader(Exchange.HTTP_URI, req.url());
        // as camel-http's own enum: a String would go through Camel's type converters on every request,
        // which cost about a tenth of the relay's CPU in the benchmark
        msg.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(req.method()));
        String contentType = req.headers().getOrDefault("Content-Type", "application/json; charset=utf-8");
        msg.setHeader(Exchange.CONTENT_TYPE, contentType);
        msg.setBody(req.body() == null ? new byte[0] : req.body().getBytes(StandardCharsets.UTF_8));
        exchange.setProperty("httpEndpoint", req.verifyTls() ? endpoint : insecureEndpoint);
    }

    /**
     * After a 2xx: a kind whose vendor may answer 2xx to a request it did not take (a Teams connector that
     * failed downstream answers 200 with the error as text) declares spec.errors.refusal; a matching answer
     * fails the attempt without retry, since the same request would fail the same way.
     */
    public void answered(Exchange exchange) {
        DeliveryContext ctx = exchange.getProperty(Deliveries.CONTEXT, DeliveryContext.class);
        VendorErrors errors = ctx == null ? VendorErrors.NONE : ctx.channel().spec().facts().errors();
        if (errors.refusal() == null) {
            return;
        }
        String text = exchange.getMessage().getBody(String.class);
        if (text == null || !errors.refusal().matcher(text).find()) {
            return;
        }
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class);
        String described = errors.describeError(VendorAnswer.of(status, text));
        throw new NonRetryableDeliveryException("client_error", "the target answered " + status + " but reported an error: "
                + (described != null ? described : Limits.oneLine(text, 1000)));
    }
}
