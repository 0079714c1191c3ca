package io.alertrelay.cli;

import static io.alertrelay.cli.RelayClient.cut;
import static io.alertrelay.cli.RelayClient.query;
import static io.alertrelay.cli.RelayClient.segment;
import static io.alertrelay.cli.RelayClient.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "deliveries", description = "Deliveries (one per alert and channel): the list, a replay of a dead one.")
final class DeliveriesCommand {

    @ParentCommand
    RelayCli cli;

    @Command(name = "list", description = "deliveries, newest first, a page at a time")
    int list(@Option(names = "--status", paramLabel = "STATUS", description = "only these: pending, sent or dead") String status,
            @Option(names = "--page", paramLabel = "N", description = "the page, from 0") String page,
            @Option(names = "--size", paramLabel = "N", description = "deliveries per page") String size) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("status", status);
        params.put("page", page);
        params.put("size", size);
        StringBuilder q = new StringBuilder();
        params.forEach((name, value) -> {
            if (value != null) {
                q.append(q.isEmpty() ? "?" : "&").append(name).append('=').append(query(value));
            }
        });
        RelayClient relay = cli.client();
        JsonNode r = relay.call("GET", "/deliveries" + q, null);
        return relay.print(r, () -> {
            List<List<String>> rows = new ArrayList<>();
            r.path("items").forEach(d -> rows.add(List.of(text(d, "id"), text(d, "channelId"), text(d, "status"),
                    text(d, "attempts"), text(d, "createdAt"), cut(text(d, "title"), 40), cut(text(d, "lastError"), 60))));
            relay.table(List.of("ID", "CHANNEL", "STATUS", "ATTEMPTS", "CREATED", "TITLE", "LAST ERROR"), rows);
            relay.out.println("page " + r.path("page").asInt() + ", " + r.path("items").size() + " of " + r.path("total").asLong());
        });
    }

    @Command(name = "replay", description = "send one dead delivery again")
    int replay(@Parameters(paramLabel = "<id>", description = "the delivery") String id) {
        RelayClient relay = cli.client();
        JsonNode r = relay.call("POST", "/deliveries/" + segment(id) + "/replay", null);
        return relay.print(r, () -> relay.out.println("delivery " + r.path("id").asText() + " to channel "
                + r.path("channelId").asText() + " is " + r.path("status").asText() + " again"));
    }
}
