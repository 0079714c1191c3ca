package io.alertrelay.noise;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Alertmanager's inhibit rule: while an alert matching the source matchers fires, alerts matching the
 * target matchers that have the same values of the {@code equal} labels are not sent. An alert never
 * inhibits itself (Alertmanager compares fingerprints the same way).
 */
public record InhibitRule(List<Matcher> source, List<Matcher> target, List<String> equal) {

    public static InhibitRule of(NoiseConfig.InhibitRuleProperties p, String where) {
        List<Matcher> source = matchers(p.getSourceMatchers(), where + ".source-matchers");
        List<Matcher> target = matchers(p.getTargetMatchers(), where + ".target-matchers");
        if (source.isEmpty() || target.isEmpty()) {
            throw new IllegalArgumentException(where + ": source-matchers and target-matchers are both required "
                    + "(a rule without them would inhibit everything)");
        }
        return new InhibitRule(source, target, p.getEqual() == null ? List.of() : List.copyOf(p.getEqual()));
    }

    private static List<Matcher> matchers(List<String> declared, String field) {
        List<Matcher> out = new ArrayList<>();
        if (declared == null) {
            return out;
        }
        for (int i = 0; i < declared.size(); i++) {
            try {
                out.addAll(Matcher.parse(declared.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + "[" + i + "]: " + e.getMessage());
            }
        }
        return out;
    }

    public boolean isSource(Map<String, String> attributes) {
        return Matcher.all(source, attributes);
    }

    public boolean isTarget(Map<String, String> attributes) {
        return Matcher.all(target, attributes);
    }

    /** As Alertmanager: a label missing on both sides counts as equal (both empty). */
    public boolean sameEqualLabels(Map<String, String> a, Map<String, String> b) {
        for (String label : equal) {
            if (!Objects.equals(a.getOrDefault(label, ""), b.getOrDefault(label, ""))) {
                return false;
            }
        }
        return true;
    }
}
