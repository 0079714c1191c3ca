package io.alertrelay.kinds.github;

import io.alertrelay.channel.Channel;
import io.alertrelay.channel.ChannelCheck;
import io.alertrelay.channel.ChannelRegistry;
import io.alertrelay.channel.InvalidChannelConfigException;
import java.util.Collection;
import org.springframework.stereotype.Component;

/**
 * The one github field the generic config validation cannot check: the shape of repository. A
 * singleton, so a bad value stops startup (reported by ChannelConfigFailureAnalyzer) before any
 * delivery runs. It cannot live in the builder: ChannelRegistry is built from the builders.
 */
@Component
public class GithubChannelCheck implements ChannelCheck {

    public GithubChannelCheck(ChannelRegistry registry) {
        check(registry);
    }

    @Override
    public void check(Collection<Channel> channels) {
        checkAll(channels);
    }

    static void check(ChannelRegistry registry) {
        checkAll(registry.all());
    }

    private static void checkAll(Collection<Channel> channels) {
        for (Channel c : channels) {
            if (GithubPayload.KIND.equals(c.kind())) {
                try {
                    GithubRepository.parse(c.string("repository"));
                } catch (IllegalArgumentException e) {
                    throw new InvalidChannelConfigException("channel '" + c.id() + "': config.repository " + e.getMessage());
                }
            }
        }
    }
}
