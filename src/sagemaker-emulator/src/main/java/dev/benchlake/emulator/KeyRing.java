package dev.benchlake.emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The keys the emulator knows, as AWS's STS and IAM would: the scenario's keys (generation 0, accepted for the
 * emulator's life) and the temporary keys its credentials endpoint has issued. When the scenario's keys are session
 * keys (they carry a token), every fetch of {@code /credentials} issues a new generation (access key id ending
 * {@code R0001}, {@code R0002}, ...; secret and token suffixed {@code /rotated/n}) valid for
 * {@link Faults#credentialsTtlSeconds()} of wall-clock time, as the ECS agent rotates role credentials; a request
 * signed with an issued generation after its expiration is refused with AWS's {@code ExpiredTokenException}, and an
 * access key the ring never issued with {@code UnrecognizedClientException}. Long-term keys (no token) are served as
 * they are and do not expire.
 */
final class KeyRing {
    /** A generation of keys and when it stops being accepted (null: never). */
    record Issued(Scenario.Credentials keys, Instant expiration) {
    }

    private final Scenario.Credentials base;
    private final Clock wallClock;
    private final AtomicInteger generations = new AtomicInteger();
    private final Map<String, Issued> byAccessKey = new ConcurrentHashMap<>();

    KeyRing(Scenario.Credentials base, Clock wallClock) {
        this.base = base;
        this.wallClock = wallClock;
        byAccessKey.put(base.accessKeyId(), new Issued(base, null));
    }

    /**
     * Issues the next generation, valid for {@code ttl} from now; its expiration is rounded up to the second, as
     * the document's {@code Expiration} is written to the second.
     */
    Issued issue(Duration ttl) {
        Instant expiration = wallClock.instant().plus(ttl);
        Instant rounded = expiration.truncatedTo(ChronoUnit.SECONDS);
        Instant until = rounded.equals(expiration) ? rounded : rounded.plusSeconds(1);
        if (base.token() == null) {
            return new Issued(base, until); // long-term keys: served as they are, never refused for age
        }
        int n = generations.incrementAndGet();
        String id = base.accessKeyId();
        String suffix = String.format("R%04d", n % 10_000);
        String accessKeyId = id.length() > suffix.length() ? id.substring(0, id.length() - suffix.length()) + suffix : id + suffix;
        Scenario.Credentials keys = new Scenario.Credentials(accessKeyId, base.secretAccessKey() + "/rotated/" + n,
                base.token() + "/rotated/" + n);
        Issued issued = new Issued(keys, until);
        byAccessKey.put(accessKeyId, issued);
        return issued;
    }

    /** The keys a request's access key id names, null when the ring does not know it. */
    Issued find(String accessKeyId) {
        return byAccessKey.get(accessKeyId);
    }

    /**
     * The keys to check a request's signature with: its access key and token must name a generation the ring issued
     * (or the scenario's own keys, whose token is checked when they have one), not yet expired.
     */
    Scenario.Credentials accept(String accessKeyId, String token) throws ApiException {
        Issued issued = byAccessKey.get(accessKeyId);
        if (issued == null || (issued.keys().token() != null && !issued.keys().token().equals(token))) {
            throw new ApiException(400, "UnrecognizedClientException", "The security token included in the request is invalid.",
                    Outcome.ACCESS_DENIED);
        }
        if (issued.expiration() != null && !wallClock.instant().isBefore(issued.expiration())) {
            throw new ApiException(400, "ExpiredTokenException", "The security token included in the request is expired",
                    Outcome.ACCESS_DENIED);
        }
        return issued.keys();
    }

    /** How many generations the credentials endpoint has issued. */
    int issued() {
        return generations.get();
    }
}
