package io.alertrelay.kinds.github;

import io.alertrelay.delivery.VendorAnswer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.RelayProperties;
import io.alertrelay.channel.ChannelProperties;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.channel.InvalidChannelConfigException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The parts of the github kind that need no relay around them. */
class GithubPayloadTest {

    private static final String ZWJ = GithubText.ZWJ;
    private final GithubPayload payload = new GithubPayload(new ObjectMapper(), null);

    @Test
    void describesGithubValidationErrorsOnOneLine() {
        assertThat(payload.describeError(VendorAnswer.of(422, "{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"Issue\","
                + "\"field\":\"title\",\"code\":\"missing_field\"}],\"documentation_url\":\"https://docs.github.com/rest\"}")))
                .isEqualTo("Validation Failed: Issue.title missing_field");
        assertThat(payload.describeError(VendorAnswer.of(422, "{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"Label\","
                + "\"code\":\"custom\",\"field\":\"name\",\"message\":\"name is too long\\n(max 50)\"}, \"plain text error\"]}")))
                .isEqualTo("Validation Failed: Label.name: name is too long (max 50); plain text error");
        assertThat(payload.describeError(VendorAnswer.of(401, "{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\"}")))
                .isEqualTo("Bad credentials");
        assertThat(payload.describeError(VendorAnswer.of(502, "<html>Bad gateway</html>"))).isNull();
        assertThat(payload.describeError(VendorAnswer.of(500, "{\"documentation_url\":\"x\"}"))).isNull();
    }

    @Test
    void mentionsAndIssueReferencesAreBrokenOnlyWhereGithubWouldActOnThem() {
        assertThat(GithubText.plain("ping @alice, @acme/team-a and see #12 or acme/app#3"))
                .isEqualTo("ping @" + ZWJ + "alice, @" + ZWJ + "acme/team-a and see #" + ZWJ + "12 or acme/app#" + ZWJ + "3");
        assertThat(GithubText.plain("ops@example.com https://x.org/@me/page#12 &#123; C# #tag @ alone"))
                .isEqualTo("ops@example.com https://x.org/@me/page#12 &#123; C# #tag @ alone");
        String md = "Hello @bob\n\n`@carol #1` and [@linked #4](#4) <https://x.org/#5>\n\n    @indented #2\n\n"
                + "```\n@fenced #3\n```\n\n> quoted @dave\n\n<!-- raw html --> @erin #6";
        assertThat(GithubText.markdown(md)).isEqualTo("Hello @" + ZWJ + "bob\n\n`@carol #1` and [@linked #4](#4) <https://x.org/#5>\n\n"
                + "    @indented #2\n\n```\n@fenced #3\n```\n\n> quoted @" + ZWJ + "dave\n\n<!-- raw html --> @" + ZWJ + "erin #" + ZWJ + "6");
        assertThat(GithubText.plain("a\u0000b\u0007c\td\ne")).isEqualTo("abc\td\ne");
    }

    @Test
    void aRepositoryThatIsNotOwnerSlashRepoStopsStartupNamingTheChannel() {
        assertThat(GithubRepository.parse(" acme/shop.js ")).isEqualTo(new GithubRepository("acme", "shop.js"));
        for (String bad : List.of("acme", "https://github.com/acme/shop", "acme/shop/issues", "-acme/shop", "acme/..", "ac me/shop")) {
            assertThatThrownBy(() -> GithubChannelCheck.check(registry(bad)))
                    .as(bad).isInstanceOf(InvalidChannelConfigException.class)
                    .hasMessageContaining("channel 'gh': config.repository must look like owner/repo");
        }
        GithubChannelCheck.check(registry("acme/shop"));
    }

    private ChannelRegistry registry(String repository) {
        ChannelProperties c = new ChannelProperties();
        c.setId("gh");
        c.setKind("github");
        c.setConfig(Map.of("repository", repository, "access-token", "ghp_x"));
        RelayProperties props = new RelayProperties();
        props.setChannels(List.of(c));
        return new ChannelRegistry(props, List.of(payload));
    }
}
