package io.alertrelay.kinds.github;

import io.alertrelay.alert.Alert;
import io.alertrelay.delivery.Limits;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.SourceSpan;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

/**
 * Alert text goes into GitHub Markdown as it is, except what GitHub would act on: an "@someone" or
 * "@org/team" would notify people, a "#123" or "owner/repo#123" would put a back-link into another
 * issue's timeline. A zero-width joiner after the "@" or "#" breaks the reference while the text
 * reads the same (backticks would change how the text looks and break on names with backticks).
 * Only alert values are treated, never the operator's template; code and links in the message are
 * left byte for byte, since GitHub does not act on references inside them.
 */
final class GithubText {

    static final String ZWJ = "\u200D";

    // not after a word character, "/", "." or "@": e-mail addresses, URLs like medium.com/@x and @@ stay
    private static final Pattern MENTION = Pattern.compile("(?<![\\p{Alnum}_/.@`-])@(?=[\\p{Alnum}])");
    // "#12" or "owner/repo#12" as a word of its own; "page#12" inside a URL stays
    private static final Pattern ISSUE_REF = Pattern.compile(
            "(?<![^\\s(\\[{,;:!?])(?:[\\w.-]+/[\\w.-]+)?#(?=\\d)");
    // NUL and other C0 controls (except tab and newlines) are not text and some stores refuse them
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F]");

    private static final Parser MARKDOWN = Parser.builder().includeSourceSpans(IncludeSourceSpans.BLOCKS_AND_INLINES).build();

    private GithubText() {}

    /**
     * The alert with every free-text value treated, so templates render it safely. The message is cut
     * to the body limit first: more could never be shown, and a megabyte need not be parsed.
     */
    static Alert neutralise(Alert a, int maxMessage) {
        Map<String, String> labels = null;
        if (a.labels() != null) {
            labels = new LinkedHashMap<>();
            for (Map.Entry<String, String> l : a.labels().entrySet()) {
                labels.put(plain(l.getKey()), plain(l.getValue()));
            }
        }
        return new Alert(a.id(), a.clientId(), plain(a.title()), markdown(Limits.cut(a.message(), maxMessage)), a.severity(), a.status(),
                a.reason(), plain(a.type()), a.fingerprint(), plain(a.source()), plain(a.project()), a.url(),
                a.occurredAt(), a.firstSeen(), a.lastSeen(), a.eventCount(), labels, a.details(), a.receivedAt());
    }

    /** A value shown as plain prose (title, labels, project…). */
    static String plain(String s) {
        if (s == null) {
            return null;
        }
        String out = CONTROL.matcher(s).replaceAll("");
        return insertJoiners(out, List.of());
    }

    /**
     * A Markdown value. Like GitHub's own reference filters, code and links are left alone (GitHub
     * links nothing inside them); everything else is treated, raw HTML included, whose text GitHub
     * scans too.
     */
    static String markdown(String s) {
        if (s == null) {
            return null;
        }
        String clean = CONTROL.matcher(s).replaceAll("");
        List<int[]> untouched = new ArrayList<>();
        Node doc = MARKDOWN.parse(clean);
        doc.accept(new AbstractVisitor() {
            @Override
            public void visit(Code code) {
                keep(code);
            }

            @Override
            public void visit(FencedCodeBlock block) {
                keep(block);
            }

            @Override
            public void visit(IndentedCodeBlock block) {
                keep(block);
            }

            @Override
            public void visit(Link link) {
                keep(link);
            }

            private void keep(Node node) {
                for (SourceSpan span : node.getSourceSpans()) {
                    untouched.add(new int[] {span.getInputIndex(), span.getInputIndex() + span.getLength()});
                }
            }
        });
        return insertJoiners(clean, untouched);
    }

    /** Control characters out; used for text that is ours already (rendered template output). */
    static String stripControls(String s) {
        return s == null ? null : CONTROL.matcher(s).replaceAll("");
    }

    /** @param untouched sorted, non-overlapping ranges of {@code s} to leave as they are */
    private static String insertJoiners(String s, List<int[]> untouched) {
        List<Integer> at = new ArrayList<>();
        collect(MENTION.matcher(s), untouched, at, 1);
        collect(ISSUE_REF.matcher(s), untouched, at, -1);
        if (at.isEmpty()) {
            return s;
        }
        at.sort(null);
        StringBuilder out = new StringBuilder(s.length() + at.size());
        int from = 0;
        for (int i : at) {
            out.append(s, from, i).append(ZWJ);
            from = i;
        }
        return out.append(s, from, s.length()).toString();
    }

    /** @param offset where the joiner goes: 1 = after the match start ("@"), -1 = after the match end ("#") */
    private static void collect(Matcher m, List<int[]> untouched, List<Integer> at, int offset) {
        while (m.find()) {
            int start = m.start();
            if (!inside(start, untouched)) {
                at.add(offset > 0 ? start + offset : m.end());
            }
        }
    }

    /** The ranges come in document order, so a binary search keeps a huge message linear-ish. */
    private static boolean inside(int index, List<int[]> ranges) {
        int lo = 0;
        int hi = ranges.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int[] r = ranges.get(mid);
            if (index < r[0]) {
                hi = mid - 1;
            } else if (index >= r[1]) {
                lo = mid + 1;
            } else {
                return true;
            }
        }
        return false;
    }
}
