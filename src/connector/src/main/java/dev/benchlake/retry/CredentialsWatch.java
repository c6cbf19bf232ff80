package dev.benchlake.retry;

import java.time.Duration;

import org.apache.kafka.connect.errors.ConnectException;

import dev.benchlake.api.ApiException;

/**
 * Tells a blip of the credential provider (an instance metadata or container credentials endpoint restarting, for
 * seconds; credentials that expired before the provider renewed them; its STS call failing) from credentials that are
 * gone: such failures back off like transient faults, until they have lasted longer than the configured time without
 * one call succeeding in between; then the task fails, with the remedy of the last failure.
 */
public final class CredentialsWatch {
    private final long timeoutMs;
    /** When loading first failed, on the caller's clock; NONE while credentials load. */
    private static final long NONE = Long.MIN_VALUE;
    private long failingSinceMs = NONE;

    public CredentialsWatch(Duration timeout) {
        this.timeoutMs = timeout.toMillis();
    }

    /** A call could not load credentials at {@code nowMs}; throws once that has lasted past the timeout. */
    public synchronized void failed(long nowMs, ApiException e) {
        if (failingSinceMs == NONE) {
            failingSinceMs = nowMs;
        }
        if (nowMs - failingSinceMs >= timeoutMs) {
            throw new ConnectException("Benchlake could not load AWS credentials for " + (nowMs - failingSinceMs)
                    + " ms (errors.credentials.failure.timeout.ms=" + timeoutMs + "): " + e.getMessage(), e);
        }
    }

    /** A call succeeded: credentials load again. */
    public synchronized void succeeded() {
        failingSinceMs = NONE;
    }

    /** Whether credentials are failing to load now. */
    public synchronized boolean failing() {
        return failingSinceMs != NONE;
    }
}
