package dev.benchlake.config;

import java.util.Comparator;
import java.util.List;

import org.apache.kafka.common.config.ConfigDef;

/** Renders a {@link ConfigDef} as the Markdown reference tables of docs/configuration.md. */
public final class ConfigDocs {

    private ConfigDocs() {
    }

    public static String markdownTable(ConfigDef def) {
        StringBuilder out = new StringBuilder();
        out.append("| key | group | type | default | valid values | importance | description |\n");
        out.append("|---|---|---|---|---|---|---|\n");
        List<String> groups = def.groups();
        List<ConfigDef.ConfigKey> keys = def.configKeys().values().stream()
                .sorted(Comparator.<ConfigDef.ConfigKey>comparingInt(k -> groups.indexOf(k.group))
                        .thenComparingInt(k -> k.orderInGroup).thenComparing(k -> k.name))
                .toList();
        for (ConfigDef.ConfigKey key : keys) {
            out.append("| `").append(key.name).append("` | ")
                    .append(cell(key.group)).append(" | ")
                    .append(key.type.name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
                    .append(defaultValue(key)).append(" | ")
                    .append(key.validator == null ? "" : cell(key.validator.toString())).append(" | ")
                    .append(key.importance.name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
                    .append(cell(key.documentation)).append(" |\n");
        }
        return out.toString();
    }

    private static String defaultValue(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "(required)";
        }
        if (key.defaultValue == null) {
            return "null";
        }
        String s = ConfigDef.convertToString(key.defaultValue, key.type);
        return s.isEmpty() ? "\"\"" : "`" + s + "`";
    }

    private static String cell(String s) {
        // "](" would make Markdown render a pattern such as [a-z](-*[a-z]) as a link
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ").replace("](", "]\\(");
    }
}
