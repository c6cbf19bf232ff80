package dev.benchlake.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What is odd about one job in a real account, immutable (the {@code with}-style methods return copies):
 * IAM denials scoped to the job's ARN, windows in which reads of it answer ResourceNotFound (eventual
 * consistency) while it keeps being listed, and extra latency for requests naming it.
 */
public final class JobFaults {
    /** Nothing odd. */
    public static final JobFaults NONE = new JobFaults(List.of(), List.of(), 0);

    /** The operations an IAM policy can scope to a job ARN; ListInferenceRecommendationsJobs is not one. */
    static final Set<String> RESOURCE_SCOPED = Set.of(InferenceRecommenderApi.DESCRIBE, InferenceRecommenderApi.LIST_STEPS);

    /** Operations denied on this job during a window of scenario time. */
    public record Denial(Set<String> operations, TimeWindow window) {
        public Denial {
            operations = Set.copyOf(operations);
            for (String op : operations) {
                if (!RESOURCE_SCOPED.contains(op)) {
                    throw new IllegalArgumentException("only " + RESOURCE_SCOPED + " can be denied per job (IAM scopes them to the job ARN): " + op);
                }
            }
        }
    }

    private final List<Denial> denials;
    private final List<TimeWindow> notFound;
    private final long latencyMs;

    private JobFaults(List<Denial> denials, List<TimeWindow> notFound, long latencyMs) {
        this.denials = List.copyOf(denials);
        this.notFound = List.copyOf(notFound);
        this.latencyMs = latencyMs;
    }

    /** Reads {@code denied}, {@code notFound} and {@code latencyMs} of a job object in a scenario file. */
    static JobFaults fromJson(JsonNode job, String where) {
        JobFaults f = NONE;
        JsonNode denied = job.get("denied");
        if (denied != null && !denied.isNull()) {
            for (JsonNode d : denied.isArray() ? denied : List.of(denied)) {
                Set<String> ops = new LinkedHashSet<>();
                d.path("operations").forEach(n -> ops.add(n.asText()));
                f = f.deny(ops.isEmpty() ? RESOURCE_SCOPED : ops, TimeWindow.fromJson(d.get("from"), d.get("until"), where + " denied"));
            }
        }
        for (TimeWindow w : TimeWindow.listFromJson(job.get("notFound"), where + " notFound")) {
            f = f.notFound(w);
        }
        if (job.hasNonNull("latencyMs")) {
            f = f.latencyMs(job.get("latencyMs").asLong());
        }
        return f;
    }

    /** Also denies {@code operations} on this job during {@code window}. */
    public JobFaults deny(Collection<String> operations, TimeWindow window) {
        List<Denial> d = new ArrayList<>(denials);
        d.add(new Denial(Set.copyOf(operations), window));
        return new JobFaults(d, notFound, latencyMs);
    }

    /** Also answers ResourceNotFound for this job during {@code window}. */
    public JobFaults notFound(TimeWindow window) {
        List<TimeWindow> n = new ArrayList<>(notFound);
        n.add(window);
        return new JobFaults(denials, n, latencyMs);
    }

    /** Real delay added to every request naming this job. */
    public JobFaults latencyMs(long ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("latencyMs cannot be negative: " + ms);
        }
        return new JobFaults(denials, notFound, ms);
    }

    public List<Denial> denials() {
        return denials;
    }

    public List<TimeWindow> notFoundWindows() {
        return notFound;
    }

    public long latencyMs() {
        return latencyMs;
    }

    boolean deniedAt(String operation, long t) {
        for (Denial d : denials) {
            if (d.operations().contains(operation) && d.window().contains(t)) {
                return true;
            }
        }
        return false;
    }

    boolean notFoundAt(long t) {
        return TimeWindow.anyContains(notFound, t);
    }

    @Override
    public String toString() {
        return "JobFaults[denials=" + denials + ", notFound=" + notFound + ", latencyMs=" + latencyMs + "]";
    }
}
