package io.alertrelay.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import io.alertrelay.cli.RelayCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as an operator runs it: against the running relay for channels and deliveries, and against
 * WireMock standing in for the relay where the answer must be fixed (the keys API, test --all).
 */
class CliTest extends OpsTestSupport {

    record Run(int exit, String out, String err) {}

    private Run cli(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = RelayCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Run relay(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url");
        all.add("http://127.0.0.1:" + port);
        return cli(Map.of(), all.toArray(String[]::new));
    }

    private Run fake(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--url=http://127.0.0.1:" + WIREMOCK.port() + "/fake-relay");
        return cli(Map.of("ALERT_RELAY_API_KEY", "key-from-env"), all.toArray(String[]::new));
    }

    @Test
    void channelsListPrintsATableOrTheJson() {
        Run table = relay("channels", "list");
        assertThat(table.exit()).as("%s", table).isZero();
        String[] lines = table.out().split("\n");
        assertThat(lines[0]).startsWith("ID").contains("KIND", "ENABLED", "SENT", "FAILED", "LAST FAILURE");
        assertThat(table.out()).as("%s", table).containsPattern("(?m)^ops-hook\\s+webhook\\s+yes\\s+\\d+");
        assertThat(table.out()).as("%s", table).containsPattern("(?m)^ops-off\\s+log\\s+no");

        Run json = relay("channels", "list", "--json");
        assertThat(json.exit()).as("%s", json).isZero();
        assertThat(OpsApiTest.byId(parse(json.out()), "ops-hook").path("config").path("secret-value").asText()).isEqualTo("********");
    }

    @Test
    void channelsTestReportsSentOrFailedWithExitCode() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/cli")).willReturn(aResponse().withStatus(200)));
        Run ok = relay("channels", "test", "ops-cli");
        assertThat(ok.exit()).as("%s", ok).isZero();
        assertThat(ok.out()).as("%s", ok).containsPattern("(?m)^ops-cli\\s+webhook\\s+sent\\s+\\d+ ms");

        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/cli")).willReturn(aResponse().withStatus(401).withBody("bad token")));
        Run failed = relay("channels", "test", "ops-cli", "--timeout", "20");
        assertThat(failed.exit()).as("a failed test is a failure for scripts").isEqualTo(1);
        assertThat(failed.out()).as("%s", failed).containsPattern("(?m)^ops-cli\\s+webhook\\s+failed\\s+\\d+ ms\\s+auth_error 401");

        Run unknown = relay("channels", "test", "nope");
        assertThat(unknown.exit()).as("%s", unknown).isEqualTo(1);
        assertThat(unknown.err()).contains("error: HTTP 404: no channel with id 'nope'");
    }

    @Test
    void deliveriesReplaySendsADeadDeliveryAgain() {
        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/cli")).willReturn(aResponse().withStatus(422)));
        String alert = acceptFor("ops-cli", "replay me from the cli");
        Map<String, Object> row = awaitDelivery(alert, "ops-cli");
        assertThat(row.get("STATUS")).isEqualTo("dead");
        String id = row.get("ID").toString();

        WIREMOCK.stubFor(post(urlPathEqualTo("/ops/cli")).willReturn(aResponse().withStatus(200)));
        Run replay = relay("deliveries", "replay", id);
        assertThat(replay.exit()).as("%s", replay).isZero();
        assertThat(replay.out()).contains("delivery " + id + " to channel ops-cli is pending again");
        assertThat(awaitDelivery(alert, "ops-cli").get("STATUS")).isEqualTo("sent");

        Run again = relay("deliveries", "replay", id);
        assertThat(again.exit()).as("%s", again).isEqualTo(1);
        assertThat(again.err()).contains("HTTP 409").contains("only dead deliveries");
    }

    @Test
    void testAllTestsEveryEnabledChannelAndFailsIfOneFails() {
        WIREMOCK.stubFor(WireMock.get(urlEqualTo("/fake-relay/channels")).willReturn(okJson("""
                [{"id":"a","kind":"webhook","enabled":true},{"id":"b","kind":"slack","enabled":true},
                 {"id":"c","kind":"log","enabled":false}]""")));
        WIREMOCK.stubFor(post(urlEqualTo("/fake-relay/channels/a/test")).willReturn(okJson("""
                {"channel":"a","kind":"webhook","outcome":"sent","elapsedMs":12,"steps":[],"failure":null}""")));
        WIREMOCK.stubFor(post(urlEqualTo("/fake-relay/channels/b/test")).willReturn(okJson("""
                {"channel":"b","kind":"slack","outcome":"failed","elapsedMs":30,"steps":[],
                 "failure":{"errorType":"client_error","statusCode":404,"message":"no_service: the webhook was removed"}}""")));

        Run run = fake("channels", "test", "--all");
        assertThat(run.exit()).as("%s", run).isEqualTo(1);
        assertThat(run.out()).as("%s", run).containsPattern("(?m)^a\\s+webhook\\s+sent\\s+12 ms");
        assertThat(run.out()).as("%s", run).containsPattern("(?m)^b\\s+slack\\s+failed\\s+30 ms\\s+client_error 404: no_service");
        assertThat(WIREMOCK.findAll(postRequestedFor(urlEqualTo("/fake-relay/channels/c/test")))).as("disabled").isEmpty();
        assertThat(WIREMOCK.findAll(postRequestedFor(urlEqualTo("/fake-relay/channels/a/test"))).get(0)
                .getHeader("Authorization")).isEqualTo("Bearer key-from-env");
    }

    @Test
    void keysCommandsFollowTheAdminKeysContract() {
        WIREMOCK.stubFor(post(urlEqualTo("/fake-relay/admin/keys"))
                .withRequestBody(equalToJson("{\"name\":\"ci\",\"scopes\":[\"alerts:write\",\"channels:read\"]}"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("""
                        {"id":"k1","name":"ci","scopes":["alerts:write","channels:read"],"key":"ar_plaintext_once",
                         "createdAt":"2025-01-01T00:00:00Z"}""")));
        Run created = fake("keys", "create", "ci", "--scopes", "alerts:write,channels:read", "--api-key", "admin-key");
        assertThat(created.exit()).as("%s", created).isZero();
        assertThat(created.out()).as("%s", created).containsPattern("(?m)^k1\\s+ci\\s+alerts:write,channels:read");
        assertThat(created.out()).contains("key: ar_plaintext_once").contains("shown only this once");
        assertThat(WIREMOCK.findAll(postRequestedFor(urlEqualTo("/fake-relay/admin/keys"))).get(0)
                .getHeader("Authorization")).as("--api-key wins over the environment").isEqualTo("Bearer admin-key");

        WIREMOCK.stubFor(WireMock.get(urlEqualTo("/fake-relay/admin/keys")).willReturn(okJson("""
                [{"id":"k1","name":"ci","scopes":["alerts:write"],"createdAt":"2025-01-01T00:00:00Z","revokedAt":null},
                 {"id":"k0","name":"old","scopes":["admin"],"createdAt":"2024-01-01T00:00:00Z","revokedAt":"2024-06-01T00:00:00Z"}]""")));
        Run list = fake("keys", "list");
        assertThat(list.exit()).as("%s", list).isZero();
        assertThat(list.out().split("\n")[0]).startsWith("ID").contains("NAME", "SCOPES", "CREATED", "REVOKED");
        assertThat(list.out()).as("%s", list).containsPattern("(?m)^k0\\s+old\\s+admin\\s+2024-01-01T00:00:00Z\\s+2024-06-01T00:00:00Z$");
        JsonNode raw = parse(fake("keys", "list", "--json").out());
        assertThat(raw).hasSize(2);

        WIREMOCK.stubFor(delete(urlEqualTo("/fake-relay/admin/keys/k1")).willReturn(aResponse().withStatus(204)));
        Run revoked = fake("keys", "revoke", "k1");
        assertThat(revoked.exit()).as("%s", revoked).isZero();
        assertThat(revoked.out()).contains("key k1 revoked");
        assertThat(WIREMOCK.findAll(deleteRequestedFor(urlEqualTo("/fake-relay/admin/keys/k1")))).hasSize(1);

        WIREMOCK.stubFor(delete(urlEqualTo("/fake-relay/admin/keys/zz")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json").withBody("{\"error\":\"not_found\",\"message\":\"no key with id 'zz'\",\"errors\":[]}")));
        Run unknown = fake("keys", "revoke", "zz");
        assertThat(unknown.exit()).as("%s", unknown).isEqualTo(1);
        assertThat(unknown.err()).contains("error: HTTP 404: no key with id 'zz'");

        WIREMOCK.stubFor(WireMock.get(urlEqualTo("/fake-relay/admin/keys")).withHeader("Authorization", equalTo("Bearer wrong"))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"unauthorized\",\"message\":\"invalid API key\",\"errors\":[]}")));
        Run denied = fake("keys", "list", "--api-key", "wrong");
        assertThat(denied.exit()).as("%s", denied).isEqualTo(1);
        assertThat(denied.err()).contains("HTTP 401: invalid API key");
    }

    @Test
    void usageMistakesExitWith2AndUnreachableRelayWith1() {
        for (String[] args : List.of(new String[] {"channels"}, new String[] {"channels", "frobnicate"},
                new String[] {"channels", "test"}, new String[] {"deliveries", "replay"},
                new String[] {"keys", "create", "ci"}, new String[] {"channels", "list", "--colour"},
                new String[] {"channels", "list", "--url", "ftp://relay"}, new String[] {"channels", "list", "--url"},
                new String[] {"channels", "test", "x", "--timeout", "soon"})) {
            Run r = cli(Map.of(), args);
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err()).startsWith("error: ").contains("usage: java -jar alert-relay.jar");
        }
        Run down = cli(Map.of(), "channels", "list", "--url", "http://127.0.0.1:" + CLOSED_PORT);
        assertThat(down.exit()).as("%s", down).isEqualTo(1);
        assertThat(down.err()).contains("cannot reach the relay at http://127.0.0.1:" + CLOSED_PORT);
        assertThat(RelayCli.handles(new String[] {"keys", "list"})).isTrue();
        assertThat(RelayCli.handles(new String[] {"--server.port=9090"})).isFalse();
    }

    @Test
    void helpListsTheCommandsAndOptionsOfTheToolAndOfEachCommandWithoutCallingTheRelay() {
        String nowhere = "http://127.0.0.1:" + WIREMOCK.port() + "/help-only";
        Run tool = cli(Map.of(), "--help", "--url", nowhere);
        assertThat(tool.exit()).as("%s", tool).isZero();
        assertThat(tool.err()).isEmpty();
        assertThat(tool.out()).startsWith("usage: java -jar alert-relay.jar")
                .contains("channels", "deliveries", "keys", "silences", "alerts", "completion")
                .contains("--url=URL", "--api-key=KEY", "ALERT_RELAY_API_KEY", "--json", "--help")
                .contains("Exit codes:", "2   the command line is wrong");

        Run group = cli(Map.of(), "channels", "--help");
        assertThat(group.exit()).as("%s", group).isZero();
        assertThat(group.out()).startsWith("usage: java -jar alert-relay.jar channels")
                .containsPattern("(?m)^  list\\s+every channel with its status")
                .containsPattern("(?m)^  test\\s+send a \\[TEST\\] alert").containsPattern("(?m)^  replay\\s+");

        Run command = cli(Map.of(), "silences", "add", "-h", "--url", nowhere);
        assertThat(command.exit()).as("%s", command).isZero();
        assertThat(command.out()).startsWith("usage: java -jar alert-relay.jar silences add")
                .contains("<matcher>...", "--comment=TEXT", "--duration=D", "--ends=T", "--starts=T", "--author=NAME");

        assertThat(WIREMOCK.findAll(anyRequestedFor(urlPathMatching("/help-only.*")))).as("help sends nothing").isEmpty();
        assertThat(RelayCli.handles(new String[] {"--help"})).isTrue();
        assertThat(RelayCli.handles(new String[] {"-h"})).isTrue();
    }

    @Test
    void aMisspeltCommandIsAUsageMistakeWithASuggestionNotAServerStart() {
        Run top = cli(Map.of(), "chanels", "list");
        assertThat(top.exit()).as("%s", top).isEqualTo(2);
        assertThat(top.out()).isEmpty();
        assertThat(top.err()).startsWith("error: unknown command \"chanels\"")
                .contains("Did you mean: java -jar alert-relay.jar channels").contains("usage: java -jar alert-relay.jar");
        assertThat(RelayCli.handles(new String[] {"chanels", "list"})).as("the jar runs the CLI, not a relay").isTrue();

        Run sub = cli(Map.of(), "silences", "exprie", "s1");
        assertThat(sub.exit()).as("%s", sub).isEqualTo(2);
        assertThat(sub.err()).startsWith("error: unknown command \"silences exprie\"")
                .contains("Did you mean: silences expire?").contains("usage: java -jar alert-relay.jar silences");
    }

    @Test
    void optionsMayStandBeforeTheCommand() {
        Run run = cli(Map.of(), "--url", "http://127.0.0.1:" + port, "--json", "channels", "list");
        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(OpsApiTest.byId(parse(run.out()), "ops-off").path("kind").asText()).isEqualTo("log");
        assertThat(RelayCli.handles(new String[] {"--url=http://relay:8080", "channels", "list"})).isTrue();
        assertThat(RelayCli.handles(new String[] {"--server.port=9090", "--spring.profiles.active=prod"})).isFalse();
        assertThat(RelayCli.handles(new String[0])).isFalse();
    }

    @Test
    void completionPrintsABashScriptThatCompletesCommandsAndOptions(@TempDir Path dir) throws Exception {
        Run run = cli(Map.of(), "completion");
        assertThat(run.exit()).as("%s", run).isZero();
        assertThat(run.out()).startsWith("#!/usr/bin/env bash")
                .contains("local commands=\"channels deliveries keys silences alerts completion\"")
                .contains("local commands=\"add expire list\"")
                .contains("complete -F _complete_alert-relay");

        Path script = dir.resolve("alert-relay.bash");
        Files.writeString(script, run.out());
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash is not installed");
        assertThat(complete(script, "alert-relay", "chan")).isEqualTo("channels");
        assertThat(complete(script, "alert-relay", "silences", "")).isEqualTo("add expire list");
        assertThat(complete(script, "alert-relay", "silences", "add", "--co")).isEqualTo("--comment");
    }

    /** What bash offers for the last word, the way it calls the script's function when Tab is pressed. */
    private static String complete(Path script, String... words) throws IOException, InterruptedException {
        String line = String.join(" ", words);
        String bash = "compopt() { :; }; source \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1));"
                + " COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE}; _complete_alert-relay; echo \"${COMPREPLY[*]}\"";
        List<String> command = new ArrayList<>(List.of("/bin/bash", "-c", bash, "bash", script.toString()));
        command.addAll(List.of(words));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("bash completing %s", line).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }
}
