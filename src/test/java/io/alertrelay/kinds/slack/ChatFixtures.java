package io.alertrelay.kinds.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Alerts and helpers shared by the chat kinds' tests (teams, slack, mattermost, discord). */
public final class ChatFixtures {

    /** Everything that has broken a chat payload somewhere: quotes, markup, mentions, emoji, control characters. */
    public static final String HOSTILE_CHUNK = "He said \"stop\" and left\\n a 'quote' \n<script>alert('x')</script> "
            + "<b>bold?</b> <!channel> @everyone @here <at>Boss</at> 🚨🔥👩‍💻 & &amp; \u0001\u0007\u001b\u007f\u202e "
            + "**unclosed _emphasis `tick ```fence\n- item\n[link](javascript:alert(1))\r\n";

    private ChatFixtures() {}

    /** An alert as a client sends it, from alternating field names and values. */
    public static Map<String, Object> alert(Object... fieldsAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            m.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return m;
    }

    /** About a megabyte of JSON-encoded hostile text: close to what the relay's ingest accepts. */
    public static String hostileMessage(ObjectMapper json) {
        try {
            int chunkBytes = json.writeValueAsBytes(HOSTILE_CHUNK).length;
            return HOSTILE_CHUNK.repeat(1_000_000 / chunkBytes);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every object node under {@code root} (root included) for which {@code test} holds. */
    public static List<JsonNode> findAll(JsonNode root, java.util.function.Predicate<JsonNode> test) {
        List<JsonNode> out = new ArrayList<>();
        walk(root, n -> {
            if (n.isObject() && test.test(n)) {
                out.add(n);
            }
        });
        return out;
    }

    private static void walk(JsonNode n, Consumer<JsonNode> visit) {
        visit.accept(n);
        n.elements().forEachRemaining(c -> walk(c, visit));
    }
}
