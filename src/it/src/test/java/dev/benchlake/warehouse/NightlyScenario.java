package dev.benchlake.warehouse;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.benchlake.emulator.Scenario;
import dev.benchlake.emulator.ScenarioJob;
import dev.benchlake.emulator.ScenarioStep;

/**
 * Thirty nightly Inference Recommender jobs for two models across four instance types, with a 30 % latency
 * regression injected from day 25 on for one (model, instance type) and a few failed benchmarks.
 *
 * <pre>
 * job            nightly-&lt;model&gt;-dNN, created at 02:00 UTC on 2026-01-NN (NN = 1..30), COMPLETED an hour later
 * models         resnet50 (JobType Default), bert-base (JobType Advanced)
 * steps          one per instance type, all COMPLETED except the failures below
 * metrics        latency = base + jitter (-1, 0 or +1 ms); from day 25 on, resnet50 on ml.g4dn.xlarge is
 *                round(base * 1.3) + jitter; max invocations = base + 10 * jitter; cost per hour fixed per type;
 *                cost per inference = cost per hour / (60 * base max invocations), 4 significant digits
 * failures       bert-base on ml.inf1.xlarge on days 7, 14, 21, 28; resnet50 on ml.m5.xlarge on day 12
 * </pre>
 *
 * Price/performance (cost per 1M inferences): resnet50 is cheapest on ml.inf1.xlarge (1.031 USD) at 48 ms;
 * bert-base is cheapest on ml.inf1.xlarge (3.3 USD) at 70 ms, and with a 50 ms latency bound on ml.g4dn.xlarge
 * (5.111 USD) at 45 ms.
 */
final class NightlyScenario {
    static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    static final int DAYS = 30;
    static final int REGRESSION_DAY = 25;
    static final double REGRESSION_FACTOR = 1.3;
    static final String REGRESSED_MODEL = "resnet50";
    static final String REGRESSED_TYPE = "ml.g4dn.xlarge";
    static final String ENVIRONMENT = "{\"OMP_NUM_THREADS\":\"4\"}";
    static final String FAILURE_REASON = "Benchmark failed: the endpoint did not become healthy in time.";

    static final List<String> MODELS = List.of("resnet50", "bert-base");
    static final List<String> TYPES = List.of("ml.c5.xlarge", "ml.m5.xlarge", "ml.g4dn.xlarge", "ml.inf1.xlarge");
    static final Map<String, String> JOB_TYPE = Map.of("resnet50", "Default", "bert-base", "Advanced");
    static final Map<String, Double> COST_PER_HOUR = Map.of(
            "ml.c5.xlarge", 0.204, "ml.m5.xlarge", 0.23, "ml.g4dn.xlarge", 0.736, "ml.inf1.xlarge", 0.297);
    /** Baseline latency (ms) per model and instance type, in the order of {@link #TYPES}. */
    static final Map<String, int[]> BASE_LATENCY = Map.of(
            "resnet50", new int[] {85, 95, 40, 48},
            "bert-base", new int[] {180, 210, 45, 70});
    /** Baseline max invocations per minute. */
    static final Map<String, int[]> BASE_INVOCATIONS = Map.of(
            "resnet50", new int[] {1200, 1000, 6000, 4800},
            "bert-base", new int[] {300, 250, 2400, 1500});

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one benchmark step of the scenario is, as the API reports it. */
    record Run(String model, String jobType, String instanceType, int day, String jobName, String status,
               Integer latencyMs, Integer maxInvocations, Double costPerHour, Double costPerInference,
               Double cpu, Double memory, Instant jobCreated, Instant start, Instant end, String endpointName) {
        boolean completed() {
            return "COMPLETED".equals(status);
        }

        LocalDate runDate() {
            return jobCreated.atOffset(ZoneOffset.UTC).toLocalDate();
        }
    }

    private NightlyScenario() {
    }

    static String jobName(String model, int day) {
        return String.format("nightly-%s-d%02d", model, day);
    }

    static List<String> jobNames() {
        List<String> names = new ArrayList<>();
        for (String model : MODELS) {
            for (int day = 1; day <= DAYS; day++) {
                names.add(jobName(model, day));
            }
        }
        return names;
    }

    static long jobCreatedSeconds(int day) {
        return (day - 1) * 86_400L + 7_200L;
    }

    /** Seconds of scenario time at which every job is complete. */
    static long allDoneSeconds() {
        return jobCreatedSeconds(DAYS) + 86_400L;
    }

    static int jitter(int day, int type, int model) {
        return (day * 7 + type * 3 + model * 5) % 3 - 1;
    }

    static boolean fails(String model, String type, int day) {
        return (model.equals("bert-base") && type.equals("ml.inf1.xlarge") && day % 7 == 0)
                || (model.equals("resnet50") && type.equals("ml.m5.xlarge") && day == 12);
    }

    static double costPerInference(String model, String type) {
        int t = TYPES.indexOf(type);
        return new BigDecimal(Double.toString(COST_PER_HOUR.get(type)))
                .divide(BigDecimal.valueOf(60L * BASE_INVOCATIONS.get(model)[t]), new MathContext(4)).doubleValue();
    }

    /** Every step of the scenario, in job order then instance-type order. */
    static List<Run> runs() {
        List<Run> runs = new ArrayList<>();
        for (int m = 0; m < MODELS.size(); m++) {
            String model = MODELS.get(m);
            for (int day = 1; day <= DAYS; day++) {
                long created = jobCreatedSeconds(day);
                for (int t = 0; t < TYPES.size(); t++) {
                    String type = TYPES.get(t);
                    Instant start = EPOCH.plusSeconds(created + 60L * (t + 1));
                    Instant end = start.plusSeconds(600);
                    String endpoint = "sm-epc-" + model + "-d" + day + "-" + t;
                    if (fails(model, type, day)) {
                        runs.add(new Run(model, JOB_TYPE.get(model), type, day, jobName(model, day), "FAILED", null,
                                null, null, null, null, null, EPOCH.plusSeconds(created), start, end, endpoint));
                        continue;
                    }
                    int j = jitter(day, t, m);
                    int base = BASE_LATENCY.get(model)[t];
                    boolean regressed = model.equals(REGRESSED_MODEL) && type.equals(REGRESSED_TYPE) && day >= REGRESSION_DAY;
                    int latency = (regressed ? (int) Math.round(base * REGRESSION_FACTOR) : base) + j;
                    int invocations = BASE_INVOCATIONS.get(model)[t] + 10 * j;
                    double cpu = 40.0 + 5 * t + 0.25 * (day % 4);
                    double memory = 20.0 + 2.5 * t;
                    runs.add(new Run(model, JOB_TYPE.get(model), type, day, jobName(model, day), "COMPLETED", latency,
                            invocations, COST_PER_HOUR.get(type), costPerInference(model, type), cpu, memory,
                            EPOCH.plusSeconds(created), start, end, endpoint));
                }
            }
        }
        return runs;
    }

    static Scenario scenario() {
        Scenario.Builder scenario = Scenario.builder().epoch(EPOCH);
        List<Run> all = runs();
        for (String model : MODELS) {
            for (int day = 1; day <= DAYS; day++) {
                long created = jobCreatedSeconds(day);
                ObjectNode job = JSON.createObjectNode();
                job.put("JobType", JOB_TYPE.get(model));
                job.put("Status", "COMPLETED");
                job.put("JobDescription", "Nightly benchmark of " + model);
                job.put("ModelName", model);
                job.putObject("InputConfig").put("ModelName", model);
                job.put("CompletionTime", "T+" + (created + 3_600));
                ScenarioJob.Builder jb = ScenarioJob.builder(jobName(model, day)).at(created, job.toString());
                for (Run run : all) {
                    if (run.model().equals(model) && run.day() == day) {
                        jb.step(ScenarioStep.builder().at(created, stepDocument(run)).build());
                    }
                }
                scenario.job(jb.build());
            }
        }
        return scenario.build();
    }

    private static String stepDocument(Run run) {
        ObjectNode step = JSON.createObjectNode();
        step.put("StepType", "BENCHMARK");
        step.put("Status", run.status());
        ObjectNode b = step.putObject("InferenceBenchmark");
        ObjectNode ec = b.putObject("EndpointConfiguration");
        ec.put("EndpointName", run.endpointName());
        ec.put("VariantName", "AllTraffic");
        ec.put("InstanceType", run.instanceType());
        ec.put("InitialInstanceCount", 1);
        b.putObject("ModelConfiguration").putArray("EnvironmentParameters").addObject()
                .put("Key", "OMP_NUM_THREADS").put("ValueType", "string").put("Value", "4");
        b.put("InvocationStartTime", "T+" + (run.start().getEpochSecond() - EPOCH.getEpochSecond()));
        b.put("InvocationEndTime", "T+" + (run.end().getEpochSecond() - EPOCH.getEpochSecond()));
        if (run.completed()) {
            ObjectNode metrics = b.putObject("Metrics");
            metrics.put("CostPerHour", BigDecimal.valueOf(run.costPerHour()));
            metrics.put("CostPerInference", new BigDecimal(Double.toString(run.costPerInference())));
            metrics.put("MaxInvocations", run.maxInvocations());
            metrics.put("ModelLatency", run.latencyMs());
            metrics.put("CpuUtilization", BigDecimal.valueOf(run.cpu()));
            metrics.put("MemoryUtilization", BigDecimal.valueOf(run.memory()));
        } else {
            b.put("FailureReason", FAILURE_REASON);
        }
        return step.toString();
    }
}
