package io.alertrelay.kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.alertrelay.RelayProperties;
import io.alertrelay.channel.ChannelProperties;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.channel.InvalidChannelConfigException;
import io.alertrelay.support.PackagedKinds;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * teams.yaml's mention-users: each entry is "Name &lt;email&gt;" or a bare address (declared as the items'
 * pattern), and becomes a mention by the shared mailboxName and mailboxAddress conversions.
 */
class TeamsMentionsTest {

    private static String mention(String entry) {
        Map<String, Object> model = new HashMap<>(KindVariables.functions());
        model.put("entry", entry);
        return RequestTemplate.MUSTACHE.compile("{{#mailboxName}}{{entry}}{{/mailboxName}}|{{#mailboxAddress}}{{entry}}{{/mailboxAddress}}")
                .execute(model);
    }

    private static void validate(List<String> mentions) {
        ChannelProperties p = new ChannelProperties();
        p.setId("teams-mentions");
        p.setKind("teams");
        p.setConfig(Map.of("webhook-url", "https://teams.example/workflows/tk", "mention-users", mentions));
        RelayProperties props = new RelayProperties();
        props.setChannels(List.of(p));
        new ChannelRegistry(props, List.of(), List.of(PackagedKinds.only("teams")));
    }

    @Test
    void namedAndBareAddressesAreMentionsAndAnythingElseIsNot() {
        assertThat(List.of("Ada Lovelace <ada@example.com>", " grace@example.com ", "<bob@example.com>").stream()
                .map(TeamsMentionsTest::mention))
                .containsExactly("Ada Lovelace|ada@example.com", "grace@example.com|grace@example.com",
                        "bob@example.com|bob@example.com");
        validate(List.of("Ada Lovelace <ada@example.com>", " grace@example.com ", "<bob@example.com>"));

        for (String wrong : List.of("Just A Name", "Eve <not-an-address>")) {
            assertThatThrownBy(() -> validate(List.of("Ada Lovelace <ada@example.com>", wrong)))
                    .isInstanceOf(InvalidChannelConfigException.class)
                    .hasMessageStartingWith("channel 'teams-mentions': config.mention-users \"" + wrong + "\" must match ")
                    .hasMessageEndingWith("(people to @mention: \"Name <email>\" or an e-mail address (their Teams sign-in))");
        }
    }
}
