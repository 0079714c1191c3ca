package io.alertrelay.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.cli.RelayCli.ApiError;
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
import java.util.List;

/** One command's view of the relay: its REST API, and the table (or, with --json, the raw JSON) it prints. */
final class RelayClient {

    final ObjectMapper json = new ObjectMapper();
    final PrintStream out;
    final PrintStream err;
    /** --json: print the API's answer as it came. */
    final boolean raw;
    private final String baseUrl;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    RelayClient(String baseUrl, String apiKey, boolean raw, PrintStream out, PrintStream err) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.raw = raw;
        this.out = out;
        this.err = err;
    }

    ObjectNode object() {
        return json.createObjectNode();
    }

    JsonNode call(String method, String path, JsonNode body) {
        return call(method, path, body, null);
    }

    /** The answer's JSON (an empty object for an empty body); an ApiError for a 4xx/5xx or no connection. */
    JsonNode call(String method, String path, JsonNode body, Duration timeout) {
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

    /** Prints the answer as JSON with --json, else runs {@code table}; exit code 0. */
    int print(JsonNode answer, Runnable table) {
        if (raw) {
            out.println(pretty(answer));
        } else {
            table.run();
        }
        return 0;
    }

    String pretty(JsonNode node) {
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            return node.toString();
        }
    }

    /** Left-aligned columns, two spaces apart. */
    void table(List<String> header, List<List<String>> rows) {
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

    static String failure(JsonNode f) {
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

    static String text(JsonNode n, String field) {
        JsonNode v = n.path(field);
        return v.isNull() || v.isMissingNode() ? "" : v.asText();
    }

    static String joined(JsonNode array) {
        List<String> items = new ArrayList<>();
        array.forEach(x -> items.add(x.asText()));
        return String.join(",", items);
    }

    static String cut(String s, int max) {
        String flat = s.replaceAll("\\s+", " ");
        return flat.length() > max ? flat.substring(0, max - 1) + "…" : flat;
    }

    /** One path segment: an id typed by the user cannot step into another path. */
    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String query(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
