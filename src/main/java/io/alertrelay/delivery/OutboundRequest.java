package io.alertrelay.delivery;

import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP request a kind wants sent: what reaches the wire, and what a preview shows. */
public record OutboundRequest(String method, String url, Map<String, String> headers, String body, boolean verifyTls) {

    public OutboundRequest {
        headers = new LinkedHashMap<>(headers);
    }

    public static OutboundRequest json(String method, String url, String body) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json; charset=utf-8");
        return new OutboundRequest(method, url, h, body, true);
    }

    public OutboundRequest withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new OutboundRequest(method, url, h, body, verifyTls);
    }

    public OutboundRequest withVerifyTls(boolean verify) {
        return new OutboundRequest(method, url, headers, body, verify);
    }
}
