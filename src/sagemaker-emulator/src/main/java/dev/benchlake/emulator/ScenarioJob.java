package dev.benchlake.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * One Inference Recommender job: a timeline of job-document versions, its steps, and an optional
 * deletion time. Each version is a partial job document (wire JSON of
 * {@code DescribeInferenceRecommendationsJob}'s response, plus the list-only members
 * {@code ModelName}, {@code ModelPackageVersionArn}, {@code SamplePayloadUrl}) deep-merged over the
 * previous ones. Immutable: the {@code with...} methods return changed copies.
 *
 * <p>Its steps are the explicit ones, in order, then the {@link GeneratedSteps} if any (built on demand).
 * {@link JobFaults} hold what is odd about the job (per-job IAM denial, not-found windows, latency).
 */
public final class ScenarioJob {
    static final String DEFAULT_STATUS = "PENDING";

    private final String name;
    private final long[] at;
    private final byte[][] patches;
    private final Summary[] summaries;
    private final List<ScenarioStep> explicitSteps;
    private final GeneratedSteps.Steps generated;
    private final List<ScenarioStep> steps;
    private final Long deletedAtMillis;
    private final JobFaults faults;
    private final long[] changeTimes;

    /** What listing needs of each version, precomputed so listings never parse documents. */
    record Summary(String status, long statusSince, String modelName, String modelPackageVersionArn,
                   JsonNode creationTime, JsonNode lastModifiedTime, JsonNode completionTime) {
    }

    private ScenarioJob(String name, long[] at, byte[][] patches, Summary[] summaries, List<ScenarioStep> explicitSteps,
                        GeneratedSteps.Steps generated, Long deletedAtMillis, JobFaults faults) {
        this.name = name;
        this.at = at;
        this.patches = patches;
        this.summaries = summaries;
        this.explicitSteps = explicitSteps;
        this.generated = generated;
        this.steps = generated == null ? explicitSteps : concat(explicitSteps, generated);
        this.deletedAtMillis = deletedAtMillis;
        this.faults = faults;
        List<long[]> times = new ArrayList<>();
        times.add(at);
        explicitSteps.forEach(s -> times.add(s.versionTimes()));
        if (generated != null) {
            times.add(generated.versionTimes());
        }
        long[] all = new long[times.stream().mapToInt(t -> t.length).sum()];
        int n = 0;
        for (long[] t : times) {
            System.arraycopy(t, 0, all, n, t.length);
            n += t.length;
        }
        Arrays.sort(all);
        this.changeTimes = all;
    }

    /** A read-only view: explicit steps, then generated ones (not materialized). */
    private static List<ScenarioStep> concat(List<ScenarioStep> first, List<ScenarioStep> second) {
        return new ConcatList(first, second);
    }

    private static final class ConcatList extends AbstractList<ScenarioStep> implements RandomAccess {
        private final List<ScenarioStep> first;
        private final List<ScenarioStep> second;

        ConcatList(List<ScenarioStep> first, List<ScenarioStep> second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public ScenarioStep get(int i) {
            return i < first.size() ? first.get(i) : second.get(i - first.size());
        }

        @Override
        public int size() {
            return first.size() + second.size();
        }
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    public List<ScenarioStep> steps() {
        return steps;
    }

    /** Per-job IAM denials, not-found windows and latency. */
    public JobFaults faults() {
        return faults;
    }

    /** Scenario time (ms) of the deletion, or null. */
    public Long deletedAtMillis() {
        return deletedAtMillis;
    }

    /** Scenario time (ms) of the first version: the job's creation. */
    public long createdAtMillis() {
        return at[0];
    }

    int versionAt(long t) {
        int lo = 0;
        int hi = at.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (at[mid] <= t) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** Created and not deleted at scenario time {@code t} (ms). */
    boolean existsAt(long t) {
        return at[0] <= t && (deletedAtMillis == null || t < deletedAtMillis);
    }

    Summary summaryAt(long t) {
        int v = versionAt(t);
        return v < 0 ? null : summaries[v];
    }

    /** Latest scenario time (ms) <= t at which the job or any of its steps changed. */
    long lastChangeAt(long t) {
        int lo = 0;
        int hi = changeTimes.length - 1;
        long found = at[0];
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (changeTimes[mid] <= t) {
                found = changeTimes[mid];
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /** The merged job document in effect at {@code t}, or null. A fresh object. */
    ObjectNode resolve(long t) {
        int v = versionAt(t);
        if (v < 0) {
            return null;
        }
        ObjectNode doc = Json.object();
        for (int i = 0; i <= v; i++) {
            Json.merge(doc, Json.parseObject(patches[i]));
        }
        return doc;
    }

    // ---- changed copies ----

    public ScenarioJob withDeletedAt(Long atMillis) {
        return new ScenarioJob(name, at, patches, summaries, explicitSteps, generated, atMillis, faults);
    }

    /** A copy with other per-job faults, e.g. {@code job.withFaults(job.faults().notFound(window))}. */
    public ScenarioJob withFaults(JobFaults jobFaults) {
        return new ScenarioJob(name, at, patches, summaries, explicitSteps, generated, deletedAtMillis, Objects.requireNonNull(jobFaults));
    }

    public ScenarioJob withVersion(Duration when, String patchJson) {
        return toBuilder().version(when, patchJson).build();
    }

    public ScenarioJob withVersion(Duration when, JsonNode patch) {
        return toBuilder().version(when, patch).build();
    }

    /** A copy with one more step, last (a job with generated steps gets them materialized). */
    public ScenarioJob withStep(ScenarioStep step) {
        List<ScenarioStep> s = new ArrayList<>(steps);
        s.add(step);
        return new ScenarioJob(name, at, patches, summaries, List.copyOf(s), null, deletedAtMillis, faults);
    }

    public ScenarioJob withStepVersion(int stepIndex, Duration when, String patchJson) {
        List<ScenarioStep> s = new ArrayList<>(steps);
        s.set(stepIndex, s.get(stepIndex).withVersion(when, patchJson));
        return new ScenarioJob(name, at, patches, summaries, List.copyOf(s), null, deletedAtMillis, faults);
    }

    private Builder toBuilder() {
        Builder b = new Builder(name);
        for (int i = 0; i < at.length; i++) {
            b.versions.add(new Version(at[i], patches[i]));
        }
        b.steps.addAll(explicitSteps);
        b.generatedSteps = generated;
        b.deletedAtMillis = deletedAtMillis;
        b.faults = faults;
        return b;
    }

    private record Version(long at, byte[] patch) {
    }

    /** Builds a job; versions may be added in any order (sorted by time, stably). */
    public static final class Builder {
        private final String name;
        private final List<Version> versions = new ArrayList<>();
        private final List<ScenarioStep> steps = new ArrayList<>();
        private GeneratedSteps.Steps generatedSteps;
        private Long deletedAtMillis;
        private JobFaults faults = JobFaults.NONE;

        private Builder(String name) {
            this.name = Validation.checkJobName(name);
        }

        /** A version at {@code atSeconds} of scenario time. */
        public Builder at(double atSeconds, String patchJson) {
            return version(Math.round(atSeconds * 1000.0), Json.parseObject(patchJson));
        }

        public Builder version(Duration when, String patchJson) {
            return version(when.toMillis(), Json.parseObject(patchJson));
        }

        public Builder version(Duration when, JsonNode patch) {
            return version(when.toMillis(), patch);
        }

        Builder version(long atMillis, JsonNode patch) {
            if (!patch.isObject()) {
                throw new IllegalArgumentException("a job version is a JSON object: " + patch);
            }
            return raw(atMillis, Json.bytes(patch));
        }

        Builder raw(long atMillis, byte[] patch) {
            if (atMillis < 0) {
                throw new IllegalArgumentException("a version's time cannot be negative: " + atMillis + " ms");
            }
            versions.add(new Version(atMillis, patch));
            return this;
        }

        public Builder step(ScenarioStep step) {
            steps.add(Objects.requireNonNull(step));
            return this;
        }

        public Builder steps(List<ScenarioStep> all) {
            all.forEach(this::step);
            return this;
        }

        /** Generated COMPLETED steps after the explicit ones (see {@link GeneratedSteps}); replaces earlier ones. */
        public Builder generatedSteps(GeneratedSteps spec) {
            this.generatedSteps = spec == null ? null : spec.forJob(name);
            return this;
        }

        /** Denies {@code operations} (Describe and/or ListSteps) on this job, always. */
        public Builder denied(String... operations) {
            return denied(TimeWindow.ALWAYS, operations);
        }

        /** Denies {@code operations} (Describe and/or ListSteps) on this job during {@code window} of scenario time. */
        public Builder denied(TimeWindow window, String... operations) {
            this.faults = faults.deny(operations.length == 0 ? JobFaults.RESOURCE_SCOPED : List.of(operations), window);
            return this;
        }

        /** Describe and ListSteps of this job answer ResourceNotFound during {@code window} (the job is still listed). */
        public Builder notFound(TimeWindow window) {
            this.faults = faults.notFound(window);
            return this;
        }

        /** Real delay added to every request naming this job. */
        public Builder latencyMs(long ms) {
            this.faults = faults.latencyMs(ms);
            return this;
        }

        public Builder faults(JobFaults jobFaults) {
            this.faults = Objects.requireNonNull(jobFaults);
            return this;
        }

        public Builder deletedAt(Duration when) {
            this.deletedAtMillis = when == null ? null : when.toMillis();
            return this;
        }

        Builder deletedAtMillis(Long millis) {
            this.deletedAtMillis = millis;
            return this;
        }

        public ScenarioJob build() {
            if (versions.isEmpty()) {
                throw new IllegalArgumentException("job " + name + " needs at least one version");
            }
            List<Version> sorted = new ArrayList<>(versions);
            sorted.sort(Comparator.comparingLong(Version::at));
            int n = sorted.size();
            long[] at = new long[n];
            byte[][] patches = new byte[n][];
            Summary[] summaries = new Summary[n];
            ObjectNode doc = Json.object();
            String previousStatus = null;
            long statusSince = sorted.get(0).at();
            for (int i = 0; i < n; i++) {
                Version v = sorted.get(i);
                at[i] = v.at();
                patches[i] = v.patch();
                Json.merge(doc, Json.parseObject(v.patch()));
                String status = Json.text(doc, "Status");
                status = status == null ? DEFAULT_STATUS : status.intern();
                if (!status.equals(previousStatus)) {
                    statusSince = v.at();
                    previousStatus = status;
                }
                JsonNode input = doc.path("InputConfig");
                String modelName = firstNonNull(Json.text(doc, "ModelName"), Json.text(input, "ModelName"));
                String arn = firstNonNull(Json.text(doc, "ModelPackageVersionArn"), Json.text(input, "ModelPackageVersionArn"));
                summaries[i] = new Summary(status, statusSince, modelName, arn,
                        doc.get("CreationTime"), doc.get("LastModifiedTime"), doc.get("CompletionTime"));
            }
            return new ScenarioJob(name, at, patches, summaries, List.copyOf(steps), generatedSteps, deletedAtMillis, faults);
        }

        private static String firstNonNull(String a, String b) {
            return a != null ? a : b;
        }
    }

    @Override
    public String toString() {
        return "ScenarioJob[" + name + ", " + at.length + " versions, " + steps.size() + " steps"
                + (deletedAtMillis == null ? "" : ", deleted at " + deletedAtMillis + " ms")
                + (faults == JobFaults.NONE ? "" : ", " + faults) + "]";
    }
}
