package io.alertrelay.support;

import io.alertrelay.channel.KindSource;
import io.alertrelay.kind.KindCatalog;
import java.util.List;

/** Kinds from the packaged kind files (routes/kinds), for tests that validate channels without a relay. */
public final class PackagedKinds {

    private PackagedKinds() {}

    /** The named packaged kinds only, so that messages listing the known kinds stay short. */
    public static KindSource only(String... names) {
        var catalog = new KindCatalog("classpath*:routes/kinds/*.yaml", null);
        var wanted = List.of(names);
        return () -> catalog.kinds().stream().filter(k -> wanted.contains(k.name())).toList();
    }
}
