package dev.benchlake.avro;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** What a registry's HTTP status means: try again later, or fix the request (and how). */
final class RegistryStatus {
    /** The longest Retry-After honoured; a longer one is read as this. */
    static final long MAX_RETRY_AFTER_MS = Duration.ofMinutes(10).toMillis();

    private RegistryStatus() {
    }

    /** 408 (request timeout), 429 (too many requests) and 5xx: the same request may succeed later. */
    static boolean retriable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /**
     * A {@code Retry-After} header (RFC 9110: delay in seconds, or an HTTP date) in milliseconds from {@code nowMillis};
     * -1 when absent or unreadable, 0 for a date already past, at most {@link #MAX_RETRY_AFTER_MS}.
     */
    static long retryAfterMs(String header, long nowMillis) {
        if (header == null || header.isBlank()) {
            return -1;
        }
        String v = header.trim();
        long ms;
        if (v.chars().allMatch(Character::isDigit)) {
            try {
                ms = Math.multiplyExact(Long.parseLong(v), 1000L);
            } catch (ArithmeticException | NumberFormatException e) {
                ms = MAX_RETRY_AFTER_MS;
            }
        } else {
            try {
                ms = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli() - nowMillis;
            } catch (DateTimeParseException e) {
                return -1;
            }
        }
        return Math.max(0, Math.min(ms, MAX_RETRY_AFTER_MS));
    }

    /** What to fix, for an answer that means the request is wrong; empty for the others. */
    static String remedy(int status, int errorCode) {
        return switch (status) {
            case 400 -> ". The registry calls the request malformed: check the subject name strategy and the schema";
            case 401 -> ". The registry did not accept the credentials: check " + AvroConverterConfig.BASIC_AUTH_USER_INFO
                    + " (or the user info of " + AvroConverterConfig.SCHEMA_REGISTRY_URL + ") or the bearer.auth.* settings";
            case 403 -> ". The credentials are valid but may not do this: grant them read and write on the subject "
                    + "in the registry's access control";
            case 404 -> errorCode == SchemaRegistryException.SUBJECT_NOT_FOUND
                    ? ". The subject does not exist: register the schema first, or set "
                            + AvroConverterConfig.AUTO_REGISTER_SCHEMAS + "=true"
                    : errorCode > 0 ? ""
                    : ". Not found: check " + AvroConverterConfig.SCHEMA_REGISTRY_URL + " (its path) and the subject";
            case 409 -> ". The schema is incompatible with the subject's versions: give new fields defaults, or write "
                    + "to a new subject";
            case 422 -> ". The registry refuses the schema as invalid (or an invalid compatibility level): fix the "
                    + "schema, or " + AvroConverterConfig.COMPATIBILITY_LEVEL;
            default -> "";
        };
    }
}
