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
        headers.put("X-Token", "from the extra headers");
        OutboundRequest r = render("""
                url: https://hooks.example/in
                verify-tls: "{{tls}}"
                headers:
                  $merge:
                    - "{{config.headers}}"
                    - "{{config.name}}": "{{config.value}}"
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

    @Test
    void aMergeBesideOtherMembersIsRefusedNamingTheField() {
        assertThatThrownBy(() -> RequestTemplate.compile("kinds/x.yaml", "spec.requests.post", new Yaml().load("""
                url: https://hooks.example/in
                headers:
                  $merge: ["{{config.headers}}"]
                  X-Token: t0k
                """)))
                .isInstanceOf(InvalidKindException.class)
                .hasMessage("kind file kinds/x.yaml: spec.requests.post.headers with $merge needs a list of maps and {{variables}}, and nothing beside it");
    }

    @Test
    void aBudgetCutsItsVariablesInOrderAndWhatIsMadeOfThemFollows() throws Exception {
        String yaml = """
                url: https://vendor.example/events
                budget: {bytes: 2000, cut: [body, alert.details]}
                body:
                  summary: "{{title}}"
                  blocks: {$json: "{{#textBlocks}}{{body}}{{/textBlocks}}"}
                  details: {$merge: [{message: "{{#plainBlocks}}{{body}}{{/plainBlocks}}"}, "{{alert.label}}", "{{alert.details}}"]}
                """;
        Map<String, Object> alert = new HashMap<>(Map.of("label", Map.of("env", "prod"), "details", Map.of("region", "eu-1")));
        Map<String, Object> vars = new HashMap<>(Map.of("title", "Disk full", "alert", alert,
                "body", "**Disk** \"full\" 🔥\n\n" + "word ".repeat(1000)));

        OutboundRequest fits = render(yaml, vars);
        JsonNode body = JSON.readTree(fits.body());
        assertThat(fits.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(2000).isGreaterThan(1800);
        assertThat(body.path("details").path("message").asText()).startsWith("Disk \"full\" 🔥").endsWith("… [truncated]");
        assertThat(body.path("blocks").get(1).path("text").asText()).endsWith("… [truncated]");
        assertThat(body.path("details").path("region").asText()).isEqualTo("eu-1");

        // the body cannot make it fit even when empty: it is left out, and the details give way as cut JSON text
        alert.put("details", Map.of("blob", "y".repeat(5000)));
        body = JSON.readTree(render(yaml, vars).body());
        assertThat(body.path("blocks").isMissingNode()).isTrue();
        assertThat(body.path("details").has("message")).isFalse();
        assertThat(body.path("details").path("details").asText()).startsWith("{\"blob\":\"yyy").endsWith("… [truncated]");
        assertThat(body.path("details").path("env").asText()).isEqualTo("prod");

        vars.put("title", "t".repeat(3000));
        assertThatThrownBy(() -> render(yaml, vars)).isInstanceOf(io.alertrelay.delivery.NonRetryableDeliveryException.class)
                .hasMessage("the request is larger than 2000 bytes even without body, alert.details");
    }

    @Test
    void mergeIfNullAndTheSharedKeyAndListConversions() throws Exception {
        OutboundRequest r = render("""
                url: https://vendor.example/events
                body:
                  contentUrl: null
                  merged: {$merge: [{message: "from the body", env: default}, "{{labels}}", "{{details}}"]}
                  links: {$if: withLinks, then: {$each: links, as: {href: "{{item}}"}}}
                  none: {$if: withoutLinks, then: {$each: links, as: {href: "{{item}}"}}}
                  key: "{{#keyOrHash.10}}{{short}}{{/keyOrHash.10}}"
                  hashed: "{{#keyOrHash.10}}{{long}}{{/keyOrHash.10}}"
                  joined: "{{#people}}{{^-first}} {{/-first}}<at>{{#mailboxName}}{{.}}{{/mailboxName}}</at>{{/people}}"
                """, Map.of("labels", Map.of("env", "prod", "message", "from a label"), "details", List.of(1, 2),
                "withLinks", true, "withoutLinks", false, "links", List.of("https://a.example"),
                "short", "disk-full", "long", "disk full 🔥", "people", List.of("Ada <ada@example.com>", "bob@example.com")));

        JsonNode body = JSON.readTree(r.body());
        assertThat(body.has("contentUrl")).isTrue();
        assertThat(body.get("contentUrl").isNull()).isTrue();
        assertThat(body.path("merged").toString()).isEqualTo("{\"message\":\"from a label\",\"env\":\"prod\",\"details\":[1,2]}");
        assertThat(body.path("links").get(0).path("href").asText()).isEqualTo("https://a.example");
        assertThat(body.has("none")).isFalse();
        assertThat(body.path("key").asText()).isEqualTo("disk-full");
        assertThat(body.path("hashed").asText()).startsWith("sha256:").hasSize(71);
        assertThat(body.path("joined").asText()).isEqualTo("<at>Ada</at> <at>bob@example.com</at>");
    }

    @Test
    void aBudgetWithoutItsLimitIsRefusedNamingTheField() {
        assertThatThrownBy(() -> RequestTemplate.compile("kinds/x.yaml", "spec.requests.post", new Yaml().load("""
                url: https://vendor.example/events
                budget: {cut: [body]}
                body: {text: "{{body}}"}
                """)))
                .isInstanceOf(InvalidKindException.class)
                .hasMessageStartingWith("kind file kinds/x.yaml: spec.requests.post.budget needs bytes");
    }
}
