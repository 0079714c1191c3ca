package io.alertrelay.cli;

import static io.alertrelay.cli.RelayClient.cut;
import static io.alertrelay.cli.RelayClient.query;
import static io.alertrelay.cli.RelayClient.segment;
import static io.alertrelay.cli.RelayClient.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.cli.RelayCli.UsageError;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "silences", description = "Silences: alerts matching them reach no channel while they are active.")
final class SilencesCommand {

    @ParentCommand
    RelayCli cli;

    /** Like amtool silence add: each argument one matcher, the silence from now (or --starts) for --duration. */
    @Command(name = "add", description = {"silence the alerts matching every matcher",
            "e.g. silences add env=prod 'alertname=~Disk.*' --duration 2h --comment \"db maintenance\""})
    int add(@Parameters(arity = "1..*", paramLabel = "<matcher>", description = "label=value, label!=value,"
                    + " label=~regex or label!~regex") List<String> matchers,
            @Option(names = "--duration", paramLabel = "D", description = "how long, e.g. 2h (or give --ends)") String duration,
            @Option(names = "--ends", paramLabel = "T", description = "when it ends, RFC 3339 (or give --duration)") String ends,
            @Option(names = "--starts", paramLabel = "T", description = "when it starts, RFC 3339 (default: now)") String starts,
            @Option(names = "--comment", paramLabel = "TEXT", required = true, description = "why the alerts are silenced")
            String comment,
            @Option(names = "--author", paramLabel = "NAME", description = "who silences them (default: your user name)")
            String author) {
        if (comment.isBlank()) {
            throw new UsageError("silences add needs --comment (why the alerts are silenced)");
        }
        if ((duration == null) == (ends == null)) {
            throw new UsageError("silences add needs either --duration (e.g. 2h) or --ends (RFC 3339)");
        }
        RelayClient relay = cli.client();
        ObjectNode body = relay.object().put("matchers", String.join(",", matchers)).put("comment", comment)
                .put("createdBy", author != null ? author : System.getProperty("user.name", "cli"));
        if (duration != null) {
            body.put("duration", duration);
        } else {
            body.put("endsAt", ends);
        }
        if (starts != null) {
            body.put("startsAt", starts);
        }
        JsonNode r = relay.call("POST", "/silences", body);
        return relay.print(r, () -> relay.out.println("silence " + text(r, "id") + " " + text(r.path("status"), "state")
                + ": " + text(r, "matchersText") + " until " + text(r, "endsAt")));
    }

    @Command(name = "list", description = "silences, newest first")
    int list(@Option(names = "--state", paramLabel = "STATE", description = "only these: active, pending or expired")
            String state) {
        RelayClient relay = cli.client();
        JsonNode r = relay.call("GET", "/silences" + (state == null ? "" : "?state=" + query(state)), null);
        return relay.print(r, () -> {
            List<List<String>> rows = new ArrayList<>();
            r.forEach(x -> rows.add(List.of(text(x, "id"), text(x.path("status"), "state"), text(x, "matchersText"),
                    text(x, "startsAt"), text(x, "endsAt"), text(x, "createdBy"), cut(text(x, "comment"), 60))));
            relay.table(List.of("ID", "STATE", "MATCHERS", "STARTS", "ENDS", "CREATED BY", "COMMENT"), rows);
        });
    }

    @Command(name = "expire", description = "end a silence now")
    int expire(@Parameters(paramLabel = "<id>", description = "the silence") String id) {
        RelayClient relay = cli.client();
        JsonNode r = relay.call("DELETE", "/silences/" + segment(id), null);
        return relay.print(r, () -> relay.out.println("silence " + text(r, "id") + " is " + text(r.path("status"), "state")
                + " (ended " + text(r, "endsAt") + ")"));
    }
}
