package io.alertrelay.kinds.slack;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * CommonMark to Slack mrkdwn. Every piece of text is escaped (&amp;, &lt;, &gt;), so alert text can
 * neither break the markup nor produce Slack's control sequences such as &lt;!channel&gt;.
 */
public final class SlackMarkdown {

    private static final Parser PARSER = Parser.builder().build();

    private SlackMarkdown() {}

    public static String toMrkdwn(String markdown) {
        if (markdown == null || markdown.isBlank()) {
            return "";
        }
        return blocks(PARSER.parse(markdown), "\n\n").strip();
    }

    /** Slack's three control characters; everything else is literal in mrkdwn. */
    public static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * Splits mrkdwn into pieces of at most {@code max} characters, preferably between paragraphs or lines,
     * closing and reopening a code block that a split would cut in two.
     */
    public static List<String> split(String text, int max) {
        List<String> out = new ArrayList<>();
        String rest = text;
        boolean inCode = false;
        while (!rest.isEmpty()) {
            String prefix = inCode ? "```\n" : "";
            // room for a reopened and a closed fence
            int room = max - prefix.length() - 4;
            String piece;
            if (rest.length() <= room) {
                piece = rest;
            } else {
                int at = rest.lastIndexOf("\n\n", room);
                if (at < room / 2) {
                    at = rest.lastIndexOf('\n', room);
                }
                if (at < room / 2) {
                    at = Character.isHighSurrogate(rest.charAt(room - 1)) ? room - 1 : room;
                }
                piece = rest.substring(0, at);
            }
            rest = rest.substring(piece.length()).stripLeading();
            boolean opensCode = inCode ^ (count(piece, "```") % 2 == 1);
            String chunk = prefix + piece + (opensCode ? "\n```" : "");
            out.add(chunk);
            inCode = opensCode;
        }
        return out;
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + what.length())) {
            n++;
        }
        return n;
    }

    private static String blocks(Node parent, String separator) {
        List<String> parts = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
            String s = block(n);
            if (!s.isBlank()) {
                parts.add(s);
            }
        }
        return String.join(separator, parts);
    }

    private static String block(Node n) {
        if (n instanceof Paragraph) {
            return inlines(n);
        }
        if (n instanceof Heading) {
            // mrkdwn has no headings; a bold line reads the same
            return "*" + inlines(n).strip() + "*";
        }
        if (n instanceof ListBlock list) {
            return list(list);
        }
        if (n instanceof FencedCodeBlock f) {
            return code(f.getLiteral());
        }
        if (n instanceof IndentedCodeBlock i) {
            return code(i.getLiteral());
        }
        if (n instanceof BlockQuote) {
            return "> " + blocks(n, "\n").replace("\n", "\n> ");
        }
        if (n instanceof ThematicBreak) {
            return "──────────";
        }
        if (n instanceof HtmlBlock h) {
            return escape(h.getLiteral()).strip();
        }
        return blocks(n, "\n\n");
    }

    private static String code(String literal) {
        // a ``` inside the code would end the block early
        return "```\n" + escape(literal.stripTrailing()).replace("```", "`\u200b``") + "\n```";
    }

    private static String list(ListBlock list) {
        StringBuilder out = new StringBuilder();
        int number = list instanceof OrderedList o && o.getMarkerStartNumber() != null ? o.getMarkerStartNumber() : 1;
        for (Node item = list.getFirstChild(); item != null; item = item.getNext()) {
            if (!(item instanceof ListItem)) {
                continue;
            }
            String marker = list instanceof OrderedList ? (number++) + ". " : "• ";
            String content = blocks(item, "\n").replace("\n", "\n    ");
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(marker).append(content);
        }
        return out.toString();
    }

    private static String inlines(Node parent) {
        StringBuilder out = new StringBuilder();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof Text t) {
                out.append(escape(t.getLiteral()));
            } else if (n instanceof Emphasis) {
                out.append('_').append(inlines(n)).append('_');
            } else if (n instanceof StrongEmphasis) {
                out.append('*').append(inlines(n)).append('*');
            } else if (n instanceof Code c) {
                out.append('`').append(escape(c.getLiteral()).replace("`", "'")).append('`');
            } else if (n instanceof Link l) {
                out.append(link(l.getDestination(), inlines(n)));
            } else if (n instanceof Image i) {
                out.append(link(i.getDestination(), inlines(n)));
            } else if (n instanceof SoftLineBreak || n instanceof HardLineBreak) {
                // alert messages mean their line breaks (stack traces, lists of hosts)
                out.append('\n');
            } else if (n instanceof HtmlInline h) {
                out.append(escape(h.getLiteral()));
            } else {
                out.append(inlines(n));
            }
        }
        return out.toString();
    }

    /** Only web and mail links become Slack links; anything else (javascript:, …) stays plain text. */
    private static String link(String url, String text) {
        String lower = url == null ? "" : url.toLowerCase(Locale.ROOT);
        if (!(lower.startsWith("http://") || lower.startsWith("https://") || lower.startsWith("mailto:"))) {
            return text;
        }
        String target = escape(url).replace("|", "%7C");
        return text.isBlank() ? "<" + target + ">" : "<" + target + "|" + text.replace("|", "\u2758") + ">";
    }
}
