package dev.benchlake.avro;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Local schema compatibility checks with Avro's {@link SchemaCompatibility}, described in words a person can act on
 * ("field 'x' was added without a default value"). Used when the registry cannot answer compatibility questions
 * (some answer {@code /compatibility} with 500) and to explain a registry's 409.
 */
public final class CompatibilityChecker {
    private CompatibilityChecker() {
    }

    /**
     * Describes why {@code candidate} is not compatible with {@code existing} at {@code level}: empty when compatible.
     *
     * @param existingLabel how to name the existing schema in messages, e.g. "version 3"
     */
    public static List<String> incompatibilities(Schema candidate, Schema existing, CompatibilityLevel level,
                                                 String existingLabel) {
        Set<String> out = new LinkedHashSet<>();
        if (level.checksBackward()) {
            // the new schema reads data written with the existing one
            describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, existing), true, existingLabel, out);
        }
        if (level.checksForward()) {
            // the existing schema reads data written with the new one
            describe(SchemaCompatibility.checkReaderWriterCompatibility(existing, candidate), false, existingLabel, out);
        }
        return new ArrayList<>(out);
    }

    private static void describe(SchemaCompatibility.SchemaPairCompatibility pair, boolean backward,
                                 String existingLabel, Set<String> out) {
        if (pair.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        Schema reader = pair.getReader();
        for (Incompatibility inc : pair.getResult().getIncompatibilities()) {
            String where = fieldPath(reader, inc.getLocation());
            switch (inc.getType()) {
                case READER_FIELD_MISSING_DEFAULT_VALUE: {
                    String field = quote(join(where, inc.getMessage()));
                    out.add(backward
                            ? "field " + field + " was added without a default value (data written with "
                            + existingLabel + " has no such field)"
                            : "field " + field + " was removed, but " + existingLabel
                            + " has no default value for it (readers of " + existingLabel + " need it)");
                    break;
                }
                case TYPE_MISMATCH: {
                    String newType = typeName(backward ? inc.getReaderFragment() : inc.getWriterFragment());
                    String oldType = typeName(backward ? inc.getWriterFragment() : inc.getReaderFragment());
                    out.add((where.isEmpty() ? "the schema" : "field " + quote(where)) + " changed type from "
                            + oldType + " (" + existingLabel + ") to " + newType);
                    break;
                }
                case NAME_MISMATCH: {
                    String newName = fullName(backward ? inc.getReaderFragment() : inc.getWriterFragment());
                    String oldName = fullName(backward ? inc.getWriterFragment() : inc.getReaderFragment());
                    out.add((where.isEmpty() ? "the record" : "the type of field " + quote(where))
                            + " was renamed from " + oldName + " (" + existingLabel + ") to " + newName);
                    break;
                }
                case MISSING_UNION_BRANCH: {
                    out.add((where.isEmpty() ? "the schema" : "field " + quote(where))
                            + (backward
                            ? " can no longer read values that " + existingLabel + " allows (" + inc.getMessage() + ")"
                            : " allows values that " + existingLabel + " cannot read (" + inc.getMessage() + ")"));
                    break;
                }
                case MISSING_ENUM_SYMBOLS: {
                    out.add((where.isEmpty() ? "the enum" : "enum field " + quote(where))
                            + (backward ? " lost symbols that " + existingLabel + " uses: "
                            : " has symbols that " + existingLabel + " does not know: ") + inc.getMessage());
                    break;
                }
                case FIXED_SIZE_MISMATCH: {
                    out.add((where.isEmpty() ? "the fixed type" : "fixed field " + quote(where))
                            + " changed size (" + inc.getMessage() + ")");
                    break;
                }
                default:
                    out.add(inc.getType().name().toLowerCase(Locale.ROOT) + " at " + inc.getLocation() + ": "
                            + inc.getMessage());
            }
        }
    }

    private static String quote(String s) {
        return "'" + s + "'";
    }

    private static String join(String path, String field) {
        if (path.isEmpty()) {
            return field;
        }
        // the location of a missing-default problem points at the field itself
        return path.endsWith(field) ? path : path + "." + field;
    }

    private static String typeName(Schema s) {
        if (s == null) {
            return "?";
        }
        String base = s.getType() == Schema.Type.RECORD || s.getType() == Schema.Type.ENUM || s.getType() == Schema.Type.FIXED
                ? s.getFullName() : s.getType().getName();
        if (s.getType() == Schema.Type.UNION) {
            List<String> branches = new ArrayList<>();
            for (Schema b : s.getTypes()) {
                branches.add(typeName(b));
            }
            return branches.toString();
        }
        return s.getLogicalType() != null ? base + " (" + s.getLogicalType().getName() + ")" : base;
    }

    private static String fullName(Schema s) {
        return s == null ? "?" : s.getFullName();
    }

    /** Turns an Avro location such as {@code /fields/3/type/1} into a field path such as {@code observed_at}. */
    static String fieldPath(Schema root, String location) {
        if (location == null || location.isEmpty() || location.equals("/")) {
            return "";
        }
        String[] tokens = location.split("/");
        StringBuilder path = new StringBuilder();
        Schema s = root;
        try {
            for (int i = 0; i < tokens.length; i++) {
                String t = tokens[i];
                if (t.isEmpty()) {
                    continue;
                }
                if (s.getType() == Schema.Type.UNION && t.matches("\\d+")) {
                    s = s.getTypes().get(Integer.parseInt(t));
                } else if (t.equals("fields") && i + 1 < tokens.length) {
                    Schema.Field f = s.getFields().get(Integer.parseInt(tokens[++i]));
                    if (path.length() > 0) {
                        path.append('.');
                    }
                    path.append(f.name());
                    s = f.schema();
                    if (i + 1 < tokens.length && tokens[i + 1].equals("type")) {
                        i++;
                    }
                } else if (t.equals("items")) {
                    path.append("[]");
                    s = s.getElementType();
                } else if (t.equals("values")) {
                    path.append("{}");
                    s = s.getValueType();
                } else {
                    break;
                }
            }
        } catch (RuntimeException e) {
            // best effort: keep what was resolved
        }
        return path.toString();
    }
}
