package io.alertrelay.cli;

import static io.alertrelay.cli.RelayClient.segment;
import static io.alertrelay.cli.RelayClient.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "alerts", description = "Alerts the relay accepted.")
final class AlertsCommand {

    @ParentCommand
    RelayCli cli;

    @Command(name = "why", description = "per channel: matched or not, delivered, dead, or suppressed and by what")
    int why(@Parameters(paramLabel = "<id>", description = "the alert (the id POST /alerts answered)") String id) {
        RelayClient relay = cli.client();
        JsonNode r = relay.call("GET", "/alerts/" + segment(id), null);
        return relay.print(r, () -> {
            relay.out.println("alert " + text(r, "id") + ": [" + text(r, "severity") + "] " + text(r, "title") + " ("
                    + text(r, "status") + ", fingerprint " + text(r, "fingerprint") + ")");
            List<List<String>> rows = new ArrayList<>();
            r.path("channels").forEach(c -> rows.add(List.of(text(c, "channel"), text(c, "outcome"), text(c, "why"))));
            relay.table(List.of("CHANNEL", "OUTCOME", "WHY"), rows);
        });
    }
}
