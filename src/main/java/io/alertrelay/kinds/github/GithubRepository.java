package io.alertrelay.kinds.github;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** "owner/repo" as GitHub allows them, so a typo fails at startup and never becomes a wrong URL. */
record GithubRepository(String owner, String name) {

    // GitHub logins: letters, digits and single hyphens, at most 39; repository names: letters, digits, . _ -
    private static final Pattern SHAPE = Pattern.compile("([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]{1,100})");

    static GithubRepository parse(String value) {
        String v = value == null ? "" : value.trim();
        Matcher m = SHAPE.matcher(v);
        if (!m.matches() || m.group(2).equals(".") || m.group(2).equals("..")) {
            throw new IllegalArgumentException("must look like owner/repo (e.g. acme/shop), got \"" + value + "\"");
        }
        return new GithubRepository(m.group(1), m.group(2));
    }

    @Override
    public String toString() {
        return owner + "/" + name;
    }
}
