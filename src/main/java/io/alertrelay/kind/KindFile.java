package io.alertrelay.kind;

import io.alertrelay.channel.KindSpec;
import com.samskivert.mustache.Template;
import java.util.Map;

/**
 * One parsed kind file: its declaration (null for a route-only file of a Java kind), its requests, its
 * texts (spec.texts, Mustache templates for a route that sends no HTTP request), its signatures
 * (spec.signatures, for kind.sign), its route document as text, with the declaration's lines blanked
 * so Camel reports true line numbers, and what kind.remember keeps per fingerprint (spec.remember: ref,
 * state, url; empty when the kind keeps nothing).
 */
record KindFile(String name, String location, KindSpec spec, Map<String, RequestTemplate> requests,
                Map<String, Template> texts, Map<String, Signature> signatures, String routes,
                Map<String, Template> remember) {}
