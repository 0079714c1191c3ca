package io.alertrelay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The command line of the jar: talks to a running relay's REST API, prints a table (or the raw JSON
 * with --json). Exit codes: 0 done, 1 the API refused or could not be reached (or a channel test did
 * not succeed), 2 the command line itself is wrong.
 */
public final class RelayCli {

    static final Set<String> COMMANDS = Set.of("channels", "deliveries", "keys", "silences", "alerts");
    static final String DEFAULT_URL = "http://127.0.0.1:8080";
    static final String API_KEY_ENV = "ALERT_RELAY_API_KEY";
    private static final Set<String> VALUE_OPTIONS = Set.of("--url", "--api-key", "--scopes", "--timeout", "--status",
            "--page", "--size", "--duration", "--starts", "--ends", "--comment", "--author", "--state");
    private static final Set<String> FLAG_OPTIONS = Set.of("--json", "--all", "--help");

    static final String USAGE = """
            usage: java -jar alert-relay.jar <command> [options]

            commands:
              channels list                     every channel with its status
              channels test <id> [--timeout S]  send a [TEST] alert through one channel and wait for the outcome
              channels test --all [--timeout S] test every enabled channel
              channels replay <id>              send all dead deliveries of a channel again
              deliveries list [--status dead] [--page N] [--size N]
              deliveries replay <id>            send one dead delivery again
              keys create <name> --scopes a,b   create an API key (scopes: alerts:write, channels:read, admin)
              keys list
              keys revoke <id>
              silences add <matcher>... (--duration 2h | --ends T) --comment TEXT [--starts T] [--author NAME]
                                                silence alerts, e.g. silences add env=prod 'alertname=~Disk.*' --duration 2h --comment "db maintenance"
              silences list [--state active|pending|expired]
              silences expire <id>
              alerts why <id>                   per channel: matched or not, delivered, dead, or suppressed and by what

            options:
              --url URL          the relay (default http://127.0.0.1:8080)
              --api-key KEY      API key (default: environment variable ALERT_RELAY_API_KEY)
              --json             print the API's JSON instead of a table
            """;

    private final PrintStream out;
    private final PrintStream err;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private String baseUrl;
    private String apiKey;
    private boolean raw;

    private RelayCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Whether the jar's arguments are a CLI command rather than the server's options. */
    public static boolean handles(String[] args) {
        return args.length > 0 && COMMANDS.contains(args[0]);
    }

    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        return new RelayCli(out, err).execute(args, env);
    }

    /** A usage mistake: exit code 2. */
    private static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }

    /** The API said no, or could not be reached: exit code 1. */
    private static final class ApiError extends RuntimeException {
        ApiError(String message) {
            super(message);
        }
    }

    private int execute(String[] args, Map<String, String> env) {
        try {
            List<String> words = new ArrayList<>();
            Map<String, String> options = parse(args, words);
            if (options.containsKey("--help")) {
                out.print(USAGE);
                return 0;
            }
            baseUrl = stripSlash(options.getOrDefault("--url", DEFAULT_URL));
            if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
                throw new UsageError("--url must start with http:// or https://, got \"" + baseUrl + "\"");
            }
            apiKey = options.getOrDefault("--api-key", env.get(API_KEY_ENV));
            raw = options.containsKey("--json");
            return dispatch(words, options);
        } catch (UsageError e) {
            err.println("error: " + e.getMessage());
            err.println();
            err.print(USAGE);
            return 2;
        } catch (ApiError e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static Map<String, String> parse(String[] args, List<String> words) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                words.add(a);
                continue;
            }
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            if (FLAG_OPTIONS.contains(name) && !a.contains("=")) {
                options.put(name, "true");
            } else if (VALUE_OPTIONS.contains(name)) {
                if (a.contains("=")) {
                    options.put(name, a.substring(a.indexOf('=') + 1));
                } else if (i + 1 < args.length) {
                    options.put(name, args[++i]);
                } else {
                    throw new UsageError(name + " needs a value");
                }
            } else {
                throw new UsageError("unknown option " + a);
            }
        }
        return options;
    }

    private int dispatch(List<String> w, Map<String, String> o) {
        String command = String.join(" ", w.subList(0, Math.min(2, w.size())));
        List<String> rest = w.size() > 2 ? w.subList(2, w.size()) : List.of();
        switch (command) {
            case "channels list" -> {
                noArgs(rest);
                return channelsList();
            }
            case "channels test" -> {
                String timeout = o.get("--timeout");
                if (timeout != null && !timeout.matches("\\d{1,3}")) {
                    throw new UsageError("--timeout must be a number of seconds, got \"" + timeout + "\"");
                }
                if (o.containsKey("--all")) {
                    noArgs(rest);
                    return channelsTestAll(timeout);
                }
                return channelsTest(List.of(one(rest, "channel id")), timeout);
            }
            case "channels replay" -> {
                JsonNode r = call("POST", "/channels/" + segment(one(rest, "channel id")) + "/replay", null, null);
                return print(r, () -> out.println("channel " + r.path("channel").asText() + ": "
                        + r.path("replayed").asInt() + " dead deliveries are pending again"));
            }
            case "deliveries list" -> {
                noArgs(rest);
                return deliveriesList(o);
            }
            case "deliveries replay" -> {
                JsonNode r = call("POST", "/deliveries/" + segment(one(rest, "delivery id")) + "/replay", null, null);
                return print(r, () -> out.println("delivery " + r.path("id").asText() + " to channel "
                        + r.path("channelId").asText() + " is " + r.path("status").asText() + " again"));
            }
            case "keys create" -> {
                String name = one(rest, "key name");
                String scopes = o.get("--scopes");
                if (scopes == null || scopes.isBlank()) {
                    throw new UsageError("keys create needs --scopes, e.g. --scopes alerts:write,channels:read");
                }
                ObjectNode body = json.createObjectNode().put("name", name);
                ArrayNode list = body.putArray("scopes");
                for (String s : scopes.split(",")) {
                    if (!s.isBlank()) {
                        list.add(s.trim());
                    }
                }
                JsonNode r = call("POST", "/admin/keys", body, null);
                return print(r, () -> {
                    table(List.of("ID", "NAME", "SCOPES", "CREATED"), List.of(List.of(text(r, "id"), text(r, "name"),
                            joined(r.path("scopes")), text(r, "createdAt"))));
                    out.println();
                    out.println("key: " + r.path("key").asText());
                    out.println("The key is shown only this once; store it now.");
                });
            }
            case "keys list" -> {
                noArgs(rest);
                JsonNode r = call("GET", "/admin/keys", null, null);
                return print(r, () -> {
                    List<List<String>> rows = new ArrayList<>();
                    r.forEach(k -> rows.add(List.of(text(k, "id"), text(k, "name"), joined(k.path("scopes")),
                            text(k, "createdAt"), text(k, "revokedAt"))));
                    table(List.of("ID", "NAME", "SCOPES", "CREATED", "REVOKED"), rows);
                });
            }
            case "keys revoke" -> {
                String id = one(rest, "key id");
                call("DELETE", "/admin/keys/" + segment(id), null, null);
                if (raw) {
                    out.println("{}");
                } else {
                    out.println("key " + id + " revoked");
                }
                return 0;
            }
            case "silences add" -> {
                return silencesAdd(rest, o);
            }
            case "silences list" -> {
                noArgs(rest);
                String state = o.get("--state");
                JsonNode r = call("GET", "/silences" + (state == null ? "" : "?state=" + URLEncoder.encode(state,
                        StandardCharsets.UTF_8)), null, null);
                return print(r, () -> {
                    List<List<String>> rows = new ArrayList<>();
                    r.forEach(x -> rows.add(List.of(text(x, "id"), text(x.path("status"), "state"), text(x, "matchersText"),
                            text(x, "startsAt"), text(x, "endsAt"), text(x, "createdBy"), cut(text(x, "comment"), 60))));
                    table(List.of("ID", "STATE", "MATCHERS", "STARTS", "ENDS", "CREATED BY", "COMMENT"), rows);
                });
            }
            case "silences expire" -> {
                JsonNode r = call("DELETE", "/silences/" + segment(one(rest, "silence id")), null, null);
                return print(r, () -> out.println("silence " + text(r, "id") + " is " + text(r.path("status"), "state")
                        + " (ended " + text(r, "endsAt") + ")"));
            }
            case "alerts why" -> {
                JsonNode r = call("GET", "/alerts/" + segment(one(rest, "alert id")), null, null);
                return print(r, () -> {
                    out.println("alert " + text(r, "id") + ": [" + text(r, "severity") + "] " + text(r, "title") + " ("
                            + text(r, "status") + ", fingerprint " + text(r, "fingerprint") + ")");
                    List<List<String>> rows = new ArrayList<>();
                    r.path("channels").forEach(c -> rows.add(List.of(text(c, "channel"), text(c, "outcome"), text(c, "why"))));
                    table(List.of("CHANNEL", "OUTCOME", "WHY"), rows);
                });
            }
            default -> throw new UsageError(w.isEmpty() ? "no command given" : "unknown command \"" + String.join(" ", w) + "\"");
        }
    }

    /** Like amtool silence add: each argument one matcher, the silence from now (or --starts) for --duration. */
    private int silencesAdd(List<String> matchers, Map<String, String> o) {
        if (matchers.isEmpty()) {
            throw new UsageError("silences add needs at least one matcher, e.g. env=prod 'alertname=~Disk.*'");
        }
        String comment = o.get("--comment");
        if (comment == null || comment.isBlank()) {
            throw new UsageError("silences add needs --comment (why the alerts are silenced)");
        }
        if (o.containsKey("--duration") == o.containsKey("--ends")) {
            throw new UsageError("silences add needs either --duration (e.g. 2h) or --ends (RFC 3339)");
        }
        ObjectNode body = json.createObjectNode().put("matchers", String.join(",", matchers)).put("comment", comment)
                .put("createdBy", o.getOrDefault("--author", System.getProperty("user.name", "cli")));
        if (o.containsKey("--duration")) {
            body.put("duration", o.get("--duration"));
        } else {
            body.put("endsAt", o.get("--ends"));
        }
        if (o.containsKey("--starts")) {
            body.put("startsAt", o.get("--starts"));
        }
        JsonNode r = call("POST", "/silences", body, null);
        return print(r, () -> out.println("silence " + text(r, "id") + " " + text(r.path("status"), "state") + ": "
                + text(r, "matchersText") + " until " + text(r, "endsAt")));
    }

    private int channelsList() {
        JsonNode r = call("GET", "/channels", null, null);
        return print(r, () -> {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode c : r) {
                JsonNode s = c.path("status");
                JsonNode f = s.path("lastFailure");
                rows.add(List.of(text(c, "id"), text(c, "kind"), c.path("enabled").asBoolean() ? "yes" : "no",
                        text(s, "sentCount"), text(s, "failedCount"), text(s, "pendingCount"), text(s, "deadCount"),
                        text(s, "meanResponseMs"), text(s, "lastSuccessAt"), failure(f)));
            }
            table(List.of("ID", "KIND", "ENABLED", "SENT", "FAILED", "PENDING", "DEAD", "MEAN MS", "LAST SUCCESS",
                    "LAST FAILURE"), rows);
        });
    }

    private int channelsTestAll(String timeout) {
        List<String> ids = new ArrayList<>();
        call("GET", "/channels", null, null).forEach(c -> {
            if (c.path("enabled").asBoolean()) {
                ids.add(c.path("id").asText());
            }
        });
        if (ids.isEmpty()) {
            out.println(raw ? "[]" : "no enabled channels");
            return 0;
        }
        return channelsTest(ids, timeout);
    }

    /** Tests run in parallel: each may wait for retries, and channels do not depend on each other. */
    private int channelsTest(List<String> ids, String timeout) {
        String query = timeout == null ? "" : "?timeout=" + timeout;
        Duration wait = Duration.ofSeconds((timeout == null ? 60 : Integer.parseInt(timeout)) + 15);
        List<CompletableFuture<JsonNode>> running = ids.stream().map(id -> CompletableFuture.supplyAsync(() ->
                call("POST", "/channels/" + segment(id) + "/test" + query, null, wait))).toList();
        List<JsonNode> results = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            try {
                results.add(running.get(i).join());
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof ApiError api && ids.size() > 1) {
                    errors.add(ids.get(i) + ": " + api.getMessage());
                } else if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                } else {
                    throw e;
                }
            }
        }
        boolean allSent = errors.isEmpty() && results.stream().allMatch(r -> "sent".equals(r.path("outcome").asText()));
        if (raw) {
            out.println(pretty(ids.size() == 1 ? results.get(0) : json.valueToTree(results)));
        } else {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode r : results) {
                rows.add(List.of(text(r, "channel"), text(r, "kind"), text(r, "outcome"), r.path("elapsedMs").asText() + " ms",
                        "failed".equals(r.path("outcome").asText()) ? failure(r.path("failure")) : ""));
            }
            table(List.of("CHANNEL", "KIND", "OUTCOME", "TIME", "FAILURE"), rows);
        }
        errors.forEach(e -> err.println("error: " + e));
        return allSent ? 0 : 1;
    }

    private int deliveriesList(Map<String, String> o) {
        StringBuilder q = new StringBuilder();
        for (String name : List.of("status", "page", "size")) {
            String v = o.get("--" + name);
            if (v != null) {
                q.append(q.isEmpty() ? "?" : "&").append(name).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        }
        JsonNode r = call("GET", "/deliveries" + q, null, null);
        return print(r, () -> {
            List<List<String>> rows = new ArrayList<>();
            r.path("items").forEach(d -> rows.add(List.of(text(d, "id"), text(d, "channelId"), text(d, "status"),
                    text(d, "attempts"), text(d, "createdAt"), cut(text(d, "title"), 40), cut(text(d, "lastError"), 60))));
            table(List.of("ID", "CHANNEL", "STATUS", "ATTEMPTS", "CREATED", "TITLE", "LAST ERROR"), rows);
            out.println("page " + r.path("page").asInt() + ", " + r.path("items").size() + " of " + r.path("total").asLong());
        });
    }

    private JsonNode call(String method, String path, JsonNode body, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(timeout == null ? Duration.ofSeconds(30) : timeout)
                .header("Accept", "application/json");
        if (apiKey != null && !apiKey.isBlank()) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        if (body != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ApiError("cannot reach the relay at " + baseUrl + " (" + (e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError("interrupted");
        }
        JsonNode answer = readJson(r.body());
        if (r.statusCode() >= 400) {
            String message = answer != null && answer.hasNonNull("message") ? answer.get("message").asText()
                    : r.body() == null || r.body().isBlank() ? "no details" : cut(r.body().strip(), 200);
            throw new ApiError("HTTP " + r.statusCode() + ": " + message);
        }
        return answer == null ? json.createObjectNode() : answer;
    }

    private JsonNode readJson(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private int print(JsonNode answer, Runnable table) {
        if (raw) {
            out.println(pretty(answer));
        } else {
            table.run();
        }
        return 0;
    }

    private String pretty(JsonNode node) {
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            return node.toString();
        }
    }

    /** Left-aligned columns, two spaces apart. */
    private void table(List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                width[i] = Math.max(width[i], row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + width[i] + "s  ", row.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String failure(JsonNode f) {
        if (f == null || f.isNull() || f.isMissingNode()) {
            return "";
        }
        StringBuilder s = new StringBuilder(text(f, "errorType"));
        if (f.hasNonNull("statusCode")) {
            s.append(' ').append(f.get("statusCode").asText());
        }
        if (f.hasNonNull("message")) {
            s.append(s.isEmpty() ? "" : ": ").append(cut(f.get("message").asText(), 80));
        }
        return s.toString();
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isNull() || v.isMissingNode() ? "" : v.asText();
    }

    private static String joined(JsonNode array) {
        List<String> items = new ArrayList<>();
        array.forEach(x -> items.add(x.asText()));
        return String.join(",", items);
    }

    private static String cut(String s, int max) {
        String flat = s.replaceAll("\\s+", " ");
        return flat.length() > max ? flat.substring(0, max - 1) + "…" : flat;
    }

    private static String one(List<String> rest, String what) {
        if (rest.size() != 1) {
            throw new UsageError(rest.isEmpty() ? "missing " + what : "expected one " + what + ", got " + rest);
        }
        return rest.get(0);
    }

    private static void noArgs(List<String> rest) {
        if (!rest.isEmpty()) {
            throw new UsageError("unexpected argument(s) " + rest);
        }
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
