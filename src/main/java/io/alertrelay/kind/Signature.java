package io.alertrelay.kind;

import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import io.alertrelay.delivery.NonRetryableDeliveryException;
import io.alertrelay.delivery.OutboundRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.AbstractMap;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A signature of a kind file (spec.signatures.&lt;name&gt;), which the route step kind.sign adds to the
 * request just built: an HMAC over {@code content} (by default the exact body sent) keyed with
 * {@code key}, and {@code headers} carrying it. The headers are added in order and each sees the
 * request as built so far ({@code request.body}, {@code request.headers.<name>}), so the signed content
 * can include an id or timestamp header written before the signature ({@code signature.hex},
 * {@code signature.base64}). A key that renders empty leaves the request unsigned.
 */
final class Signature {

    private static final List<String> KEYS = List.of("key", "key-encoding", "algorithm", "content", "headers");
    private static final List<String> ENCODINGS = List.of("text", "base64", "hex");

    private final Template key;
    private final String encoding;
    private final String algorithm;
    private final Template content;
    private final Map<String, Template> headers;

    private Signature(Template key, String encoding, String algorithm, Template content, Map<String, Template> headers) {
        this.key = key;
        this.encoding = encoding;
        this.algorithm = algorithm;
        this.content = content;
        this.headers = headers;
    }

    static Signature compile(String file, String field, Object raw) {
        if (!(raw instanceof Map<?, ?> m)) {
            throw new InvalidKindException(file, field, "must be a map with key, headers and optionally key-encoding, algorithm, content");
        }
        InvalidKindException.requireKnownKeys(file, field, m, KEYS, "signature");
        if (m.get("key") == null) {
            throw new InvalidKindException(file, field + ".key", "is required (a template giving the secret)");
        }
        if (!(m.get("headers") instanceof Map<?, ?> h) || h.isEmpty()) {
            throw new InvalidKindException(file, field + ".headers", "must name the headers that carry the signature");
        }
        String encoding = m.get("key-encoding") == null ? "text" : String.valueOf(m.get("key-encoding"));
        if (!ENCODINGS.contains(encoding)) {
            throw new InvalidKindException(file, field + ".key-encoding", "must be text, base64 or hex, got \"" + encoding + "\"");
        }
        String algorithm = m.get("algorithm") == null ? "HmacSHA256" : String.valueOf(m.get("algorithm"));
        try {
            Mac.getInstance(algorithm);
        } catch (GeneralSecurityException e) {
            throw new InvalidKindException(file, field + ".algorithm", "must be an HMAC such as HmacSHA256, HmacSHA1 or HmacSHA512, got \"" + algorithm + "\"");
        }
        Map<String, Template> out = new LinkedHashMap<>();
        h.forEach((name, value) -> out.put(String.valueOf(name), template(file, field + ".headers." + name, value)));
        return new Signature(template(file, field + ".key", m.get("key")), encoding, algorithm,
                template(file, field + ".content", m.get("content") == null ? "{{request.body}}" : m.get("content")), out);
    }

    private static Template template(String file, String field, Object source) {
        try {
            return RequestTemplate.MUSTACHE.compile(String.valueOf(source));
        } catch (MustacheException e) {
            throw new InvalidKindException(file, field, "is not a valid template: " + KindFileParser.oneLine(e.getMessage()));
        }
    }

    /** The request with the signature's headers added; as it was when the key renders empty. */
    OutboundRequest sign(OutboundRequest request, Map<String, Object> model) {
        String secret = key.execute(model);
        if (secret.isEmpty()) {
            return request;
        }
        byte[] keyBytes = decode(secret);
        Map<String, String> sent = new LinkedHashMap<>(request.headers());
        Map<String, Object> scope = new KindVariables.Scope(model);
        Map<String, Object> req = new HashMap<>();
        req.put("method", request.method());
        req.put("url", request.url());
        req.put("body", request.body() == null ? "" : request.body());
        req.put("headers", sent);
        scope.put("request", req);
        scope.put("signature", new Computed(() -> mac(keyBytes, content.execute(scope))));
        headers.forEach((name, template) -> {
            String value = template.execute(scope);
            if (!value.isEmpty()) {
                sent.put(name, value);
            }
        });
        return new OutboundRequest(request.method(), request.url(), sent, request.body(), request.verifyTls());
    }

    private byte[] decode(String secret) {
        try {
            return switch (encoding) {
                case "base64" -> Base64.getDecoder().decode(secret.strip());
                case "hex" -> HexFormat.of().parseHex(secret.strip());
                default -> secret.getBytes(StandardCharsets.UTF_8);
            };
        } catch (IllegalArgumentException e) {
            // the secret itself is never echoed
            throw new NonRetryableDeliveryException("config_error", "the signing key is not " + encoding);
        }
    }

    private byte[] mac(byte[] keyBytes, String signed) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(keyBytes, algorithm));
            return mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new NonRetryableDeliveryException("config_error", "cannot sign with " + algorithm + ": " + e.getMessage());
        }
    }

    /** signature.hex and signature.base64, computed once, when a header first asks for them. */
    private static final class Computed extends AbstractMap<String, Object> {
        private final java.util.function.Supplier<byte[]> mac;
        private byte[] value;

        Computed(java.util.function.Supplier<byte[]> mac) {
            this.mac = mac;
        }

        @Override
        public Object get(Object key) {
            if (!containsKey(key)) {
                return null;
            }
            if (value == null) {
                value = mac.get();
            }
            return "hex".equals(key) ? HexFormat.of().formatHex(value) : Base64.getEncoder().encodeToString(value);
        }

        @Override
        public boolean containsKey(Object key) {
            return "hex".equals(key) || "base64".equals(key);
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return Set.of();
        }
    }
}
