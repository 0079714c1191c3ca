package io.alertrelay.kinds.teams;

import static org.assertj.core.api.Assertions.assertThat;

import io.alertrelay.kinds.teams.TeamsPayload.Mention;
import java.util.List;
import org.junit.jupiter.api.Test;

class TeamsMentionsTest {

    @Test
    void namedAndBareAddressesAreMentionsAndAnythingElseIsNot() {
        assertThat(TeamsPayload.mentions(List.of("Ada Lovelace <ada@example.com>", " grace@example.com ",
                "<bob@example.com>", "Just A Name", "Eve <not-an-address>")))
                .containsExactly(new Mention("Ada Lovelace", "ada@example.com"),
                        new Mention("grace@example.com", "grace@example.com"),
                        new Mention("bob@example.com", "bob@example.com"));
    }
}
