package dev.benchlake.emulator;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;


/**
 * The quickstart's demo data: four weeks of nightly Inference Recommender jobs for two models on four instance types,
 * with a 30 % latency regression of {@value #REGRESSED_MODEL} on {@value #REGRESSED_TYPE} from day
 * {@value #REGRESSION_DAY} on, and a few failed benchmarks.
 *
 * <pre>
 * jobs      nightly-&lt;model&gt;-dNN (NN = 01..28), created 02:00 UTC on 2026-03-NN, COMPLETED an hour later
 * models    resnet50 (JobType Default), bert-base (JobType Advanced)
 * steps     one BENCHMARK per instance type (ml.c5.xlarge, ml.m5.xlarge, ml.g4dn.xlarge, ml.inf1.xlarge)
 * metrics   latency = base + jitter (-1, 0, +1 ms), regressed series round(base * 1.3) + jitter;
 *           max invocations = base + 10 * jitter; cost per inference = cost per hour / (60 * base invocations)
 * failures  bert-base on ml.inf1.xlarge on days 7, 14, 21, 28; resnet50 on ml.m5.xlarge on day 12
 * </pre>
 *
 * The quickstart's in-process emulator and the emulator container of {@code docker-compose.yml} ({@link EmulatorServer})
 * serve the same document; {@link #json()} writes it in the emulator's scenario format, for {@code SageMakerEmulator}'s
 * own main.
 */
public final class DemoScenario {
    public static final Instant EPOCH = Instant.parse("2026-03-01T00:00:00Z");
    public static final int DAYS = 28;
    public static final int REGRESSION_DAY = 22;
    public static final double REGRESSION_FACTOR = 1.3;
    public static final String REGRESSED_MODEL = "resnet50";
    public static final String REGRESSED_TYPE = "ml.g4dn.xlarge";
    public static final String JOB_PREFIX = "nightly-";
    public static final List<String> MODELS = List.of("resnet50", "bert-base");
    public static final List<String> TYPES = List.of("ml.c5.xlarge", "ml.m5.xlarge", "ml.g4dn.xlarge", "ml.inf1.xlarge");
    public static final int JOBS = MODELS.size() * DAYS;
    public static final int STEPS = JOBS * TYPES.size();
    static final String FAILURE_REASON = "Benchmark failed: the endpoint did not become healthy in time.";

    private static final Map<String, String> JOB_TYPE = Map.of("resnet50", "Default", "bert-base", "Advanced");
    private static final Map<String, Double> COST_PER_HOUR = Map.of(
            "ml.c5.xlarge", 0.204, "ml.m5.xlarge", 0.23, "ml.g4dn.xlarge", 0.736, "ml.inf1.xlarge", 0.297);
    private static final Map<String, int[]> BASE_LATENCY = Map.of(
            "resnet50", new int[] {85, 95, 40, 48},
            "bert-base", new int[] {180, 210, 45, 70});
    private static final Map<String, int[]> BASE_INVOCATIONS = Map.of(
            "resnet50", new int[] {1200, 1000, 6000, 4800},
            "bert-base", new int[] {300, 250, 2400, 1500});

    private static final ObjectMapper JSON = new ObjectMapper();

    private DemoScenario() {
    }

    public static String jobName(String model, int day) {
        return String.format("%s%s-d%02d", JOB_PREFIX, model, day);
    }

    static long jobCreatedSeconds(int day) {
        return (day - 1) * 86_400L + 7_200L;
    }

    /** Scenario seconds at which every job and step is complete: where the emulator's clock stands. */
    public static long allDoneSeconds() {
        return jobCreatedSeconds(DAYS) + 86_400L;
    }

    static boolean fails(String model, String type, int day) {
        return (model.equals("bert-base") && type.equals("ml.inf1.xlarge") && day % 7 == 0)
                || (model.equals("resnet50") && type.equals("ml.m5.xlarge") && day == 12);
    }

    /** Number of FAILED steps in the scenario. */
    static int failedSteps() {
        int n = 0;
        for (String model : MODELS) {
            for (String type : TYPES) {
                for (int day = 1; day <= DAYS; day++) {
                    n += fails(model, type, day) ? 1 : 0;
                }
            }
        }
        return n;
    }

    static int jitter(int day, int type, int model) {
        return (day * 7 + type * 3 + model * 5) % 3 - 1;
    }

    /** Latency (ms) of a completed step. */
    static int latencyMs(String model, String type, int day) {
        int m = MODELS.indexOf(model);
        int t = TYPES.indexOf(type);
        int base = BASE_LATENCY.get(model)[t];
        boolean regressed = model.equals(REGRESSED_MODEL) && type.equals(REGRESSED_TYPE) && day >= REGRESSION_DAY;
        return (regressed ? (int) Math.round(base * REGRESSION_FACTOR) : base) + jitter(day, t, m);
    }

    static double costPerInference(String model, String type) {
        int t = TYPES.indexOf(type);
        return new BigDecimal(Double.toString(COST_PER_HOUR.get(type)))
                .divide(BigDecimal.valueOf(60L * BASE_INVOCATIONS.get(model)[t]), new MathContext(4)).doubleValue();
    }

    /** The scenario as the emulator's JSON document (src/test/resources/scenarios/README.md). */
    public static ObjectNode document() {
        ObjectNode root = JSON.createObjectNode();
        root.put("region", "us-east-1");
        root.put("accountId", "123456789012");
        root.put("epoch", EPOCH.toString());
        root.put("requireSigV4", true);
        ArrayNode jobs = root.putArray("jobs");
        for (int m = 0; m < MODELS.size(); m++) {
            String model = MODELS.get(m);
            for (int day = 1; day <= DAYS; day++) {
                long created = jobCreatedSeconds(day);
                ObjectNode job = jobs.addObject();
                job.put("name", jobName(model, day));
                ObjectNode doc = job.putArray("versions").addObject().put("at", created).putObject("job");
                doc.put("JobType", JOB_TYPE.get(model));
                doc.put("Status", "COMPLETED");
                doc.put("JobDescription", "Nightly benchmark of " + model);
                doc.put("ModelName", model);
                doc.putObject("InputConfig").put("ModelName", model);
                doc.put("CompletionTime", "T+" + (created + 3_600));
                ArrayNode steps = job.putArray("steps");
                for (int t = 0; t < TYPES.size(); t++) {
                    ObjectNode version = steps.addObject().putArray("versions").addObject();
                    version.put("at", created);
                    version.set("step", step(model, m, TYPES.get(t), t, day, created));
                }
            }
        }
        return root;
    }

    private static ObjectNode step(String model, int m, String type, int t, int day, long created) {
        ObjectNode step = JSON.createObjectNode();
        boolean failed = fails(model, type, day);
        step.put("StepType", "BENCHMARK");
        step.put("Status", failed ? "FAILED" : "COMPLETED");
        ObjectNode b = step.putObject("InferenceBenchmark");
        ObjectNode ec = b.putObject("EndpointConfiguration");
        ec.put("EndpointName", "sm-epc-" + model + "-d" + day + "-" + t);
        ec.put("VariantName", "AllTraffic");
        ec.put("InstanceType", type);
        ec.put("InitialInstanceCount", 1);
        b.putObject("ModelConfiguration").putArray("EnvironmentParameters").addObject()
                .put("Key", "OMP_NUM_THREADS").put("ValueType", "string").put("Value", "4");
        long start = created + 60L * (t + 1);
        b.put("InvocationStartTime", "T+" + start);
        b.put("InvocationEndTime", "T+" + (start + 600));
        if (failed) {
            b.put("FailureReason", FAILURE_REASON);
            return step;
        }
        int j = jitter(day, t, m);
        ObjectNode metrics = b.putObject("Metrics");
        metrics.put("CostPerHour", BigDecimal.valueOf(COST_PER_HOUR.get(type)));
        metrics.put("CostPerInference", new BigDecimal(Double.toString(costPerInference(model, type))));
        metrics.put("MaxInvocations", BASE_INVOCATIONS.get(model)[t] + 10 * j);
        metrics.put("ModelLatency", latencyMs(model, type, day));
        metrics.put("CpuUtilization", BigDecimal.valueOf(40.0 + 5 * t + 0.25 * (day % 4)));
        metrics.put("MemoryUtilization", BigDecimal.valueOf(20.0 + 2.5 * t));
        return step;
    }

    /** The document as pretty-printed JSON (src/test/resources/scenarios/README.md). */
    public static String json() {
        try {
            return JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document()) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Scenario scenario() {
        return Scenario.fromJsonString(json());
    }
}
