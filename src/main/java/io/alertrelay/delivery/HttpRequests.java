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
}
