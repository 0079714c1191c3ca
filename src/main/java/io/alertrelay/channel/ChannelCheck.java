package io.alertrelay.channel;

import java.util.Collection;

/**
 * A check of a kind's channels that the generic validation cannot express. Checks run at startup and
 * again on every config reload, before the new channels replace the old ones.
 */
public interface ChannelCheck {

    /** Throws {@link InvalidChannelConfigException} naming the channel and field at fault. */
    void check(Collection<Channel> channels);
}
