package dev.benchlake.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Request validation against the service model's constraints, with AWS's message format
 * ("1 validation error detected: Value 'x' at 'jobName' failed to satisfy constraint: ...").
 *
 * <p>Model patterns are not implicitly anchored (Smithy/ECMAScript semantics): a value is valid when
 * the pattern matches somewhere in it, so {@code ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}} only constrains
 * how a job name starts (the length limit does the rest).
 */
final class Validation {
    static final Pattern JOB_NAME = Pattern.compile("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}");
    static final Pattern NAME_CONTAINS = Pattern.compile("[a-zA-Z0-9\\-]+");
    static final Pattern MODEL_NAME = Pattern.compile("^[a-zA-Z0-9]([\\-a-zA-Z0-9]*[a-zA-Z0-9])?");
    static final Pattern MODEL_PACKAGE_ARN = Pattern.compile(
            "^arn:aws(-cn|-us-gov)?:sagemaker:[a-z0-9\\-]{9,16}:[0-9]{12}:model-package/[\\S]{1,2048}$");
    static final Pattern ANY = Pattern.compile(".*");

    static final List<String> JOB_STATUSES = List.of(
            "PENDING", "IN_PROGRESS", "COMPLETED", "FAILED", "STOPPING", "STOPPED", "DELETING", "DELETED");
    static final List<String> STEP_TYPES = List.of("BENCHMARK");
    static final List<String> SORT_BY = List.of("Name", "CreationTime", "Status");
    static final List<String> SORT_ORDER = List.of("Ascending", "Descending");

    private final JsonNode request;
    private final List<String> errors = new ArrayList<>();

    Validation(JsonNode request) {
        this.request = request;
    }

    /** For scenario building: a job name the service could have produced. */
    static String checkJobName(String name) {
        if (name == null || name.isEmpty() || name.length() > 64 || !JOB_NAME.matcher(name).find()) {
            throw new IllegalArgumentException("not a valid job name (1..64 chars, " + JOB_NAME.pattern() + "): " + name);
        }
        return name;
    }

    String string(String member, boolean required, int min, int max, Pattern pattern) throws ApiException {
        JsonNode v = request.get(member);
        if (v == null || v.isNull()) {
            if (required) {
                errors.add("Value null at '" + camel(member) + "' failed to satisfy constraint: Member must not be null");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw serialization(member, "string", v);
        }
        String s = v.asText();
        int len = s.codePointCount(0, s.length());
        if (len < min) {
            errors.add(value(s, member) + "Member must have length greater than or equal to " + min);
        } else if (len > max) {
            errors.add(value(s, member) + "Member must have length less than or equal to " + max);
        } else if (pattern != null && !pattern.matcher(s).find()) {
            errors.add(value(s, member) + "Member must satisfy regular expression pattern: " + pattern.pattern());
        }
        return s;
    }

    String enumeration(String member, List<String> values) throws ApiException {
        JsonNode v = request.get(member);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw serialization(member, "string", v);
        }
        String s = v.asText();
        if (!values.contains(s)) {
            errors.add(value(s, member) + "Member must satisfy enum value set: " + values);
        }
        return s;
    }

    Integer integer(String member, int min, int max) throws ApiException {
        JsonNode v = request.get(member);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw serialization(member, "integer", v);
        }
        int i = v.asInt();
        if (i < min) {
            errors.add("Value '" + i + "' at '" + camel(member) + "' failed to satisfy constraint: Member must have value greater than or equal to " + min);
        } else if (i > max) {
            errors.add("Value '" + i + "' at '" + camel(member) + "' failed to satisfy constraint: Member must have value less than or equal to " + max);
        }
        return i;
    }

    /** A request timestamp (epoch seconds, possibly fractional) in epoch milliseconds. */
    Long timestamp(String member) throws ApiException {
        JsonNode v = request.get(member);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw serialization(member, "timestamp", v);
        }
        return v.decimalValue().movePointRight(3).setScale(0, RoundingMode.FLOOR).longValueExact();
    }

    void throwIfInvalid() throws ApiException {
        if (!errors.isEmpty()) {
            String head = errors.size() == 1 ? "1 validation error detected: " : errors.size() + " validation errors detected: ";
            throw ApiException.validation(head + String.join("; ", errors));
        }
    }

    private static String value(String s, String member) {
        return "Value '" + s + "' at '" + camel(member) + "' failed to satisfy constraint: ";
    }

    private static String camel(String member) {
        return Character.toLowerCase(member.charAt(0)) + member.substring(1);
    }

    private static ApiException serialization(String member, String type, JsonNode v) {
        return new ApiException(400, "SerializationException",
                "Unexpected value for '" + member + "': expected " + type + ", got " + v.getNodeType(), Outcome.VALIDATION);
    }
}
