package io.alertrelay.kinds.jira;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks a document against the ADF rules Jira enforces, and finds nodes in it. */
final class AdfAssertions {

    private static final Set<String> INLINE = Set.of("text", "hardBreak");
    private static final Map<String, Set<String>> ALLOWED_CHILDREN = Map.of(
            "doc", Set.of("paragraph", "heading", "bulletList", "orderedList", "codeBlock", "blockquote", "rule"),
            "paragraph", INLINE,
            "heading", INLINE,
            "bulletList", Set.of("listItem"),
            "orderedList", Set.of("listItem"),
            "listItem", Set.of("paragraph", "codeBlock", "bulletList", "orderedList"),
            "blockquote", Set.of("paragraph", "bulletList", "orderedList", "codeBlock"),
            "codeBlock", Set.of("text"),
            "rule", Set.of());
    private static final Set<String> MARKS = Set.of("strong", "em", "code", "link");

    private AdfAssertions() {}

    static void assertValidDoc(JsonNode doc) {
        assertThat(doc.path("type").asText()).isEqualTo("doc");
        assertThat(doc.path("version").asInt()).isEqualTo(1);
        assertThat(doc.path("content").isArray()).isTrue();
        assertThat(doc.path("content").size()).isPositive();
        check(doc);
    }

    private static void check(JsonNode node) {
        String type = node.path("type").asText();
        if (type.equals("text")) {
            String text = node.path("text").asText();
            assertThat(text).as("text nodes must not be empty").isNotEmpty();
            assertThat(text.chars().filter(c -> Character.isISOControl(c) && c != '\n' && c != '\t').count())
                    .as("control characters in %s", text).isZero();
            List<String> marks = new ArrayList<>();
            node.path("marks").forEach(m -> marks.add(m.path("type").asText()));
            assertThat(marks).allMatch(MARKS::contains).doesNotHaveDuplicates();
            if (marks.contains("code")) {
                assertThat(marks).as("code combines with link only").allMatch(m -> m.equals("code") || m.equals("link"));
            }
            node.path("marks").forEach(m -> {
                if (m.path("type").asText().equals("link")) {
                    assertThat(m.path("attrs").path("href").asText()).matches("(?i)(https?://|mailto:).*");
                }
            });
            return;
        }
        if (type.equals("hardBreak")) {
            return;
        }
        Set<String> allowed = ALLOWED_CHILDREN.get(type);
        assertThat(allowed).as("unknown node type %s", type).isNotNull();
        JsonNode content = node.path("content");
        if (type.equals("listItem")) {
            assertThat(content.get(0).path("type").asText()).isIn("paragraph", "codeBlock");
        }
        if (type.equals("heading")) {
            assertThat(node.path("attrs").path("level").asInt()).isBetween(1, 6);
        }
        for (JsonNode child : content) {
            assertThat(allowed).as("%s inside %s", child.path("type").asText(), type).contains(child.path("type").asText());
            if (type.equals("codeBlock")) {
                assertThat(child.has("marks")).isFalse();
            }
            check(child);
        }
    }

    /** Every node of the given type, depth first. */
    static List<JsonNode> find(JsonNode node, String type) {
        List<JsonNode> out = new ArrayList<>();
        collect(node, type, out);
        return out;
    }

    private static void collect(JsonNode node, String type, List<JsonNode> out) {
        if (type.equals(node.path("type").asText())) {
            out.add(node);
        }
        node.path("content").forEach(c -> collect(c, type, out));
    }

    /** The text of a node and its descendants, hard breaks as newlines. */
    static String text(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        appendText(node, sb);
        return sb.toString();
    }

    private static void appendText(JsonNode node, StringBuilder sb) {
        if (node.path("type").asText().equals("text")) {
            sb.append(node.path("text").asText());
        } else if (node.path("type").asText().equals("hardBreak")) {
            sb.append('\n');
        }
        node.path("content").forEach(c -> appendText(c, sb));
    }

    static List<String> marks(JsonNode text) {
        List<String> marks = new ArrayList<>();
        text.path("marks").forEach(m -> marks.add(m.path("type").asText()));
        return marks;
    }
}
