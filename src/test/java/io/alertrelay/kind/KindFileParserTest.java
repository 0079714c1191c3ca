package io.alertrelay.kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alertrelay.channel.Param;
import org.junit.jupiter.api.Test;

/** Mistakes in a declaration's rules and formats are refused in one line naming the file and the field. */
class KindFileParserTest {

    private static final String ROUTE = """
            ---
            - route:
                id: deliver-heron
                from:
                  uri: direct:deliver-heron
                  steps:
                    - log: x
            """;

    private static KindFile parse(String spec) {
        return KindFileParser.parse("heron", "kinds/heron.yaml", """
                apiVersion: alert-relay.io/v1
                kind: Kind
                metadata: {name: heron}
                spec:
                """ + spec.indent(2) + ROUTE, sibling -> null);
    }

    @Test
    void headersAreAnObjectFormatAndRulesNameDeclaredProperties() {
        KindFile ok = parse("""
                definition:
                  properties:
                    headers: {type: object, format: headers}
                    mode: {enum: [plain, signed]}
                    key: {type: string, format: password}
                  rules:
                    - if: {mode: signed}
                      then: {required: [key], properties: {key: {minLength: 16}}}
                """);
        assertThat(ok.spec().param("headers").orElseThrow().type()).isEqualTo(Param.Type.HEADERS);
        assertThat(ok.spec().rules()).hasSize(1);

        assertThatThrownBy(() -> parse("""
                definition:
                  properties:
                    mode: {enum: [plain, signed]}
                  rules:
                    - if: {mode: signed}
                      then: {required: [secret]}
                """)).isInstanceOf(InvalidKindException.class)
                .hasMessage("kind file kinds/heron.yaml: spec.definition.rules[0].then.required names \"secret\", which is not a property");
        assertThatThrownBy(() -> parse("""
                definition:
                  properties:
                    mode: {enum: [plain, signed]}
                  rules:
                    - if: {mode: sealed}
                      then: {required: [mode]}
                """)).hasMessageContaining("spec.definition.rules[0].if.mode \"sealed\" is not one of its enum values");
        assertThatThrownBy(() -> parse("""
                definition:
                  properties:
                    headers: {type: string, format: headers}
                """)).hasMessageContaining("spec.definition.properties.headers.format must be url, email, password or secret-url");
        assertThatThrownBy(() -> parse("""
                definition: {}
                signatures:
                  hmac: {key: "{{config.key}}", key-encoding: base32, headers: {X-Sig: "{{signature.hex}}"}}
                """)).hasMessageContaining("spec.signatures.hmac.key-encoding must be text, base64 or hex");
    }

    /** A misspelt key would otherwise be ignored silently and the kind would send something else. */
    @Test
    void aKeyTheFileDoesNotKnowIsRefusedNamingTheKeysItHas() {
        assertThatThrownBy(() -> parse("""
                definition: {}
                rate-limt: 1/s
                """)).isInstanceOf(InvalidKindException.class)
                .hasMessageStartingWith("kind file kinds/heron.yaml: spec.rate-limt is not a kind field; use one of ")
                .hasMessageContaining("rate-limit");
        assertThatThrownBy(() -> parse("""
                definition:
                  properties:
                    url: {type: string, formt: url}
                """)).hasMessageStartingWith("kind file kinds/heron.yaml: spec.definition.properties.url.formt is not a "
                + "property field; use one of ").hasMessageContaining("format");
        assertThatThrownBy(() -> parse("""
                definition: {}
                requests:
                  post: {url: "https://example.test", bdy: {text: x}}
                """)).hasMessage("kind file kinds/heron.yaml: spec.requests.post.bdy is not a request field; use one of "
                + "method, url, headers, query, body, form, content-type, verify-tls, budget");
        assertThatThrownBy(() -> parse("""
                definition: {}
                signatures:
                  hmac: {key: "{{config.secret}}", headers: {X-Sig: "{{signature}}"}, algo: sha256}
                """)).hasMessage("kind file kinds/heron.yaml: spec.signatures.hmac.algo is not a signature field; use one of "
                + "key, key-encoding, algorithm, content, headers");
    }
}
