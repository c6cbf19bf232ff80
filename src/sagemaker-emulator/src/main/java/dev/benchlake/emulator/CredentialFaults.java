package dev.benchlake.emulator;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Knobs for the credentials side of a run, in wall-clock time (the SDK's credential caches run on the wall clock, not
 * on scenario time): SageMaker answering {@code ExpiredTokenException} for a while, and the emulator's STS
 * ({@link StsEndpoint}) refusing {@code AssumeRole} / {@code AssumeRoleWithWebIdentity} with {@code AccessDenied}.
 * Thread-safe.
 */
public final class CredentialFaults {
    private final AtomicLong expiredUntilNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicBoolean expiredWindowSet = new AtomicBoolean();
    private final AtomicBoolean stsDenies = new AtomicBoolean();
    private final AtomicLong expiredAnswers = new AtomicLong();
    private final AtomicLong stsCalls = new AtomicLong();
    private final AtomicLong stsDenied = new AtomicLong();

    /** Every SageMaker request answers HTTP 400 {@code ExpiredTokenException} for {@code duration} from now. */
    public CredentialFaults expireTokensFor(Duration duration) {
        expiredUntilNanos.set(System.nanoTime() + duration.toNanos());
        expiredWindowSet.set(true);
        return this;
    }

    /** Whether requests answer {@code ExpiredTokenException} now. */
    public boolean tokensExpiredNow() {
        return expiredWindowSet.get() && System.nanoTime() - expiredUntilNanos.get() < 0;
    }

    /** STS refuses every AssumeRole / AssumeRoleWithWebIdentity with {@code AccessDenied} ({@code true}) or grants it. */
    public CredentialFaults denyAssumeRole(boolean deny) {
        stsDenies.set(deny);
        return this;
    }

    public boolean assumeRoleDenied() {
        return stsDenies.get();
    }

    /** SageMaker requests answered {@code ExpiredTokenException} so far. */
    public long expiredAnswers() {
        return expiredAnswers.get();
    }

    /** STS requests received so far. */
    public long stsCalls() {
        return stsCalls.get();
    }

    /** STS requests answered {@code AccessDenied} so far. */
    public long stsDenied() {
        return stsDenied.get();
    }

    void recordExpired() {
        expiredAnswers.incrementAndGet();
    }

    void recordSts(boolean denied) {
        stsCalls.incrementAndGet();
        if (denied) {
            stsDenied.incrementAndGet();
        }
    }

    /** The answer SageMaker gives to a request signed with expired credentials. */
    static ApiException expiredToken() {
        return new ApiException(400, "ExpiredTokenException", "The security token included in the request is expired",
                Outcome.EXPIRED_TOKEN);
    }
}
