package io.alertrelay.kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.delivery.OutboundRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** The request shapes the moved chat kinds rely on, as an operator's kind file would use them. */
class RequestTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static OutboundRequest render(String yaml, Map<String, Object> vars) {
        Map<String, Object> model = new HashMap<>(KindVariables.functions());
        model.putAll(vars);
        return RequestTemplate.compile("kinds/x.yaml", "spec.requests.post", new Yaml().load(yaml)).render(model, JSON);
    }

    @Test
    void aQueryMemberReplacesTheSameParameterOfTheUrlAndKeepsTheOthers() {
        OutboundRequest r = render("""
                url: "{{url}}"
                query: {wait: "true"}
                body: {a: 1}
                """, Map.of("url", "https://chat.example/hook/t0k?thread_id=9&wait=false&tag=a%20b#frag"));

        assertThat(r.url()).isEqualTo("https://chat.example/hook/t0k?thread_id=9&tag=a%20b&wait=true");
    }

    @Test
    void splitNumberOptionalItemsAndEmptyLiterals() throws Exception {
        String text = "first paragraph\n\n" + "x".repeat(50) + "\n\n" + "y".repeat(50);
        OutboundRequest r = render("""
                url: https://chat.example/hook
                body:
                  color: {$number: "{{#resolved}}1{{/resolved}}{{^resolved}}{{level}}{{/resolved}}"}
                  mentions: {parse: []}
                  blocks:
                    - {type: header}
                    - $split: "{{text}}"
                      max: 60
                      limit: 2
                      as: {type: section, text: "{{item}}"}
                    - {$each: project, as: {type: project, name: "{{item}}"}}
                    - {$each: source, as: {type: source, name: "{{item}}"}}
                """, Map.of("text", text, "level", "7", "project", "shop"));

        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("color").isNumber()).isTrue();
        assertThat(body.path("color").asInt()).isEqualTo(7);
        assertThat(body.path("mentions").path("parse").isArray()).isTrue();
        List<String> types = body.path("blocks").findValuesAsText("type");
        assertThat(types).containsExactly("header", "section", "section", "project");
        assertThat(body.path("blocks").get(2).path("text").asText()).endsWith("… [truncated]").hasSizeLessThanOrEqualTo(60);
    }

    @Test
    void aSplitWithoutItsMaximumIsRefusedNamingTheField() {
        assertThatThrownBy(() -> RequestTemplate.compile("kinds/x.yaml", "spec.requests.post", new Yaml().load("""
                url: https://chat.example/hook
                body:
                  blocks:
                    - {$split: "{{text}}", as: {text: "{{item}}"}}
                """)))
                .isInstanceOf(InvalidKindException.class)
                .hasMessageStartingWith("kind file kinds/x.yaml: spec.requests.post.body.blocks[0] with $split needs");
    }

    @Test
    void mergedAndTemplatedHeaderNamesEmptyKeptStringsAndTls() throws Exception {
        Map<String, Object> headers = new java.util.LinkedHashMap<>();
        headers.put("X-Env", "test");
        headers.put("X-Empty", "");
        OutboundRequest r = render("""
                url: https://hooks.example/in
                verify-tls: "{{tls}}"
                headers:
                  $merge: config.headers
                  "{{config.name}}": "{{config.value}}"
                  "{{config.missing}}": dropped
                body:
                  text: "{{nothing | string}}"
                  gone: "{{nothing}}"
                """, Map.of("tls", false, "config", Map.of("headers", headers, "name", "X-Token", "value", "t0k")));

        assertThat(r.headers()).containsEntry("X-Env", "test").containsEntry("X-Token", "t0k")
                .doesNotContainKeys("X-Empty", "");
        assertThat(r.headers().values()).doesNotContain("dropped");
        assertThat(r.body()).isEqualTo("{\"text\":\"\"}");
        assertThat(r.verifyTls()).isFalse();
    }
}
