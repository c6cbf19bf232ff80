package dev.benchlake.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.RandomAccess;

/**
 * {@code count} COMPLETED benchmark steps of one job, with metrics, generated on demand instead of stored: a job
 * of 30,000 steps costs a few hundred bytes. Step {@code i} runs on {@code instanceTypes[i % n]}, exists from
 * {@code at + i * every}, has endpoint {@code sm-epc-<job>-<i>} and environment parameters
 * {@code OMP_NUM_THREADS = 1 + (i / n) % 32}, {@code MAX_BATCH_SIZE = 1 + i / (32 n)}, so no two steps have the
 * same inputs. Metrics come from {@link Fixtures#metricsFor} (per instance type).
 */
public final class GeneratedSteps {
    private final int count;
    private List<String> instanceTypes = Fixtures.INSTANCE_TYPES;
    private long atMillis;
    private long everyMillis;

    private GeneratedSteps(int count) {
        if (count < 0) {
            throw new IllegalArgumentException("count cannot be negative: " + count);
        }
        this.count = count;
    }

    public static GeneratedSteps count(int count) {
        return new GeneratedSteps(count);
    }

    /** Cycled over the steps; {@link Fixtures#SERVERLESS} for a serverless step. Default {@link Fixtures#INSTANCE_TYPES}. */
    public GeneratedSteps instanceTypes(List<String> types) {
        if (types.isEmpty()) {
            throw new IllegalArgumentException("at least one instance type");
        }
        this.instanceTypes = List.copyOf(types);
        return this;
    }

    public GeneratedSteps instanceTypes(String... types) {
        return instanceTypes(List.of(types));
    }

    /** Scenario time from which the first step exists (default 0). */
    public GeneratedSteps at(Duration at) {
        this.atMillis = at.toMillis();
        return this;
    }

    /** Delay between the appearance of consecutive steps (default 0: all at once). */
    public GeneratedSteps every(Duration every) {
        this.everyMillis = every.toMillis();
        return this;
    }

    /** {@code {"count": N, "instanceTypes": [...], "at": s, "every": s}} of a scenario file. */
    static GeneratedSteps fromJson(JsonNode node, String where) {
        if (!node.path("count").canConvertToInt()) {
            throw new IllegalArgumentException(where + ": generatedSteps needs an integer count");
        }
        GeneratedSteps g = count(node.get("count").asInt());
        if (node.has("instanceTypes")) {
            List<String> types = new ArrayList<>();
            node.get("instanceTypes").forEach(t -> types.add(t.asText()));
            g.instanceTypes(types);
        }
        if (node.hasNonNull("at")) {
            g.atMillis = Json.secondsToMillis(node.get("at"), where + " generatedSteps at");
        }
        if (node.hasNonNull("every")) {
            g.everyMillis = Json.secondsToMillis(node.get("every"), where + " generatedSteps every");
        }
        return g;
    }

    /** The steps of job {@code jobName}: an immutable list that builds each step when asked for it. */
    Steps forJob(String jobName) {
        if (atMillis < 0 || everyMillis < 0) {
            throw new IllegalArgumentException("generated steps cannot start or recur at a negative time");
        }
        List<byte[]> templates = new ArrayList<>();
        for (String type : instanceTypes) {
            templates.add(template(type));
        }
        return new Steps(jobName, count, instanceTypes.size(), templates, atMillis, everyMillis);
    }

    /** What all steps on one instance type share, serialized once. */
    private static byte[] template(String type) {
        ObjectNode d = Json.object();
        d.put("StepType", ScenarioStep.DEFAULT_STEP_TYPE);
        d.put("Status", "COMPLETED");
        ObjectNode b = d.putObject("InferenceBenchmark");
        ObjectNode ec = b.putObject("EndpointConfiguration");
        ec.put("VariantName", "AllTraffic");
        ObjectNode metrics = Fixtures.metricsFor(type);
        if (Fixtures.SERVERLESS.equals(type)) {
            ec.putObject("ServerlessConfig").put("MemorySizeInMB", 2048).put("MaxConcurrency", 5);
        } else {
            ec.put("InstanceType", type);
            ec.put("InitialInstanceCount", 1);
            b.putObject("EndpointMetrics").put("MaxInvocations", metrics.get("MaxInvocations").asInt())
                    .put("ModelLatency", metrics.get("ModelLatency").asInt());
        }
        b.set("Metrics", metrics);
        return Json.bytes(d);
    }

    /** The generated steps of one job. */
    static final class Steps extends AbstractList<ScenarioStep> implements RandomAccess {
        private static final ScenarioStep.PatchField COMPLETED = ScenarioStep.PatchField.set("COMPLETED");
        private static final ScenarioStep.PatchField BENCHMARK = ScenarioStep.PatchField.set(ScenarioStep.DEFAULT_STEP_TYPE);
        private static final long RUN_MILLIS = 600_000;

        private final String jobName;
        private final int count;
        private final int types;
        private final List<byte[]> templates;
        private final long atMillis;
        private final long everyMillis;

        private Steps(String jobName, int count, int types, List<byte[]> templates, long atMillis, long everyMillis) {
            this.jobName = jobName;
            this.count = count;
            this.types = types;
            this.templates = templates;
            this.atMillis = atMillis;
            this.everyMillis = everyMillis;
        }

        @Override
        public int size() {
            return count;
        }

        @Override
        public ScenarioStep get(int i) {
            if (i < 0 || i >= count) {
                throw new IndexOutOfBoundsException(i);
            }
            long appear = appearMillis(i);
            return ScenarioStep.builder()
                    .raw(appear, templates.get(i % types), COMPLETED, BENCHMARK)
                    .raw(appear, own(i, appear), ScenarioStep.PatchField.KEEP, ScenarioStep.PatchField.KEEP)
                    .build();
        }

        private long appearMillis(int i) {
            return atMillis + i * everyMillis;
        }

        /** The part that makes step i its own: endpoint name, environment, invocation times (it ran the 10 minutes before). */
        private byte[] own(int i, long appear) {
            int perType = i / types;
            String json = "{\"InferenceBenchmark\":{\"EndpointConfiguration\":{\"EndpointName\":\"sm-epc-" + jobName + "-" + i + "\"},"
                    + "\"ModelConfiguration\":{\"EnvironmentParameters\":["
                    + "{\"Key\":\"OMP_NUM_THREADS\",\"ValueType\":\"string\",\"Value\":\"" + (1 + perType % 32) + "\"},"
                    + "{\"Key\":\"MAX_BATCH_SIZE\",\"ValueType\":\"string\",\"Value\":\"" + (1 + perType / 32) + "\"}]},"
                    + "\"InvocationStartTime\":\"" + relative(appear - RUN_MILLIS) + "\","
                    + "\"InvocationEndTime\":\"" + relative(appear) + "\"}}";
            return json.getBytes(StandardCharsets.UTF_8);
        }

        private static String relative(long millis) {
            String s = BigDecimal.valueOf(Math.abs(millis), 3).stripTrailingZeros().toPlainString();
            return (millis < 0 ? "T-" : "T+") + s;
        }

        /** Every scenario time at which a step appears, ascending. */
        long[] versionTimes() {
            if (count == 0) {
                return new long[0];
            }
            long[] t = new long[everyMillis == 0 ? 1 : count];
            for (int i = 0; i < t.length; i++) {
                t[i] = appearMillis(i);
            }
            return t;
        }
    }
}
