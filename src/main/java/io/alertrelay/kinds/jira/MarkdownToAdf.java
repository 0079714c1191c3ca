package io.alertrelay.kinds.jira;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.alertrelay.delivery.Limits;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.LinkReferenceDefinition;
import org.commonmark.node.Link;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.Parser;

/**
 * Rendered Markdown to an Atlassian Document Format document (version 1), by walking the commonmark
 * AST. ADF is stricter than Markdown about what may nest where (no headings in list items, no quote
 * in a quote, code marks only with links), so such cases are flattened rather than sent and refused.
 */
final class MarkdownToAdf {

    private static final Parser MARKDOWN = Parser.builder().build();

    /** Where a block lands decides which ADF blocks are allowed there. */
    private enum Place { DOC, LIST_ITEM, QUOTE }

    private final ObjectMapper json;

    MarkdownToAdf(ObjectMapper json) {
        this.json = json;
    }

    /**
     * Drops C0/C1 control characters other than tab and newline, and lone surrogates: JSON can carry
     * them, but they are not text a Jira issue should hold.
     */
    static String clean(String text) {
        if (text == null) {
            return "";
        }
        String s = text.replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c) || (Character.isISOControl(c) && c != '\n' && c != '\t')) {
                continue;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The first {@code n} characters, not splitting a surrogate pair. */
    private static String prefix(String s, int n) {
        if (n >= s.length()) {
            return s;
        }
        int end = n > 0 && Character.isHighSurrogate(s.charAt(n - 1)) ? n - 1 : n;
        return s.substring(0, end);
    }

    /**
     * A doc made of {@code lead} blocks followed by the converted Markdown, whose serialised JSON stays
     * within {@code maxChars}. When the Markdown has to be cut, a last paragraph carries the marker, so
     * the cut is visible whatever Markdown construct it fell into.
     */
    ObjectNode document(List<ObjectNode> lead, String markdown, int maxChars) {
        String source = clean(markdown);
        int keep = Math.min(source.length(), maxChars);
        while (true) {
            boolean cut = keep < source.length();
            ObjectNode doc = json.createObjectNode();
            doc.put("type", "doc");
            doc.put("version", 1);
            ArrayNode content = doc.putArray("content");
            lead.forEach(content::add);
            content.addAll(blocks(prefix(source, keep)));
            if (cut) {
                content.add(paragraph(text(Limits.MARKER, Map.of())));
            }
            if (content.isEmpty()) {
                // Jira refuses an empty doc
                content.add(paragraph());
            }
            int size = size(doc);
            if (size <= maxChars || keep == 0) {
                return doc;
            }
            // JSON overhead per node varies with the Markdown, so shrink in proportion and measure again
            keep = Math.max(0, (int) (keep * (maxChars / (double) size) * 0.95) - 1);
        }
    }

    ArrayNode blocks(String markdown) {
        ArrayNode out = json.createArrayNode();
        children(MARKDOWN.parse(markdown), out, Place.DOC);
        return out;
    }

    int size(ObjectNode node) {
        try {
            return json.writeValueAsString(node).length();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void children(Node parent, ArrayNode out, Place place) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
            block(n, out, place);
        }
    }

    private void block(Node n, ArrayNode out, Place place) {
        if (n instanceof Paragraph) {
            out.add(paragraph(inlines(n)));
        } else if (n instanceof Heading h) {
            if (place == Place.DOC) {
                ObjectNode heading = node("heading");
                heading.putObject("attrs").put("level", Math.max(1, Math.min(6, h.getLevel())));
                heading.set("content", inlines(n));
                out.add(heading);
            } else {
                // headings are not allowed in list items and quotes: keep the words, in bold
                out.add(paragraph(inlines(n, marks(Map.of(), "strong"))));
            }
        } else if (n instanceof BulletList) {
            out.add(list(node("bulletList"), n));
        } else if (n instanceof OrderedList ol) {
            ObjectNode list = node("orderedList");
            Integer start = ol.getMarkerStartNumber();
            if (start != null && start > 1) {
                list.putObject("attrs").put("order", start);
            }
            out.add(list(list, n));
        } else if (n instanceof FencedCodeBlock f) {
            out.add(codeBlock(f.getLiteral(), f.getInfo()));
        } else if (n instanceof IndentedCodeBlock c) {
            out.add(codeBlock(c.getLiteral(), null));
        } else if (n instanceof BlockQuote) {
            if (place == Place.DOC) {
                ObjectNode quote = node("blockquote");
                ArrayNode content = quote.putArray("content");
                children(n, content, Place.QUOTE);
                if (content.isEmpty()) {
                    content.add(paragraph());
                }
                out.add(quote);
            } else {
                children(n, out, place);
            }
        } else if (n instanceof ThematicBreak) {
            out.add(place == Place.DOC ? node("rule") : paragraph(text("---", Map.of())));
        } else if (n instanceof HtmlBlock html) {
            // shown as written: the relay never passes markup through to Jira
            String literal = html.getLiteral().strip();
            if (!literal.isEmpty()) {
                out.add(paragraph(lines(literal)));
            }
        } else if (n instanceof LinkReferenceDefinition) {
            // already applied to the links that use it
        } else {
            children(n, out, place);
        }
    }

    private ObjectNode list(ObjectNode list, Node source) {
        ArrayNode items = list.putArray("content");
        for (Node item = source.getFirstChild(); item != null; item = item.getNext()) {
            if (!(item instanceof ListItem)) {
                continue;
            }
            ObjectNode li = node("listItem");
            ArrayNode content = li.putArray("content");
            children(item, content, Place.LIST_ITEM);
            String first = content.isEmpty() ? null : content.get(0).path("type").asText();
            // a list item must start with a paragraph or a code block
            if (!"paragraph".equals(first) && !"codeBlock".equals(first)) {
                content.insert(0, paragraph());
            }
            items.add(li);
        }
        return list;
    }

    private ObjectNode codeBlock(String literal, String info) {
        ObjectNode code = node("codeBlock");
        if (info != null && !info.isBlank()) {
            String language = info.strip().split("\\s+")[0].toLowerCase(Locale.ROOT);
            code.putObject("attrs").put("language", language);
        }
        ArrayNode content = code.putArray("content");
        String text = literal.endsWith("\n") ? literal.substring(0, literal.length() - 1) : literal;
        if (!text.isEmpty()) {
            content.add(json.createObjectNode().put("type", "text").put("text", text));
        }
        return code;
    }

    private ArrayNode inlines(Node parent) {
        return inlines(parent, Map.of());
    }

    private ArrayNode inlines(Node parent, Map<String, ObjectNode> marks) {
        ArrayNode out = json.createArrayNode();
        inline(parent, out, marks);
        return out;
    }

    private void inline(Node parent, ArrayNode out, Map<String, ObjectNode> marks) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Text t) {
                add(out, text(t.getLiteral(), marks));
            } else if (n instanceof Code c) {
                add(out, text(c.getLiteral(), marks(marks, "code")));
            } else if (n instanceof Emphasis) {
                inline(n, out, marks(marks, "em"));
            } else if (n instanceof StrongEmphasis) {
                inline(n, out, marks(marks, "strong"));
            } else if (n instanceof Link l) {
                Map<String, ObjectNode> linked = withLink(marks, l.getDestination());
                if (n.getFirstChild() == null) {
                    add(out, text(l.getDestination(), linked));
                } else {
                    inline(n, out, linked);
                }
            } else if (n instanceof Image img) {
                // ADF media needs an upload; a link to the image keeps it reachable
                Map<String, ObjectNode> linked = withLink(marks, img.getDestination());
                int before = out.size();
                inline(n, out, linked);
                if (out.size() == before) {
                    add(out, text(img.getDestination(), linked));
                }
            } else if (n instanceof SoftLineBreak || n instanceof HardLineBreak) {
                // alert messages are mostly plain text whose line breaks are meant, as in GitHub comments
                out.add(node("hardBreak"));
            } else if (n instanceof HtmlInline html) {
                add(out, text(html.getLiteral(), marks));
            } else {
                inline(n, out, marks);
            }
        }
    }

    private static void add(ArrayNode out, ObjectNode text) {
        if (text != null) {
            out.add(text);
        }
    }

    /** A text node, or null for empty text (ADF refuses empty text nodes). */
    private ObjectNode text(String text, Map<String, ObjectNode> marks) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        ObjectNode node = json.createObjectNode().put("type", "text").put("text", text);
        if (!marks.isEmpty()) {
            ArrayNode m = node.putArray("marks");
            boolean code = marks.containsKey("code");
            // a code mark combines with a link only
            marks.forEach((type, mark) -> {
                if (!code || type.equals("code") || type.equals("link")) {
                    m.add(mark.deepCopy());
                }
            });
        }
        return node;
    }

    private ArrayNode lines(String text) {
        ArrayNode out = json.createArrayNode();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                out.add(node("hardBreak"));
            }
            add(out, text(lines[i], Map.of()));
        }
        return out;
    }

    private Map<String, ObjectNode> marks(Map<String, ObjectNode> marks, String type) {
        Map<String, ObjectNode> out = new LinkedHashMap<>(marks);
        out.putIfAbsent(type, node(type));
        return out;
    }

    /** Only web and mail links become link marks; anything else (javascript:, relative paths) stays text. */
    private Map<String, ObjectNode> withLink(Map<String, ObjectNode> marks, String href) {
        String h = href == null ? "" : href.strip();
        String lower = h.toLowerCase(Locale.ROOT);
        if (!(lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("mailto:"))
                || marks.containsKey("link")) {
            return marks;
        }
        Map<String, ObjectNode> out = new LinkedHashMap<>(marks);
        ObjectNode link = node("link");
        link.putObject("attrs").put("href", h);
        out.put("link", link);
        return out;
    }

    ObjectNode paragraph(ObjectNode... texts) {
        ObjectNode p = node("paragraph");
        ArrayNode content = p.putArray("content");
        for (ObjectNode t : texts) {
            add(content, t);
        }
        return p;
    }

    private ObjectNode paragraph(ArrayNode content) {
        ObjectNode p = node("paragraph");
        p.set("content", content);
        return p;
    }

    /** A text node with the given mark types (strong, em, code), for blocks built outside Markdown. */
    ObjectNode styled(String text, String... markTypes) {
        Map<String, ObjectNode> marks = new LinkedHashMap<>();
        for (String t : markTypes) {
            marks.put(t, node(t));
        }
        return text(clean(text), marks);
    }

    private ObjectNode node(String type) {
        return json.createObjectNode().put("type", type);
    }
}
