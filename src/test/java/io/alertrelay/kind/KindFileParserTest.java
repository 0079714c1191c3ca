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
}
