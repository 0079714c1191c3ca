package io.alertrelay.kind;

import io.alertrelay.channel.KindSource;
import io.alertrelay.channel.KindSpec;
import io.alertrelay.delivery.NonRetryableDeliveryException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.RoutesLoader;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The kind files: the packaged ones (classpath:routes/kinds/*.yaml) and the operator's own in
 * alert-relay.kinds-dir (default ./kinds). Their declarations become kinds for channel validation; their
 * routes are added to Camel before it starts, and replaced on POST /admin/reload. A broken file is refused
 * with one line naming it and the field, and on reload the running kinds keep working.
 */
@Component("kindCatalog")
public class KindCatalog implements KindSource, CamelContextConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(KindCatalog.class);

    private final String packaged;
    private final Path dir;
    private volatile Map<String, KindFile> files;
    /** The route ids each kind file added to Camel, so that a reload can take them out again. */
    private final Map<String, List<String>> routeIds = new LinkedHashMap<>();

    public KindCatalog(@Value("${alert-relay.kinds.packaged:classpath*:routes/kinds/*.yaml}") String packaged,
                       @Value("${alert-relay.kinds-dir:kinds}") String dir) {
        this.packaged = packaged;
        this.dir = dir == null || dir.isBlank() ? null : Path.of(dir);
        this.files = read();
    }

    @Override
    public Collection<KindSpec> kinds() {
        return files.values().stream().map(KindFile::spec).filter(Objects::nonNull).toList();
    }

    /** The kinds directory (absolute), or null when none is set. */
    public Path directory() {
        return dir == null ? null : dir.toAbsolutePath();
    }

    /** Reads every kind file again, without changing anything; for POST /admin/reload. */
    public Prepared prepare(CamelContext camel) {
        Map<String, KindFile> next = read();
        Map<String, List<String>> ids = new LinkedHashMap<>();
        for (KindFile f : next.values()) {
            ids.put(f.name(), checkRoutes(camel, f));
        }
        return new Prepared(next, ids);
    }

    public record Prepared(Map<String, KindFile> files, Map<String, List<String>> routeIds) {
        public Collection<KindSpec> kinds() {
            return files.values().stream().map(KindFile::spec).filter(Objects::nonNull).toList();
        }
    }

    /** Swaps in prepared kind files: routes of changed or removed files out, new ones in. */
    public synchronized void apply(CamelContext camel, Prepared prepared) {
        Map<String, KindFile> old = files;
        for (Map.Entry<String, KindFile> e : old.entrySet()) {
            KindFile now = prepared.files().get(e.getKey());
            if (now == null || !now.routes().equals(e.getValue().routes())) {
                for (String id : routeIds.getOrDefault(e.getKey(), List.of())) {
                    try {
                        camel.getRouteController().stopRoute(id);
                        camel.removeRoute(id);
                    } catch (Exception ex) {
                        throw new InvalidKindException(e.getValue().location(), null, "cannot stop its route " + id + ": " + ex.getMessage());
                    }
                }
                routeIds.remove(e.getKey());
            }
        }
        files = prepared.files();
        for (KindFile f : prepared.files().values()) {
            if (!routeIds.containsKey(f.name())) {
                install(camel, f, prepared.routeIds().get(f.name()));
            }
        }
    }

    /** Adds the kind files' routes before Camel starts. */
    @Override
    public void beforeApplicationStart(CamelContext camel) {
        for (KindFile f : files.values()) {
            install(camel, f, checkRoutes(camel, f));
        }
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        // nothing: the routes are in before the start
    }

    private void install(CamelContext camel, KindFile f, List<String> ids) {
        try {
            PluginHelper.getRoutesLoader(camel).loadRoutes(resource(f));
        } catch (Exception e) {
            throw new InvalidKindException(f.location(), "route", KindFileParser.oneLine(e.getMessage()));
        }
        routeIds.put(f.name(), ids);
    }

    /** Parses the file's routes without adding them: a route needs id deliver-&lt;kind&gt; from direct:deliver-&lt;kind&gt;. */
    private static List<String> checkRoutes(CamelContext camel, KindFile f) {
        RoutesLoader loader = PluginHelper.getRoutesLoader(camel);
        List<String> ids = new ArrayList<>();
        String expected = "deliver-" + f.name();
        try {
            for (RoutesBuilder b : loader.findRoutesBuilders(resource(f))) {
                if (b instanceof RouteBuilder rb) {
                    rb.configureRoutes(camel);
                    for (RouteDefinition d : rb.getRouteCollection().getRoutes()) {
                        ids.add(d.getRouteId());
                        if (expected.equals(d.getRouteId()) && !("direct:" + expected).equals(d.getInput().getEndpointUri())) {
                            throw new InvalidKindException(f.location(), "route " + expected, "must start from direct:" + expected);
                        }
                    }
                }
            }
        } catch (InvalidKindException e) {
            throw e;
        } catch (Exception e) {
            throw new InvalidKindException(f.location(), "route", KindFileParser.oneLine(e.getMessage()));
        }
        if (!ids.contains(expected)) {
            throw new InvalidKindException(f.location(), "route", "must contain a route with id " + expected + " (found "
                    + (ids.isEmpty() ? "none" : String.join(", ", ids)) + ")");
        }
        return ids;
    }

    private static Resource resource(KindFile f) {
        return ResourceHelper.fromString(f.location(), f.routes());
    }

    /** The request a kind file declares under spec.requests.&lt;name&gt;. */
    RequestTemplate request(String kind, String name) {
        return declared(kind, "request", KindFile::requests, name);
    }

    /** The signature a kind file declares under spec.signatures.&lt;name&gt;. */
    Signature signature(String kind, String name) {
        return declared(kind, "signature", KindFile::signatures, name);
    }

    /** The text a kind file declares under spec.texts.&lt;name&gt;. */
    com.samskivert.mustache.Template text(String kind, String name) {
        return declared(kind, "text", KindFile::texts, name);
    }

    /** A route names a part its kind file lacks: the delivery cannot succeed however often it is tried. */
    private <T> T declared(String kind, String what, java.util.function.Function<KindFile, Map<String, T>> part, String name) {
        KindFile f = files.get(kind);
        T t = f == null ? null : part.apply(f).get(name);
        if (t == null) {
            throw new NonRetryableDeliveryException("config_error", "kind " + kind + " declares no " + what + " '" + name + "'");
        }
        return t;
    }

    /** What the kind keeps per fingerprint (spec.remember), empty when it keeps nothing. */
    Map<String, com.samskivert.mustache.Template> remember(String kind) {
        KindFile f = files.get(kind);
        return f == null ? Map.of() : f.remember();
    }

    private Map<String, KindFile> read() {
        Map<String, KindFile> out = new LinkedHashMap<>();
        try {
            var resolver = new PathMatchingResourcePatternResolver(KindCatalog.class.getClassLoader());
            for (var r : resolver.getResources(packaged)) {
                String name = baseName(r.getFilename());
                // the packaged files are named as operators know them; a file: pattern by its path
                String location = packaged.startsWith("classpath") ? "classpath:routes/kinds/" + r.getFilename()
                        : r.getURL().toString();
                try (InputStream in = r.getInputStream()) {
                    add(out, KindFileParser.parse(name, location, new String(in.readAllBytes(), StandardCharsets.UTF_8),
                            sibling -> classpathSibling(r, sibling)));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the packaged kinds: " + e.getMessage(), e);
        }
        if (dir != null && Files.isDirectory(dir)) {
            List<Path> paths;
            try (Stream<Path> s = Files.list(dir)) {
                paths = s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted(Comparator.naturalOrder()).toList();
            } catch (IOException e) {
                throw new InvalidKindException(dir.toString(), null, "cannot be listed: " + e.getMessage());
            }
            for (Path p : paths) {
                String location = "file:" + p.toAbsolutePath();
                String text;
                try {
                    text = Files.readString(p, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new InvalidKindException(p.toString(), null, "cannot be read: " + e.getMessage());
                }
                KindFile f = KindFileParser.parse(baseName(p.getFileName().toString()), location, text,
                        sibling -> fileSibling(p, sibling));
                if (out.containsKey(f.name())) {
                    throw new InvalidKindException(p.toString(), null, "declares kind " + f.name()
                            + ", which the relay already has (" + out.get(f.name()).location() + "); choose another file name");
                }
                add(out, f);
            }
        }
        LOG.debug("Kind files: {}", out.keySet());
        return out;
    }

    private static void add(Map<String, KindFile> out, KindFile f) {
        out.put(f.name(), f);
    }

    private static String baseName(String filename) {
        return filename == null ? "" : filename.replaceFirst("\\.yaml$", "");
    }

    private static String classpathSibling(org.springframework.core.io.Resource r, String sibling) {
        try (InputStream in = r.createRelative(sibling).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    private static String fileSibling(Path kindFile, String sibling) {
        try {
            return Files.readString(kindFile.resolveSibling(sibling), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
