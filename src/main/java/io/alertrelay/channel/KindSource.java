package io.alertrelay.channel;

import java.util.Collection;

/** Kinds declared outside Java: the kind files (packaged ones and the operator's kinds directory). */
public interface KindSource {

    /** The kinds as last loaded successfully. */
    Collection<KindSpec> kinds();
}
