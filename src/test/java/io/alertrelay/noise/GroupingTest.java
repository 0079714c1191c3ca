package io.alertrelay.noise;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A channel's group-by, group-wait and group-interval as an operator sees them: what reached the
 * vendor (WireMock), what the database keeps, and what GET /alerts/{id} says. Channels noise-grouped
 * (webhook, a kind that can show a digest) and noise-grouped-pd (PagerDuty, which cannot) both group
 * by host with a group-wait of 2 s (application-noise.yaml).
 */
class GroupingTest extends NoiseTestSupport {

    private String run;

    @BeforeEach
    void setUp() {
        WIREMOCK.resetAll();
        answer("/noise/grouped", 204);
        answer("/noise/grouped-pd", 202);
        run = UUID.randomUUID().toString().substring(0, 8);
    }

    private Map<String, Object> alert(String title, String severity, String host) {
        return Map.of("title", title, "severity", severity, "url", "https://grafana.example.com/d/" + title.hashCode(),
                "labels", Map.of("feature", "group", "host", host + "-" + run, "run", run));
    }

    private List<LoggedRequest> digestsTo(String path) {
        return received(path).stream().filter(r -> r.getBodyAsString().contains(run)).toList();
    }

    @Test
    void alertsOfOneGroupWithinGroupWaitGoOutAsOneDigestAndAnotherGroupAsItsOwnNotification() {
        String disk = accept(alert("Disk full on db1", "high", "db1"));
        String cpu = accept(alert("CPU hot on db1", "critical", "db1"));
        String web = accept(alert("Web down", "medium", "web1"));
        // nothing goes out before group-wait has passed
        assertThat(digestsTo("/noise/grouped")).isEmpty();
        assertThat(memberStatus(disk)).isEqualTo("grouped");

        await("a digest for each of the two groups", Duration.ofSeconds(20), () -> digestsTo("/noise/grouped").size() >= 2);
        await("both digests recorded as sent", () -> jdbc.queryForObject("SELECT COUNT(*) FROM deliveries d "
                + "JOIN notification_groups g ON g.delivery_id = d.id WHERE d.status = 'sent' AND g.group_labels LIKE ?",
                Integer.class, "%" + run + "%") == 2);
        List<JsonNode> bodies = digestsTo("/noise/grouped").stream().map(r -> parse(r.getBodyAsString())).toList();
        assertThat(bodies).hasSize(2);

        JsonNode db1 = bodies.stream().filter(b -> b.path("title").asText().contains("db1")).findFirst().orElseThrow();
        // the channel's title template ("[{{severityUpper}}] {{title}}") around the digest's title
        assertThat(db1.path("title").asText()).isEqualTo("[CRITICAL] [FIRING:2] db1-" + run);
        JsonNode digest = db1.path("alert");
        assertThat(digest.path("severity").asText()).as("the highest of the group").isEqualTo("critical");
        assertThat(digest.path("details").path("count").asInt()).isEqualTo(2);
        assertThat(digest.path("details").path("alerts").findValuesAsText("title"))
                .containsExactly("Disk full on db1", "CPU hot on db1");
        assertThat(digest.path("details").path("alerts").findValuesAsText("severity")).containsExactly("high", "critical");
        assertThat(digest.path("details").path("alerts").findValuesAsText("id")).containsExactly(disk, cpu);
        // the rendered text lists each alert with its severity and link
        assertThat(db1.path("text").asText()).contains("2 alerts in group host=db1-" + run)
                .contains("- **high** [Disk full on db1](https://grafana.example.com/d/")
                .contains("- **critical** [CPU hot on db1](");

        // a group of one is sent as that alert, as without grouping
        JsonNode web1 = bodies.stream().filter(b -> b != db1).findFirst().orElseThrow();
        assertThat(web1.path("alert").path("id").asText()).isEqualTo(web);
        assertThat(web1.path("alert").path("title").asText()).isEqualTo("Web down");

        // PagerDuty cannot show a digest: one event per alert, grouped or not
        await("one PagerDuty event per alert", () -> digestsTo("/noise/grouped-pd").size() == 3);
        assertThat(status(disk, "noise-grouped-pd")).isEqualTo("sent");
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM notification_groups WHERE channel_id = 'noise-grouped-pd'",
                Integer.class)).isZero();
    }

    @Test
    void whyShowsTheNotificationAnAlertWasGroupedIntoAndLaterAlertsWaitForGroupInterval() {
        String first = accept(alert("Disk full on db7", "high", "db7"));
        String second = accept(alert("Swap full on db7", "low", "db7"));
        await("the digest", Duration.ofSeconds(20), () -> digestsTo("/noise/grouped").size() == 1);
        await("the digest recorded as sent", () -> "delivered".equals(why(first).path("outcome").asText())
                || why(first).path("why").asText().contains("delivered at"));

        JsonNode ch = why(first);
        String notification = ch.path("groupedInto").asText();
        assertThat(ch.path("outcome").asText()).isEqualTo("grouped");
        assertThat(ch.path("notification").path("status").asText()).isEqualTo("sent");
        assertThat(ch.path("notification").path("alerts").asInt()).isEqualTo(2);
        assertThat(ch.path("why").asText()).startsWith("grouped into notification " + notification
                + " with 2 alert(s) of group {host=\"db7-" + run + "\"}: delivered at ");
        assertThat(why(second).path("groupedInto").asText()).isEqualTo(notification);
        assertThat(parse(digestsTo("/noise/grouped").get(0).getBodyAsString()).path("alert").path("id").asText())
                .as("the digest carries the notification id").isEqualTo(notification);

        // the group has notified: a new alert of it waits for group-interval (1 h) after that notification was due
        String third = accept(alert("Disk full on db7 again", "high", "db7"));
        JsonNode later = why(third);
        assertThat(later.path("outcome").asText()).isEqualTo("grouped");
        assertThat(later.path("groupedInto").asText()).isNotEqualTo(notification);
        assertThat(later.path("notification").path("status").asText()).isEqualTo("pending");
        assertThat(later.path("why").asText()).contains("with 1 alert(s)").contains("it goes out at ");
        Instant firstDue = dueOf(notification);
        Instant nextDue = dueOf(later.path("groupedInto").asText());
        assertThat(Duration.between(firstDue, nextDue)).isEqualTo(Duration.ofHours(1));
        assertThat(digestsTo("/noise/grouped")).hasSize(1);
    }

    @Test
    void aSilenceMadeWhileTheGroupWaitsStopsItsAlertButNotTheRest() {
        String silenced = accept(alert("Backup failed on db3", "high", "db3"));
        String kept = accept(alert("Disk full on db3", "high", "db3"));
        String third = accept(alert("Load high on db3", "low", "db3"));
        assertThat(postJson("/silences", Map.of("matchers", "run=\"" + run + "\", alertname=~\"Backup.*\"", "duration", "1h",
                "createdBy", "alice", "comment", "backup window")).statusCode()).isEqualTo(201);

        await("the digest", Duration.ofSeconds(20), () -> digestsTo("/noise/grouped").size() == 1);
        JsonNode digest = parse(digestsTo("/noise/grouped").get(0).getBodyAsString()).path("alert");
        assertThat(digest.path("details").path("alerts").findValuesAsText("id")).containsExactly(kept, third);
        assertThat(memberStatus(silenced)).isEqualTo("suppressed");
        assertThat(memberStatus(kept)).isEqualTo("grouped");
        assertThat(why(silenced).path("outcome").asText()).isEqualTo("silenced");
    }

    @Test
    void anEmailChannelSendsOneMailListingTheGroupsAlerts() throws Exception {
        for (String title : List.of("Disk full on mail1", "Queue stuck on mail1")) {
            accept(Map.of("title", title, "severity", "high", "url", "https://grafana.example.com/" + title.length(),
                    "labels", Map.of("feature", "group-mail", "host", "mail1-" + run)));
        }
        await("the digest mail", Duration.ofSeconds(20), () -> mails().size() == 1);
        MimeMessage mail = mails().get(0);
        assertThat(mail.getSubject()).isEqualTo("[HIGH] [FIRING:2] mail1-" + run);
        String text = textOf(mail);
        assertThat(text).contains("2 alerts in group host=mail1-" + run)
                .contains("[Disk full on mail1](https://grafana.example.com/18)")
                .contains("[Queue stuck on mail1](https://grafana.example.com/20)");
    }

    private List<MimeMessage> mails() {
        return Arrays.stream(SMTP.getReceivedMessages()).filter(m -> {
            try {
                return m.getSubject() != null && m.getSubject().contains(run);
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    private static String textOf(MimeMessage mail) throws Exception {
        Multipart parts = (Multipart) mail.getContent();
        for (int i = 0; i < parts.getCount(); i++) {
            if (parts.getBodyPart(i).isMimeType("text/plain")) {
                return (String) parts.getBodyPart(i).getContent();
            }
        }
        throw new AssertionError("no text part");
    }

    /** The alert's own delivery to noise-grouped (its group's digest names the group's first alert too). */
    private String memberStatus(String alertId) {
        return jdbc.queryForObject("SELECT status FROM deliveries WHERE alert_id = ? AND channel_id = 'noise-grouped' "
                + "AND fingerprint NOT LIKE 'group:%'", String.class, alertId);
    }

    private JsonNode why(String alertId) {
        JsonNode all = parse(get("/alerts/" + alertId).body());
        for (JsonNode ch : all.path("channels")) {
            if (ch.path("channel").asText().equals("noise-grouped")) {
                return ch;
            }
        }
        throw new AssertionError("no noise-grouped entry in " + all);
    }

    private Instant dueOf(String notification) {
        return jdbc.queryForObject("SELECT due_at FROM notification_groups WHERE id = ?", OffsetDateTime.class, notification)
                .toInstant();
    }
}
