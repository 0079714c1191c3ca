package io.alertrelay.kinds.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.alert.Alert;
import io.alertrelay.channel.Channel;
import io.alertrelay.channel.KindSpec;
import io.alertrelay.channel.Param.Type;
import io.alertrelay.channel.Param;
import io.alertrelay.delivery.Deliveries;
import io.alertrelay.delivery.DeliveryContext;
import io.alertrelay.delivery.Limits;
import io.alertrelay.delivery.NonRetryableDeliveryException;
import io.alertrelay.delivery.OutboundRequest;
import io.alertrelay.delivery.PayloadBuilder;
import io.alertrelay.delivery.VendorAnswer;
import io.alertrelay.store.ExternalRefStore.ExternalRef;
import io.alertrelay.store.ExternalRefStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Kind "github": one GitHub issue per fingerprint (REST API, Markdown body). Repeats comment on it,
 * a resolve comments and closes it, a firing alert on a closed issue reopens it.
 *
 * <p>Some deliveries need two requests (reopen + comment, resolve comment + close). The route sends
 * one request per pass of a loop; after each, {@link #recorded} saves the issue's state and plans the
 * next request from that state. A retry starts the route again and so continues where the failed try
 * stopped, without a second issue or a repeated state change.
 */
@Component("githubPayload")
public class GithubPayload implements PayloadBuilder {

    public static final String KIND = "github";
    static final int TITLE_MAX = 256;
    static final int BODY_MAX = 65536;
    static final String API_VERSION = "2022-11-28";

    /** Issue states in external_refs: GitHub's own, plus the moment between resolve comment and close. */
    static final String OPEN = "open";
    static final String RESOLVING = "resolving";
    static final String CLOSED = "closed";

    private static final String STEP = "githubStep";
    private static final int MAX_STEPS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(GithubPayload.class);

    private static final KindSpec SPEC = new KindSpec(KIND,
            "a GitHub issue per fingerprint: commented on repeat, closed on resolve, reopened on regression", List.of(
            Param.required("repository", Type.STRING, "owner/repo the issues are opened in"),
            Param.secret("access-token", true, "token allowed to write issues (fine-grained: Issues read and write)"),
            Param.optional("labels", Type.LIST, null, "labels set on new issues"),
            Param.optional("assignees", Type.LIST, null, "logins assigned to new issues"),
            Param.optional("only-new-issues", Type.BOOLEAN, true,
                    "one issue per fingerprint (false: every firing alert opens its own issue)"),
            Param.optional("close-on-resolve", Type.BOOLEAN, true, "close the issue when the alert resolves"),
            Param.optional("api-url", Type.URL, "https://api.github.com",
                    "REST API root; https://<host>/api/v3 for GitHub Enterprise Server")));

    enum Action { CREATE, COMMENT, RESOLVE_COMMENT, CLOSE, REOPEN }

    /** One request to send, or none (request null) with the reason. */
    record Step(Action action, OutboundRequest request, boolean last, String skipReason) {
        static Step skip(String reason) {
            return new Step(null, null, true, reason);
        }
    }

    private final ObjectMapper json;
    private final ExternalRefStore refs;

    public GithubPayload(ObjectMapper json, ExternalRefStore refs) {
        this.json = json;
        this.refs = refs;
    }

    @Override
    public KindSpec spec() {
        return SPEC;
    }

    /** The next request for the issue's current state (what a preview shows), or why none is needed. */
    @Override
    public Object build(DeliveryContext d) {
        Step step = plan(d);
        return step.request() != null ? step.request() : "nothing to send: " + step.skipReason();
    }

    /** Route step: the first request of this delivery into the body. */
    public void next(Exchange exchange) {
        DeliveryContext d = exchange.getProperty(Deliveries.CONTEXT, DeliveryContext.class);
        Step step = plan(d);
        exchange.setProperty(STEP, step);
        exchange.setProperty(STEP + "Count", 1);
        if (step.request() == null) {
            LOG.info("Delivery {} to channel '{}': {}", d.deliveryId(), d.channel().id(), step.skipReason());
        }
        exchange.getMessage().setBody(step.request());
    }

    /**
     * Route step after each request: saves what GitHub now holds, then puts the follow-up request (or
     * null, which ends the loop) into the body.
     */
    public void recorded(Exchange exchange) throws Exception {
        DeliveryContext d = exchange.getProperty(Deliveries.CONTEXT, DeliveryContext.class);
        Step step = exchange.getProperty(STEP, Step.class);
        String response = exchange.getMessage().getBody(String.class);
        String channel = d.channel().id();
        String fingerprint = d.alert().fingerprint();
        Optional<ExternalRef> known = refs.find(channel, fingerprint);
        switch (step.action()) {
            case CREATE -> {
                JsonNode issue = json.readTree(response == null ? "" : response);
                if (issue == null || !issue.path("number").canConvertToLong()) {
                    throw new NonRetryableDeliveryException("client_error",
                            "GitHub answered the issue creation without an issue number");
                }
                refs.save(new ExternalRef(channel, fingerprint, issue.path("number").asText(),
                        issue.path("state").asText(OPEN), issue.path("html_url").asText(null)));
            }
            case COMMENT, REOPEN -> saveState(known.orElseThrow(), OPEN);
            case RESOLVE_COMMENT -> saveState(known.orElseThrow(), RESOLVING);
            case CLOSE -> saveState(known.orElseThrow(), CLOSED);
            default -> throw new IllegalStateException(step.action().name());
        }
        int count = exchange.getProperty(STEP + "Count", 1, Integer.class);
        if (step.last() || count >= MAX_STEPS) {
            exchange.getMessage().setBody(null);
            return;
        }
        Step following = plan(d);
        exchange.setProperty(STEP, following);
        exchange.setProperty(STEP + "Count", count + 1);
        exchange.getMessage().setBody(following.request());
    }

    private void saveState(ExternalRef ref, String state) {
        if (!state.equals(ref.state())) {
            refs.save(new ExternalRef(ref.channelId(), ref.fingerprint(), ref.ref(), state, ref.url()));
        }
    }

    /** What the issue of this alert's fingerprint needs next, decided from its saved state alone. */
    Step plan(DeliveryContext d) {
        Channel c = d.channel();
        Alert alert = d.alert();
        Optional<ExternalRef> ref = refs.find(c.id(), alert.fingerprint());
        String state = ref.map(ExternalRef::state).orElse(null);
        boolean resolved = "resolved".equals(alert.status());
        if (!resolved) {
            if (ref.isEmpty() || !c.bool("only-new-issues")) {
                return new Step(Action.CREATE, create(d), true, null);
            }
            if (CLOSED.equals(state)) {
                return new Step(Action.REOPEN, patch(c, ref.get(), "{\"state\":\"open\"}"), false, null);
            }
            return new Step(Action.COMMENT, comment(d, ref.get()), true, null);
        }
        if (ref.isEmpty()) {
            return Step.skip("no issue was opened for this fingerprint, so there is nothing to resolve");
        }
        if (CLOSED.equals(state)) {
            return Step.skip("issue #" + ref.get().ref() + " is already closed");
        }
        if (!c.bool("close-on-resolve")) {
            return new Step(Action.COMMENT, comment(d, ref.get()), true, null);
        }
        if (RESOLVING.equals(state)) {
            return new Step(Action.CLOSE, patch(c, ref.get(), "{\"state\":\"closed\",\"state_reason\":\"completed\"}"), true, null);
        }
        return new Step(Action.RESOLVE_COMMENT, comment(d, ref.get()), false, null);
    }

    private OutboundRequest create(DeliveryContext d) {
        Channel c = d.channel();
        Alert safe = GithubText.neutralise(d.alert(), BODY_MAX);
        ObjectNode issue = json.createObjectNode();
        issue.put("title", title(c, safe));
        issue.put("body", body(c, safe));
        c.list("labels").forEach(issue.putArray("labels")::add);
        c.list("assignees").forEach(issue.putArray("assignees")::add);
        return request(c, "POST", repoUrl(c) + "/issues", issue);
    }

    private OutboundRequest comment(DeliveryContext d, ExternalRef ref) {
        Channel c = d.channel();
        ObjectNode comment = json.createObjectNode();
        comment.put("body", body(c, GithubText.neutralise(d.alert(), BODY_MAX)));
        return request(c, "POST", repoUrl(c) + "/issues/" + ref.ref() + "/comments", comment);
    }

    private OutboundRequest patch(Channel c, ExternalRef ref, String change) {
        try {
            return request(c, "PATCH", repoUrl(c) + "/issues/" + ref.ref(), (ObjectNode) json.readTree(change));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String title(Channel c, Alert safe) {
        String t = Limits.oneLine(GithubText.stripControls(c.renderTitle(safe)), TITLE_MAX);
        // GitHub refuses an empty title; a template can render one
        return t == null || t.isBlank() ? Limits.oneLine(safe.title(), TITLE_MAX) : t;
    }

    private static String body(Channel c, Alert safe) {
        return Limits.cut(GithubText.stripControls(c.renderBody(safe)), BODY_MAX);
    }

    private OutboundRequest request(Channel c, String method, String url, ObjectNode body) {
        String text;
        try {
            text = json.writeValueAsString(body);
        } catch (Exception e) {
            throw new IllegalStateException("cannot serialise the GitHub request", e);
        }
        return OutboundRequest.json(method, url, text)
                .withHeader("Accept", "application/vnd.github+json")
                .withHeader("X-GitHub-Api-Version", API_VERSION)
                .withHeader("User-Agent", "alert-relay")
                .withHeader("Authorization", "Bearer " + c.string("access-token"));
    }

    private static String repoUrl(Channel c) {
        GithubRepository repo;
        try {
            repo = GithubRepository.parse(c.string("repository"));
        } catch (IllegalArgumentException e) {
            throw new NonRetryableDeliveryException("config_error", "config.repository " + e.getMessage());
        }
        String api = c.string("api-url").replaceAll("/+$", "");
        return api + "/repos/" + repo.owner() + "/" + repo.name();
    }

    /**
     * GitHub errors are {"message": ..., "errors": [{"resource","field","code"} | {"message"} | "text"]};
     * e.g. 422 gives "Validation Failed: Issue.title missing_field".
     */
    @Override
    public String describeError(VendorAnswer answer) {
        JsonNode n = answer.object();
        if (n == null) {
            return null;
        }
        String message = n.path("message").isTextual() ? n.path("message").textValue() : null;
        List<String> details = new ArrayList<>();
        for (JsonNode e : n.path("errors")) {
            if (e.isTextual()) {
                details.add(e.textValue());
                continue;
            }
            StringBuilder s = new StringBuilder();
            String where = String.join(".", List.of(e.path("resource").asText(""), e.path("field").asText(""))
                    .stream().filter(x -> !x.isEmpty()).toList());
            s.append(where);
            // "custom" only says that the message explains it
            if (e.hasNonNull("code") && !"custom".equals(e.path("code").asText())) {
                s.append(s.isEmpty() ? "" : " ").append(e.path("code").asText());
            }
            if (e.path("message").isTextual()) {
                s.append(s.isEmpty() ? "" : ": ").append(e.path("message").textValue());
            }
            if (!s.isEmpty()) {
                details.add(s.toString());
            }
        }
        if (message == null && details.isEmpty()) {
            return null;
        }
        String out = message == null ? String.join("; ", details)
                : details.isEmpty() ? message : message + ": " + String.join("; ", details);
        return Limits.oneLine(out, 500);
    }
}
