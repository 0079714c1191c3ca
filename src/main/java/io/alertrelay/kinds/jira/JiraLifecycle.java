package io.alertrelay.kinds.jira;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.alertrelay.delivery.Deliveries;
import io.alertrelay.delivery.DeliveryContext;
import io.alertrelay.delivery.NonRetryableDeliveryException;
import io.alertrelay.delivery.OutboundRequest;
import io.alertrelay.kinds.jira.JiraPayload.Plan;
import io.alertrelay.store.ExternalRefStore;
import io.alertrelay.store.ExternalRefStore.ExternalRef;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The steps of routes/kinds/jira.yaml. Each step that changed something in Jira saves the new state
 * at once, because a retry re-runs the whole route and must find the work already done.
 */
@Component("jiraLifecycle")
public class JiraLifecycle {

    static final String PLAN = "jiraPlan";
    /** Read by the route: the transition to apply first, or null. */
    static final String TRANSITION = "jiraTransition";
    /** Read by the route: create, comment or none. */
    static final String NEXT = "jiraNext";
    private static final String ISSUE = "jiraIssue";

    private final JiraPayload payload;
    private final ExternalRefStore refs;
    private final ObjectMapper json;

    public JiraLifecycle(JiraPayload payload, ExternalRefStore refs, ObjectMapper json) {
        this.payload = payload;
        this.refs = refs;
        this.json = json;
    }

    public void plan(Exchange exchange) {
        Plan plan = payload.plan(context(exchange));
        exchange.setProperty(PLAN, plan);
        exchange.setProperty(ISSUE, plan.issueKey());
        exchange.setProperty(TRANSITION, plan.transition());
        exchange.setProperty(NEXT, plan.next().name().toLowerCase(Locale.ROOT));
    }

    public OutboundRequest listTransitions(Exchange exchange) {
        return payload.transitionsRequest(context(exchange).channel(), issue(exchange));
    }

    /** Picks the transition's id from Jira's answer to listTransitions. */
    public OutboundRequest applyTransition(Exchange exchange) throws Exception {
        JsonNode answer = json.readTree(exchange.getMessage().getBody(String.class));
        String name = exchange.getProperty(TRANSITION, String.class);
        String id = JiraPayload.transitionId(answer, name, issue(exchange));
        return payload.transitionRequest(context(exchange).channel(), issue(exchange), id);
    }

    public void transitioned(Exchange exchange) {
        Plan plan = exchange.getProperty(PLAN, Plan.class);
        save(exchange, issue(exchange), plan.stateAfterTransition());
    }

    public OutboundRequest create(Exchange exchange) {
        return payload.createRequest(context(exchange));
    }

    /** Stores the new issue's key from Jira's 201 answer {id, key, self}. */
    public void created(Exchange exchange) throws Exception {
        String answer = exchange.getMessage().getBody(String.class);
        JsonNode created = answer == null || answer.isBlank() ? null : json.readTree(answer);
        String key = created == null ? "" : created.path("key").asText("");
        if (key.isEmpty()) {
            // the issue may exist, so a retry could open a second one: better to stop and say so
            throw new NonRetryableDeliveryException("internal_error",
                    "Jira accepted the issue but its answer carried no issue key: " + answer);
        }
        save(exchange, key, JiraPayload.OPEN);
        exchange.setProperty(ISSUE, key);
    }

    public OutboundRequest comment(Exchange exchange) {
        return payload.commentRequest(context(exchange), issue(exchange));
    }

    private void save(Exchange exchange, String key, String state) {
        DeliveryContext d = context(exchange);
        refs.save(new ExternalRef(d.channel().id(), d.alert().fingerprint(), key, state,
                payload.browseUrl(d.channel(), key)));
    }

    private static DeliveryContext context(Exchange exchange) {
        return exchange.getProperty(Deliveries.CONTEXT, DeliveryContext.class);
    }

    private static String issue(Exchange exchange) {
        return exchange.getProperty(ISSUE, String.class);
    }
}
