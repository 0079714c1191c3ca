package io.alertrelay.cli;

import static io.alertrelay.cli.RelayClient.failure;
import static io.alertrelay.cli.RelayClient.segment;
import static io.alertrelay.cli.RelayClient.text;

import com.fasterxml.jackson.databind.JsonNode;
import io.alertrelay.cli.RelayCli.ApiError;
import io.alertrelay.cli.RelayCli.UsageError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "channels", description = "The configured channels: their status, a test send, a replay of dead deliveries.")
final class ChannelsCommand {

    @ParentCommand
    RelayCli cli;

    @Command(name = "list", description = "every channel with its status")
    int list() {
        RelayClient relay = cli.client();
        JsonNode r = relay.call("GET", "/channels", null);
        return relay.print(r, () -> {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode c : r) {
                JsonNode s = c.path("status");
                rows.add(List.of(text(c, "id"), text(c, "kind"), c.path("enabled").asBoolean() ? "yes" : "no",
                        text(s, "sentCount"), text(s, "failedCount"), text(s, "pendingCount"), text(s, "deadCount"),
                        text(s, "meanResponseMs"), text(s, "lastSuccessAt"), failure(s.path("lastFailure"))));
            }
            relay.table(List.of("ID", "KIND", "ENABLED", "SENT", "FAILED", "PENDING", "DEAD", "MEAN MS", "LAST SUCCESS",
                    "LAST FAILURE"), rows);
        });
    }

    @Command(name = "test", description = {"send a [TEST] alert through one channel (or each enabled one) and wait for the outcome",
            "Exit code 1 unless every test ends sent."})
    int test(@Parameters(arity = "0..1", paramLabel = "<id>", description = "the channel") String id,
            @Option(names = "--all", description = "test every enabled channel") boolean all,
            @Option(names = "--timeout", paramLabel = "S", description = "seconds the relay waits for the outcome"
                    + " (default: 60)") String timeout) {
        if (timeout != null && !timeout.matches("\\d{1,3}")) {
            throw new UsageError("--timeout must be a number of seconds, got \"" + timeout + "\"");
        }
        if (all == (id != null)) {
            throw new UsageError(all ? "give a channel id or --all, not both" : "missing channel id (or --all)");
        }
        RelayClient relay = cli.client();
        if (!all) {
            return test(relay, List.of(id), timeout);
        }
        List<String> ids = new ArrayList<>();
        relay.call("GET", "/channels", null).forEach(c -> {
            if (c.path("enabled").asBoolean()) {
                ids.add(c.path("id").asText());
            }
        });
        if (ids.isEmpty()) {
            relay.out.println(relay.raw ? "[]" : "no enabled channels");
            return 0;
        }
        return test(relay, ids, timeout);
    }

    /** Tests run in parallel: each may wait for retries, and channels do not depend on each other. */
    private static int test(RelayClient relay, List<String> ids, String timeout) {
        String query = timeout == null ? "" : "?timeout=" + timeout;
        Duration wait = Duration.ofSeconds((timeout == null ? 60 : Integer.parseInt(timeout)) + 15);
        List<CompletableFuture<JsonNode>> running = ids.stream().map(id -> CompletableFuture.supplyAsync(() ->
                relay.call("POST", "/channels/" + segment(id) + "/test" + query, null, wait))).toList();
        List<JsonNode> results = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            try {
                results.add(running.get(i).join());
            } catch (CompletionException e) {
                // with several channels one refused test is a row of the report; with one it is the answer
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
        if (relay.raw) {
            relay.out.println(relay.pretty(ids.size() == 1 ? results.get(0) : relay.json.valueToTree(results)));
        } else {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode r : results) {
                rows.add(List.of(text(r, "channel"), text(r, "kind"), text(r, "outcome"), r.path("elapsedMs").asText() + " ms",
                        "failed".equals(r.path("outcome").asText()) ? failure(r.path("failure")) : ""));
            }
            relay.table(List.of("CHANNEL", "KIND", "OUTCOME", "TIME", "FAILURE"), rows);
        }
        errors.forEach(e -> relay.err.println("error: " + e));
        return allSent ? 0 : 1;
    }

    @Command(name = "replay", description = "send all dead deliveries of a channel again")
    int replay(@Parameters(paramLabel = "<id>", description = "the channel") String id) {
        RelayClient relay = cli.client();
        JsonNode r = relay.call("POST", "/channels/" + segment(id) + "/replay", null);
        return relay.print(r, () -> relay.out.println("channel " + r.path("channel").asText() + ": "
                + r.path("replayed").asInt() + " dead deliveries are pending again"));
    }
}
