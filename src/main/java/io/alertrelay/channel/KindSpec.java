package io.alertrelay.channel;

import java.util.List;
import java.util.Optional;

/**
 * A channel kind: its name, the config fields a channel of that kind accepts, the rules between them,
 * and the kind's facts (declared in its kind file, routes/kinds/&lt;kind&gt;.yaml).
 */
public record KindSpec(String name, String description, List<Param> params, KindFacts facts, List<ConfigRule> rules) {

    public KindSpec(String name, String description, List<Param> params) {
        this(name, description, params, KindFacts.NONE);
    }

    public KindSpec(String name, String description, List<Param> params, KindFacts facts) {
        this(name, description, params, facts, List.of());
    }

    public Optional<Param> param(String field) {
        return params.stream().filter(p -> p.name().equals(field)).findFirst();
    }

    public KindSpec withFacts(KindFacts f) {
        return new KindSpec(name, description, params, f, rules);
    }
}
