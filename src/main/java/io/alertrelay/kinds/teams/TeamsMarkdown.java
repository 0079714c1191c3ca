package io.alertrelay.kinds.teams;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.Code;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.ListBlock;
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
 * CommonMark to Adaptive Card TextBlocks, the shared conversion behind the kind files' {{#textBlocks}}. A
 * TextBlock renders only a subset of Markdown (bold, italic, bulleted and numbered lists, links), so each
 * block of the message becomes its own TextBlock: headings bold, code in a monospace block, quotes subtle,
 * everything else as that subset.
 */
public final class TeamsMarkdown {

    private static final Parser PARSER = Parser.builder().build();

    private TeamsMarkdown() {}

    /** The TextBlocks as a JSON list (written by Jackson), for a kind file's {$json: …}. */
    public static String textBlocks(String markdown) {
        ArrayNode body = JsonNodeFactory.instance.arrayNode();
        if (markdown != null && !markdown.isBlank()) {
            blocks(PARSER.parse(markdown), body, false);
        }
        return body.toString();
    }

    private static void blocks(Node parent, ArrayNode body, boolean subtle) {
        boolean separator = false;
        for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof ThematicBreak) {
                separator = true;
                continue;
            }
            if (n instanceof BlockQuote) {
                blocks(n, body, true);
                continue;
            }
            ObjectNode block = block(n);
            if (block == null) {
                continue;
            }
            if (subtle) {
                block.put("isSubtle", true);
            }
            if (separator) {
                block.put("separator", true);
                separator = false;
            }
            body.add(block);
        }
    }

    private static ObjectNode block(Node n) {
        if (n instanceof Heading) {
            return textBlock(inlines(n).strip()).put("weight", "Bolder").put("size", "Medium");
        }
        if (n instanceof Paragraph) {
            return textBlock(inlines(n));
        }
        if (n instanceof ListBlock list) {
            return textBlock(list(list, ""));
        }
        if (n instanceof FencedCodeBlock f) {
            return textBlock(f.getLiteral().stripTrailing()).put("fontType", "Monospace");
        }
        if (n instanceof IndentedCodeBlock i) {
            return textBlock(i.getLiteral().stripTrailing()).put("fontType", "Monospace");
        }
        if (n instanceof HtmlBlock h) {
            // Teams shows HTML as text; that is the safe way to show it
            return textBlock(h.getLiteral().strip());
        }
        String text = inlines(n);
        return text.isBlank() ? null : textBlock(text);
    }

    private static ObjectNode textBlock(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        ObjectNode b = JsonNodeFactory.instance.objectNode();
        return b.put("type", "TextBlock").put("text", text).put("wrap", true);
    }

    /** TextBlock lists are one level deep; nested items are indented by hand. */
    private static String list(ListBlock list, String indent) {
        StringBuilder out = new StringBuilder();
        int number = list instanceof OrderedList o && o.getMarkerStartNumber() != null ? o.getMarkerStartNumber() : 1;
        for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
            if (!(item instanceof ListItem)) {
                continue;
            }
            StringBuilder line = new StringBuilder();
            StringBuilder nested = new StringBuilder();
            for (Node c = item.getFirstChild(); c != null; c = c.getNext()) {
                if (c instanceof ListBlock inner) {
                    nested.append('\n').append(list(inner, indent + "    "));
                } else {
                    String s = c instanceof FencedCodeBlock f ? f.getLiteral().strip()
                            : c instanceof IndentedCodeBlock i ? i.getLiteral().strip() : inlines(c);
                    line.append(line.length() > 0 ? " " : "").append(s.replace('\n', ' '));
                }
            }
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(indent).append(list instanceof OrderedList ? (number++) + ". " : "- ").append(line).append(nested);
        }
        return out.toString();
    }

    private static String inlines(Node parent) {
        StringBuilder out = new StringBuilder();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Text t) {
                out.append(t.getLiteral());
            } else if (n instanceof Emphasis) {
                out.append('_').append(inlines(n)).append('_');
            } else if (n instanceof StrongEmphasis) {
                out.append("**").append(inlines(n)).append("**");
            } else if (n instanceof Code c) {
                // no inline code in TextBlocks; the backticks still show where it starts and ends
                out.append('`').append(c.getLiteral()).append('`');
            } else if (n instanceof Link l) {
                out.append(link(l.getDestination(), inlines(n)));
            } else if (n instanceof Image i) {
                out.append(link(i.getDestination(), inlines(n)));
            } else if (n instanceof SoftLineBreak || n instanceof HardLineBreak) {
                out.append('\n');
            } else if (n instanceof HtmlInline h) {
                out.append(h.getLiteral());
            } else {
                out.append(inlines(n));
            }
        }
        return out.toString();
    }

    /** Only web and mail links stay links; a javascript: or data: link is shown as its text. */
    private static String link(String url, String text) {
        String lower = url == null ? "" : url.toLowerCase(Locale.ROOT);
        if (!(lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("mailto:"))) {
            return text;
        }
        String label = text.isBlank() ? url : text.replace("[", "(").replace("]", ")");
        return "[" + label + "](" + url.replace(" ", "%20").replace(")", "%29") + ")";
    }
}
