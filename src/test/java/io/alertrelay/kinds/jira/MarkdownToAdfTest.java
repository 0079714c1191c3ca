package io.alertrelay.kinds.jira;

import static io.alertrelay.kinds.jira.AdfAssertions.assertValidDoc;
import static io.alertrelay.kinds.jira.AdfAssertions.find;
import static io.alertrelay.kinds.jira.AdfAssertions.marks;
import static io.alertrelay.kinds.jira.AdfAssertions.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.delivery.Limits;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Markdown that ADF cannot express as is must still give a document Jira accepts. */
class MarkdownToAdfTest {

    private final MarkdownToAdf adf = new MarkdownToAdf(new ObjectMapper());

    private JsonNode convert(String markdown) {
        JsonNode doc = adf.document(List.of(), markdown, JiraPayload.TEXT_FIELD_MAX);
        assertValidDoc(doc);
        return doc;
    }

    @Test
    void emptyInputGivesAnEmptyParagraph() {
        JsonNode doc = convert("");
        assertThat(doc.path("content")).hasSize(1);
        assertThat(doc.path("content").get(0).path("type").asText()).isEqualTo("paragraph");
    }

    @Test
    void blocksAdfDoesNotNestAreFlattened() {
        JsonNode doc = convert("""
                - # Heading in a list
                - > quote in a list
                -
                - - nested first
                - ***
                > # heading in a quote
                > > quote in a quote
                """);
        JsonNode list = find(doc, "bulletList").get(0);
        assertThat(find(list, "heading")).isEmpty();
        assertThat(find(list, "blockquote")).isEmpty();
        assertThat(find(list, "rule")).isEmpty();
        JsonNode bold = find(list, "text").get(0);
        assertThat(bold.path("text").asText()).isEqualTo("Heading in a list");
        assertThat(marks(bold)).containsExactly("strong");
        assertThat(text(list)).contains("quote in a list").contains("nested first");
        JsonNode quote = find(doc, "blockquote").get(0);
        assertThat(find(quote, "blockquote")).hasSize(1);
        assertThat(text(quote)).contains("heading in a quote").contains("quote in a quote");
    }

    @Test
    void onlyWebAndMailLinksBecomeLinkMarksAndCodeKeepsOnlyItsLink() {
        JsonNode doc = convert("[x](javascript:alert(1)) [](https://empty.example) [m](mailto:a@b.example) "
                + "**[`code`](https://c.example)** ![alt](https://img.example/a.png)");
        List<JsonNode> texts = find(doc, "text");
        assertThat(texts.get(0).path("text").asText()).isEqualTo("x");
        assertThat(marks(texts.get(0))).isEmpty();
        assertThat(texts).anyMatch(t -> t.path("text").asText().equals("https://empty.example") && marks(t).equals(List.of("link")));
        assertThat(texts).anyMatch(t -> t.path("text").asText().equals("m") && marks(t).equals(List.of("link")));
        assertThat(texts).anyMatch(t -> t.path("text").asText().equals("code") && marks(t).equals(List.of("link", "code")));
        assertThat(texts).anyMatch(t -> t.path("text").asText().equals("alt") && marks(t).equals(List.of("link")));
    }

    @Test
    void htmlIsShownAsTextAndBreaksBecomeHardBreaks() {
        JsonNode doc = convert("<div>\n<b>hi</b>\n</div>\n\nline one\nline two  \nline three");
        assertThat(text(doc)).contains("<div>\n<b>hi</b>\n</div>").contains("line one\nline two\nline three");
        assertThat(find(doc, "hardBreak")).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void aCutIsMarkedInItsOwnParagraphEvenInsideAnOpenCodeBlock() {
        String markdown = "```\n" + "a \"quoted\" line\n".repeat(5000) + "```\n";
        JsonNode doc = adf.document(List.of(), markdown, 2000);
        assertValidDoc(doc);
        assertThat(doc.toString().length()).isLessThanOrEqualTo(2000);
        JsonNode content = doc.path("content");
        assertThat(content.get(0).path("type").asText()).isEqualTo("codeBlock");
        assertThat(text(content.get(content.size() - 1))).isEqualTo(Limits.MARKER);
    }

    @Test
    void controlCharactersAndLoneSurrogatesAreDroppedPairsKept() {
        assertThat(MarkdownToAdf.clean("a\u0000b\u001bc\u0085d\ud83d\ude00e\ud800f\ude00g\r\nh\ti"))
                .isEqualTo("abcd\ud83d\ude00efg\nh\ti");
    }
}
