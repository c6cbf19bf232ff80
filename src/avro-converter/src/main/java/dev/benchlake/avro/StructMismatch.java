package dev.benchlake.avro;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;

/** Says how a Struct's schema differs from the one a converter was set up for, for error messages. */
final class StructMismatch {
    private static final int MAX_LISTED = 5;

    private StructMismatch() {
    }

    /** ": field 'a' is missing, ..." or, when the fields agree, what else can differ; empty for non-structs. */
    static String describe(Schema actual, Schema expected) {
        if (actual.type() != Schema.Type.STRUCT || expected.type() != Schema.Type.STRUCT) {
            return "";
        }
        List<String> diffs = new ArrayList<>();
        for (Field f : expected.fields()) {
            Field other = actual.field(f.name());
            if (other == null) {
                diffs.add("field '" + f.name() + "' is missing");
            } else if (!other.schema().equals(f.schema())) {
                diffs.add("field '" + f.name() + "' is " + brief(other.schema()) + " instead of " + brief(f.schema()));
            }
        }
        for (Field f : actual.fields()) {
            if (expected.field(f.name()) == null) {
                diffs.add("unexpected field '" + f.name() + "'");
            }
        }
        if (diffs.isEmpty()) {
            return " (their name, version, doc or parameters differ)";
        }
        return ": " + String.join(", ", diffs.size() > MAX_LISTED ? diffs.subList(0, MAX_LISTED) : diffs)
                + (diffs.size() > MAX_LISTED ? ", ..." : "");
    }

    private static String brief(Schema s) {
        StringBuilder b = new StringBuilder(s.isOptional() ? "optional " : "").append(s.type());
        if (s.name() != null) {
            b.append(' ').append(s.name());
        }
        if (s.doc() != null) {
            b.append(" doc=\"").append(s.doc()).append('"');
        }
        if (s.defaultValue() != null) {
            b.append(" default=").append(s.defaultValue());
        }
        return b.toString();
    }
}
