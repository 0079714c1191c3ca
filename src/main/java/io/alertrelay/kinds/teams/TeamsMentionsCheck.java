package io.alertrelay.kinds.teams;

import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelCheck;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.channel.InvalidChannelConfigException;
import java.util.Collection;
import org.springframework.stereotype.Component;

/**
 * mention-users is a plain list to the shared validation; a typo in it would silently drop a mention,
 * so Teams channels are checked once more at startup.
 */
@Component
class TeamsMentionsCheck implements ChannelCheck {

    TeamsMentionsCheck(ChannelRegistry channels) {
        check(channels.all());
    }

    @Override
    public void check(Collection<Channel> channels) {
        for (Channel c : channels) {
            if (!"teams".equals(c.kind())) {
                continue;
            }
            for (String entry : c.list("mention-users")) {
                if (TeamsPayload.mentions(java.util.List.of(entry)).isEmpty()) {
                    throw new InvalidChannelConfigException("channel '" + c.id() + "': config.mention-users \"" + entry
                            + "\" is neither \"Name <email>\" nor an e-mail address");
                }
            }
        }
    }
}
