package dev.benchlake.deploy;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL query (or a Grafana {@code label_values(metric, label)} variable query) reads: what is left
 * once strings, label matchers, ranges, Grafana variables, label lists of by/without/on/ignoring/group_x, function
 * calls and keywords are taken out.
 */
final class PromQl {

    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*,.*\\)\\s*$");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w$.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\\w(])\\s*(\\()?");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "bool", "offset", "inf", "nan");

    private PromQl() {
    }

    static Set<String> metricNames(String query) {
        Set<String> names = new TreeSet<>();
        Matcher variable = LABEL_VALUES.matcher(query);
        if (variable.matches()) {
            names.add(variable.group(1));
            return names;
        }
        String q = query.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
                .replaceAll("\\{[^}]*\\}", " ")
                .replaceAll("\\[[^\\]]*\\]", " ")
                .replaceAll("\\$\\{?\\w+\\}?", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Matcher m = IDENTIFIER.matcher(q);
        while (m.find()) {
            boolean call = m.group(2) != null;
            if (!call && !KEYWORDS.contains(m.group(1).toLowerCase())) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
