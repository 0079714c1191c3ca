package io.alertrelay.kinds.slack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SlackMarkdownTest {

    @Test
    void aCodeBlockCutBySectionSplittingIsClosedAndReopened() {
        String code = "```\n" + "frame line\n".repeat(500) + "```";
        String text = "intro paragraph\n\n" + code + "\n\nafter";

        List<String> pieces = SlackMarkdown.split(text, 3000);

        assertThat(pieces).hasSizeGreaterThan(1).allSatisfy(p -> {
            assertThat(p.length()).isLessThanOrEqualTo(3000);
            // each section renders on its own, so each must have balanced fences
            assertThat(p.split("```", -1).length % 2).isEqualTo(1);
        });
        assertThat(String.join("", pieces).replace("```", "").replace("\n", ""))
                .isEqualTo(text.replace("```", "").replace("\n", ""));
    }

    @Test
    void nestedListsAndQuotes() {
        String mrkdwn = SlackMarkdown.toMrkdwn("- a\n  - b\n\n> quoted **x**\n\n## Head");

        assertThat(mrkdwn).isEqualTo("• a\n    • b\n\n> quoted *x*\n\n*Head*");
    }
}
