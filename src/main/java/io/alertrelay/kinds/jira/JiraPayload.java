package io.alertrelay.kinds.jira;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.alert.Alert;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.KindSpec;
import io.alertrelay.channel.Param.Type;
import io.alertrelay.channel.Param;
import io.alertrelay.delivery.DeliveryContext;
import io.alertrelay.delivery.Limits;
import io.alertrelay.delivery.NonRetryableDeliveryException;
import io.alertrelay.delivery.OutboundRequest;
import io.alertrelay.delivery.PayloadBuilder;
import io.alertrelay.delivery.VendorAnswer;
import io.alertrelay.store.ExternalRefStore.ExternalRef;
import io.alertrelay.store.ExternalRefStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Kind "jira": one Jira Cloud issue per fingerprint (REST v3), commented on repeats, transitioned on
 * resolve and reopened on regression. This class builds the requests and decides, from the stored
 * ref, what an alert means for its issue; {@link JiraLifecycle} runs the steps for the route.
 */
@Component("jiraPayload")
public class JiraPayload implements PayloadBuilder {

    static final int SUMMARY_MAX = 255;
    /** Jira's limit for a text field; applied to the serialised ADF, which is never shorter than its text. */
    static final int TEXT_FIELD_MAX = 32767;
    static final int LABEL_MAX = 255;
    static final String OPEN = "open";
    static final String RESOLVED = "resolved";

    private static final KindSpec SPEC = new KindSpec("jira", "a Jira Cloud issue per fingerprint (REST v3)", List.of(
            Param.required("url", Type.URL, "base URL of the Jira site, e.g. https://example.atlassian.net"),
            Param.required("user-email", Type.EMAIL, "e-mail of the Atlassian account the API token belongs to"),
            Param.secret("api-token", true, "Atlassian API token of that account"),
            Param.required("project-key", Type.STRING, "key of the project issues are created in, e.g. OPS"),
            Param.optional("issue-type", Type.STRING, "Task", "issue type name"),
            Param.optional("labels", Type.LIST, null, "labels put on every issue (spaces become dashes)"),
            Param.optional("only-new-issues", Type.BOOLEAN, true,
                    "one issue per fingerprint, commented on repeats; false opens an issue for every firing alert"),
            Param.optional("resolve-transition", Type.STRING, null, "transition applied on a resolved alert, e.g. Done"),
            Param.optional("reopen-transition", Type.STRING, null,
                    "transition applied when a resolved issue's alert fires again, e.g. Reopen")));

    /** What comes after the optional transition. */
    enum Next { CREATE, COMMENT, NONE }

    /**
     * What one alert does to its fingerprint's issue.
     *
     * @param transition name of the transition to apply first, or null
     * @param stateAfterTransition the ref's state once the transition is applied
     * @param issueKey the stored issue, or null when there is none
     */
    record Plan(String transition, String stateAfterTransition, Next next, String issueKey) {}

    private final ObjectMapper json;
    private final ExternalRefStore refs;
    private final MarkdownToAdf adf;

    public JiraPayload(ObjectMapper json, ExternalRefStore refs) {
        this.json = json;
        this.refs = refs;
        this.adf = new MarkdownToAdf(json);
    }

    @Override
    public KindSpec spec() {
        return SPEC;
    }

    /** The first request this alert leads to (what a preview shows); reads the stored ref, changes nothing. */
    @Override
    public Object build(DeliveryContext d) {
        Plan plan = plan(d);
        if (plan.transition() != null) {
            return transitionsRequest(d.channel(), plan.issueKey());
        }
        return switch (plan.next()) {
            case CREATE -> createRequest(d);
            case COMMENT -> commentRequest(d, plan.issueKey());
            case NONE -> "nothing to send: " + ("resolved".equals(d.alert().status())
                    ? "no open Jira issue to resolve for this fingerprint, or no resolve-transition configured"
                    : "no change for the Jira issue");
        };
    }

    Plan plan(DeliveryContext d) {
        return plan(d.channel(), d.alert(), refs.find(d.channel().id(), d.alert().fingerprint()));
    }

    static Plan plan(Channel c, Alert alert, Optional<ExternalRef> ref) {
        String key = ref.map(ExternalRef::ref).orElse(null);
        boolean wasResolved = ref.map(r -> RESOLVED.equals(r.state())).orElse(false);
        if ("resolved".equals(alert.status())) {
            String resolve = c.string("resolve-transition");
            if (key == null || wasResolved || resolve == null) {
                return new Plan(null, null, Next.NONE, key);
            }
            return new Plan(resolve, RESOLVED, Next.NONE, key);
        }
        if (key == null || !c.bool("only-new-issues")) {
            return new Plan(null, null, Next.CREATE, key);
        }
        if (wasResolved) {
            // without a reopen transition the issue stays resolved in Jira, and so does our ref
            String reopen = c.string("reopen-transition");
            return new Plan(reopen, reopen == null ? null : OPEN, Next.COMMENT, key);
        }
        return new Plan(null, null, Next.COMMENT, key);
    }

    OutboundRequest createRequest(DeliveryContext d) {
        Channel c = d.channel();
        ObjectNode body = json.createObjectNode();
        ObjectNode fields = body.putObject("fields");
        fields.putObject("project").put("key", c.string("project-key"));
        fields.putObject("issuetype").put("name", c.string("issue-type"));
        fields.put("summary", summary(d));
        fields.set("description", adf.document(List.of(), d.body(), TEXT_FIELD_MAX));
        ArrayNode labels = fields.putArray("labels");
        labels(c, d.alert().fingerprint()).forEach(labels::add);
        return request(c, "POST", "/rest/api/3/issue", body);
    }

    OutboundRequest commentRequest(DeliveryContext d, String issueKey) {
        Alert a = d.alert();
        String what = "regression".equals(a.reason()) ? "Fired again after it was resolved"
                : "Fired again (" + a.reason() + ", " + a.status() + ")";
        ObjectNode lead = adf.paragraph(adf.styled(what, "strong"), adf.styled(": " + summary(d)));
        ObjectNode body = json.createObjectNode();
        body.set("body", adf.document(List.of(lead), d.body(), TEXT_FIELD_MAX));
        return request(d.channel(), "POST", issuePath(issueKey) + "/comment", body);
    }

    OutboundRequest transitionsRequest(Channel c, String issueKey) {
        return request(c, "GET", issuePath(issueKey) + "/transitions", null);
    }

    OutboundRequest transitionRequest(Channel c, String issueKey, String transitionId) {
        ObjectNode body = json.createObjectNode();
        body.putObject("transition").put("id", transitionId);
        return request(c, "POST", issuePath(issueKey) + "/transitions", body);
    }

    /**
     * The id of the named transition among those Jira offers for the issue now. Matches the transition's
     * name first, then the status it leads to, both ignoring case.
     */
    static String transitionId(JsonNode answer, String name, String issueKey) {
        List<String> offered = new ArrayList<>();
        String byStatus = null;
        for (JsonNode t : answer.path("transitions")) {
            String tName = t.path("name").asText();
            offered.add(tName);
            if (tName.strip().equalsIgnoreCase(name.strip())) {
                return t.path("id").asText();
            }
            if (byStatus == null && t.path("to").path("name").asText().strip().equalsIgnoreCase(name.strip())) {
                byStatus = t.path("id").asText();
            }
        }
        if (byStatus != null) {
            return byStatus;
        }
        throw new NonRetryableDeliveryException("config_error", "Jira offers no transition named \"" + name
                + "\" for issue " + issueKey + "; available transitions: "
                + (offered.isEmpty() ? "none" : String.join(", ", offered)));
    }

    String summary(DeliveryContext d) {
        String s = Limits.oneLine(MarkdownToAdf.clean(d.title()), SUMMARY_MAX);
        if (s == null || s.isBlank()) {
            s = Limits.oneLine(MarkdownToAdf.clean(d.alert().title()), SUMMARY_MAX);
        }
        return s == null || s.isBlank() ? "Alert" : s;
    }

    /** Configured labels plus one naming the fingerprint, so a person (or JQL) can find its issues. */
    static List<String> labels(Channel c, String fingerprint) {
        Set<String> out = new LinkedHashSet<>();
        for (String l : c.list("labels")) {
            String label = MarkdownToAdf.clean(l).strip().replaceAll("\\s+", "-");
            if (!label.isEmpty()) {
                out.add(Limits.cut(label, LABEL_MAX));
            }
        }
        out.add(fingerprintLabel(fingerprint));
        return List.copyOf(out);
    }

    static String fingerprintLabel(String fingerprint) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(String.valueOf(fingerprint).getBytes(StandardCharsets.UTF_8));
            return "alert-relay-" + HexFormat.of().formatHex(hash).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String browseUrl(Channel c, String issueKey) {
        return base(c) + "/browse/" + issueKey;
    }

    private OutboundRequest request(Channel c, String method, String path, ObjectNode body) {
        Map<String, String> headers = new LinkedHashMap<>();
        String credentials = c.string("user-email") + ":" + c.string("api-token");
        headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        headers.put("Accept", "application/json");
        if (body != null) {
            headers.put("Content-Type", "application/json");
        }
        return new OutboundRequest(method, base(c) + path, headers, body == null ? null : write(body), true);
    }

    private static String base(Channel c) {
        return c.string("url").replaceAll("/+$", "");
    }

    private static String issuePath(String issueKey) {
        return "/rest/api/3/issue/" + URLEncoder.encode(issueKey, StandardCharsets.UTF_8);
    }

    private String write(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise Jira payload", e);
        }
    }

    /** Jira's error answer: {"errorMessages":[...],"errors":{"field":"message"}}, as one line. */
    @Override
    public String describeError(VendorAnswer answer) {
        JsonNode n = answer.object();
        if (n == null) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        n.path("errors").fields().forEachRemaining(e -> parts.add(e.getKey() + ": " + e.getValue().asText()));
        n.path("errorMessages").forEach(m -> parts.add(m.asText()));
        if (parts.isEmpty()) {
            return null;
        }
        return Limits.oneLine(String.join("; ", parts), 1000);
    }
}
