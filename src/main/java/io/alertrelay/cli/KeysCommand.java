package io.alertrelay.cli;

import static io.alertrelay.cli.RelayClient.joined;
import static io.alertrelay.cli.RelayClient.segment;
import static io.alertrelay.cli.RelayClient.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.cli.RelayCli.UsageError;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "keys", description = "API keys (needs a key with the admin scope).")
final class KeysCommand {

    @ParentCommand
    RelayCli cli;

    @Command(name = "create", description = "create an API key; its secret is printed only this once")
    int create(@Parameters(paramLabel = "<name>", description = "what the key is for") String name,
            @Option(names = "--scopes", paramLabel = "a,b", required = true,
                    description = "comma-separated: alerts:write, channels:read, admin") String scopes) {
        if (scopes.isBlank()) {
            throw new UsageError("keys create needs --scopes, e.g. --scopes alerts:write,channels:read");
        }
        RelayClient relay = cli.client();
        ObjectNode body = relay.object().put("name", name);
        ArrayNode list = body.putArray("scopes");
        for (String s : scopes.split(",")) {
            if (!s.isBlank()) {
                list.add(s.trim());
            }
        }
        JsonNode r = relay.call("POST", "/admin/keys", body);
        return relay.print(r, () -> {
            relay.table(List.of("ID", "NAME", "SCOPES", "CREATED"), List.of(List.of(text(r, "id"), text(r, "name"),
                    joined(r.path("scopes")), text(r, "createdAt"))));
            relay.out.println();
            relay.out.println("key: " + r.path("key").asText());
            relay.out.println("The key is shown only this once; store it now.");
        });
    }

    @Command(name = "list", description = "every key, revoked ones included (never their secrets)")
    int list() {
        RelayClient relay = cli.client();
        JsonNode r = relay.call("GET", "/admin/keys", null);
        return relay.print(r, () -> {
            List<List<String>> rows = new ArrayList<>();
            r.forEach(k -> rows.add(List.of(text(k, "id"), text(k, "name"), joined(k.path("scopes")),
                    text(k, "createdAt"), text(k, "revokedAt"))));
            relay.table(List.of("ID", "NAME", "SCOPES", "CREATED", "REVOKED"), rows);
        });
    }

    @Command(name = "revoke", description = "revoke a key: requests with it are refused from now on")
    int revoke(@Parameters(paramLabel = "<id>", description = "the key's id (from keys list)") String id) {
        RelayClient relay = cli.client();
        relay.call("DELETE", "/admin/keys/" + segment(id), null);
        relay.out.println(relay.raw ? "{}" : "key " + id + " revoked");
        return 0;
    }
}
