package dev.benchlake.sagemaker;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.atomic.AtomicReference;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Keeps the HTTP {@code Date} header of SageMaker's answers (RFC 1123, to the second), the latest one seen: AWS's own
 * clock, against which a job's CompletionTime is compared. Every HTTP response counts, error answers too. Thread-safe:
 * the SDK calls it from whichever thread made the call.
 */
final class ServerDates implements ExecutionInterceptor {

    private final AtomicReference<Instant> latest = new AtomicReference<>();

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes executionAttributes) {
        context.httpResponse().firstMatchingHeader("Date").ifPresent(this::seen);
    }

    void seen(String header) {
        Instant date;
        try {
            date = ZonedDateTime.parse(header.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            // not a date a server should send: AWS's clock stays what the other answers said
            return;
        }
        latest.accumulateAndGet(date, (a, b) -> a == null || b.isAfter(a) ? b : a);
    }

    /** The latest Date seen; null before the first answer. */
    Instant latest() {
        return latest.get();
    }
}
