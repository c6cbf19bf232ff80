package dev.benchlake.emulator;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;

/**
 * JSON helpers. Numbers are kept as written (floats are read as {@link BigDecimal} and written plain),
 * so {@code 0.000123} in a scenario reaches the SDK as {@code 0.000123}, not as a re-rounded double.
 */
final class Json {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    /** Members that carry a timestamp, wherever they appear in a job or step document. */
    static final Set<String> TIMESTAMP_FIELDS = Set.of(
            "CreationTime", "CompletionTime", "LastModifiedTime", "InvocationStartTime", "InvocationEndTime");

    private Json() {
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static ObjectNode parseObject(String json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("expected a JSON object: " + json);
            }
            return (ObjectNode) n;
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
    }

    static ObjectNode parseObject(byte[] json) {
        try {
            return (ObjectNode) MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deep merge: members of {@code patch} override those of {@code target}; when both are objects they
     * are merged recursively; arrays and scalars replace; an explicit JSON {@code null} removes the member.
     * {@code target} is modified; {@code patch} is not (its values are copied).
     */
    static void merge(ObjectNode target, JsonNode patch) {
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            JsonNode value = e.getValue();
            JsonNode existing = target.get(e.getKey());
            if (value.isNull()) {
                target.remove(e.getKey());
            } else if (value.isObject() && existing != null && existing.isObject()) {
                merge((ObjectNode) existing, value);
            } else {
                target.set(e.getKey(), value.deepCopy());
            }
        }
    }

    /** Scenario time ("at") in seconds, possibly fractional, to milliseconds. */
    static long secondsToMillis(JsonNode seconds, String where) {
        if (seconds == null || !seconds.isNumber()) {
            throw new IllegalArgumentException(where + ": expected a number of seconds, got " + seconds);
        }
        return seconds.decimalValue().movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact();
    }

    /**
     * A timestamp as written in a scenario: a number is absolute epoch seconds (as on the wire), a
     * string {@code "T+<seconds>"} or {@code "T-<seconds>"} is relative to the scenario epoch, any other string is ISO-8601.
     */
    static long timestampMillis(JsonNode value, long epochMillis, String where) {
        if (value.isNumber()) {
            return value.decimalValue().movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact();
        }
        if (value.isTextual()) {
            String s = value.asText().trim();
            if (s.length() > 2 && (s.charAt(0) == 'T' || s.charAt(0) == 't') && (s.charAt(1) == '+' || s.charAt(1) == '-')) {
                try {
                    return epochMillis + new BigDecimal(s.substring(1)).movePointRight(3).setScale(0, RoundingMode.HALF_UP).longValueExact();
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + ": not a relative timestamp: " + s, e);
                }
            }
            try {
                return Instant.parse(s).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(where + ": not a timestamp: " + s, e);
            }
        }
        throw new IllegalArgumentException(where + ": not a timestamp: " + value);
    }

    /** A wire timestamp: epoch seconds with millisecond fraction, e.g. {@code 1767225600.123}. */
    static DecimalNode wireTimestamp(long epochMillis) {
        return new DecimalNode(BigDecimal.valueOf(epochMillis, 3));
    }

    /** Rewrites, in place, every timestamp member of {@code node} (recursively) into wire form. */
    static void normalizeTimestamps(JsonNode node, long epochMillis) {
        if (node.isObject()) {
            ObjectNode obj = (ObjectNode) node;
            for (Map.Entry<String, JsonNode> e : obj.properties()) {
                if (TIMESTAMP_FIELDS.contains(e.getKey()) && (e.getValue().isNumber() || e.getValue().isTextual())) {
                    e.setValue(wireTimestamp(timestampMillis(e.getValue(), epochMillis, e.getKey())));
                } else {
                    normalizeTimestamps(e.getValue(), epochMillis);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> normalizeTimestamps(n, epochMillis));
        }
    }

    /** Text of a member, or null. */
    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
