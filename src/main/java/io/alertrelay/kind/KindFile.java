package io.alertrelay.kind;

import io.alertrelay.channel.KindSpec;
import java.util.Map;

/**
 * One parsed kind file: its declaration (null for a route-only file of a Java kind), its requests, and
 * its route document as text, with the declaration's lines blanked so Camel reports true line numbers.
 */
record KindFile(String name, String location, KindSpec spec, Map<String, RequestTemplate> requests, String routes) {}
