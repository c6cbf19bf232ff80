package dev.benchlake.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One benchmark step of a job, as a timeline of versions. Each version is a partial
 * {@code InferenceRecommendationsJobStep} document (wire JSON) deep-merged over the previous ones
 * (see {@link Json#merge}). The step does not exist before its first version. Immutable.
 *
 * <p>Versions are kept serialized (a few hundred bytes each) and identical patches may share one
 * array, so scenarios of tens of thousands of steps stay small.
 */
public final class ScenarioStep {
    static final String DEFAULT_STATUS = "PENDING";
    static final String DEFAULT_STEP_TYPE = "BENCHMARK";

    private final long[] at;
    private final byte[][] patches;
    private final PatchField[] status;
    private final PatchField[] stepType;

    private ScenarioStep(long[] at, byte[][] patches, PatchField[] status, PatchField[] stepType) {
        this.at = at;
        this.patches = patches;
        this.status = status;
        this.stepType = stepType;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A step that exists from scenario time 0 with the given document. */
    public static ScenarioStep of(String stepJson) {
        return builder().at(0, stepJson).build();
    }

    /** Index of the version in effect at scenario time {@code t} (ms), or -1 if the step does not exist yet. */
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

    boolean existsAt(long t) {
        return at.length > 0 && at[0] <= t;
    }

    String statusAt(long t) {
        return fieldAt(status, versionAt(t), DEFAULT_STATUS);
    }

    String stepTypeAt(long t) {
        return fieldAt(stepType, versionAt(t), DEFAULT_STEP_TYPE);
    }

    private static String fieldAt(PatchField[] fields, int v, String dflt) {
        if (v < 0) {
            return null;
        }
        String value = null;
        for (int i = 0; i <= v; i++) {
            value = fields[i].apply(value);
        }
        return value == null ? dflt : value;
    }

    /** The merged document in effect at {@code t}, or null. A fresh object the caller may modify. */
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

    long[] versionTimes() {
        return at;
    }

    /** Scenario time (ms) of the first version. */
    public long firstAtMillis() {
        return at[0];
    }

    public int versionCount() {
        return at.length;
    }

    /** A copy with one more version. */
    public ScenarioStep withVersion(Duration when, String patchJson) {
        return toBuilder().version(when, patchJson).build();
    }

    Builder toBuilder() {
        Builder b = new Builder();
        for (int i = 0; i < at.length; i++) {
            b.versions.add(new Version(at[i], patches[i], status[i], stepType[i]));
        }
        return b;
    }

    /** What a patch does to one field: keeps it, sets it, or removes it. */
    record PatchField(boolean touched, String value) {
        static final PatchField KEEP = new PatchField(false, null);

        static PatchField of(JsonNode patch, String field) {
            if (!patch.has(field)) {
                return KEEP;
            }
            JsonNode v = patch.get(field);
            return new PatchField(true, v.isNull() ? null : v.asText().intern());
        }

        static PatchField set(String value) {
            return new PatchField(true, value == null ? null : value.intern());
        }

        String apply(String previous) {
            return touched ? value : previous;
        }
    }

    private record Version(long at, byte[] patch, PatchField status, PatchField stepType) {
    }

    /** Builds a step; versions may be added in any order (they are sorted by time, stably). */
    public static final class Builder {
        private final List<Version> versions = new ArrayList<>();

        /** A version at {@code atSeconds} of scenario time. */
        public Builder at(double atSeconds, String patchJson) {
            return version(millis(atSeconds), Json.parseObject(patchJson));
        }

        public Builder at(double atSeconds, JsonNode patch) {
            return version(millis(atSeconds), patch);
        }

        public Builder version(Duration when, String patchJson) {
            return version(when.toMillis(), Json.parseObject(patchJson));
        }

        public Builder version(Duration when, JsonNode patch) {
            return version(when.toMillis(), patch);
        }

        Builder version(long atMillis, JsonNode patch) {
            if (!patch.isObject()) {
                throw new IllegalArgumentException("a step version is a JSON object: " + patch);
            }
            return raw(atMillis, Json.bytes(patch), PatchField.of(patch, "Status"), PatchField.of(patch, "StepType"));
        }

        /** For fixtures: a pre-serialized patch (may be shared between steps) and what it sets. */
        Builder raw(long atMillis, byte[] patch, PatchField status, PatchField stepType) {
            if (atMillis < 0) {
                throw new IllegalArgumentException("a version's time cannot be negative: " + atMillis + " ms");
            }
            versions.add(new Version(atMillis, patch, status, stepType));
            return this;
        }

        public ScenarioStep build() {
            if (versions.isEmpty()) {
                throw new IllegalArgumentException("a step needs at least one version");
            }
            List<Version> sorted = new ArrayList<>(versions);
            sorted.sort(Comparator.comparingLong(Version::at));
            int n = sorted.size();
            long[] at = new long[n];
            byte[][] patches = new byte[n][];
            PatchField[] status = new PatchField[n];
            PatchField[] stepType = new PatchField[n];
            for (int i = 0; i < n; i++) {
                Version v = sorted.get(i);
                at[i] = v.at();
                patches[i] = v.patch();
                status[i] = v.status();
                stepType[i] = v.stepType();
            }
            return new ScenarioStep(at, patches, status, stepType);
        }

        private static long millis(double seconds) {
            return Math.round(seconds * 1000.0);
        }
    }

    @Override
    public String toString() {
        return "ScenarioStep[versions at " + Arrays.toString(at) + " ms]";
    }
}
