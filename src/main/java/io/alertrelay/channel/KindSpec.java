package io.alertrelay.channel;

import java.util.List;
import java.util.Optional;

/** A channel kind: its name and the config fields a channel of that kind accepts. */
public record KindSpec(String name, String description, List<Param> params) {

    public Optional<Param> param(String field) {
        return params.stream().filter(p -> p.name().equals(field)).findFirst();
    }
}
