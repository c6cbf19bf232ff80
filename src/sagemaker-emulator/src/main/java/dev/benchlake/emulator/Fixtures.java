package dev.benchlake.emulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Generated scenarios: N jobs of M benchmark steps across instance types, with realistic timelines.
 * Memory stays modest (a few hundred bytes per step) because identical patches are shared between
 * steps and jobs; only the endpoint name and invocation times are per step.
 *
 * <pre>{@code
 * Scenario s = Scenario.builder()
 *     .jobs(Fixtures.benchmarkJobs("bench", 10_000, 8).createdEvery(Duration.ofSeconds(30)).build())
 *     .build();
 * }</pre>
 *
 * <p>Job {@code i} (0-based) is named {@code <prefix>-<i, 5 digits>}, is created IN_PROGRESS at
 * {@code i * createdEvery}; its step {@code k} appears IN_PROGRESS at {@code created + k * stepStagger}
 * on instance type {@code instanceTypes[k % n]} and turns COMPLETED (with metrics) or FAILED (every
 * {@code failEvery}-th step overall) {@code stepDuration} later; the job turns COMPLETED when its last
 * step ends. With all durations zero everything is finished at creation.
 */
public final class Fixtures {
    /** The default instance types, cycled over a job's steps. */
    public static final List<String> INSTANCE_TYPES = List.of(
            "ml.c5.xlarge", "ml.m5.large", "ml.g4dn.xlarge", "ml.inf1.xlarge",
            "ml.c6i.2xlarge", "ml.r5.large", "ml.g5.xlarge", "ml.c7g.large");
    /** Use in {@link BenchmarkJobs#instanceTypes} for a serverless step (ServerlessConfig, no InstanceType). */
    public static final String SERVERLESS = "serverless";

    private static final ScenarioStep.PatchField IN_PROGRESS = ScenarioStep.PatchField.set("IN_PROGRESS");
    private static final ScenarioStep.PatchField COMPLETED = ScenarioStep.PatchField.set("COMPLETED");
    private static final ScenarioStep.PatchField FAILED = ScenarioStep.PatchField.set("FAILED");
    private static final ScenarioStep.PatchField BENCHMARK = ScenarioStep.PatchField.set("BENCHMARK");

    private Fixtures() {
    }

    public static BenchmarkJobs benchmarkJobs(String prefix, int jobs, int stepsPerJob) {
        return new BenchmarkJobs(prefix, jobs, stepsPerJob);
    }

    /**
     * A COMPLETED job (from scenario time 0, model {@code resnet50}) with {@code steps} generated COMPLETED steps with
     * metrics, each with its own inputs (see {@link GeneratedSteps}); stored in a few hundred bytes whatever the count.
     */
    public static ScenarioJob hugeJob(String name, int steps) {
        return hugeJob(name, GeneratedSteps.count(steps));
    }

    public static ScenarioJob hugeJob(String name, GeneratedSteps steps) {
        return ScenarioJob.builder(name)
                .at(0, "{\"JobType\":\"Default\",\"Status\":\"COMPLETED\",\"ModelName\":\"resnet50\","
                        + "\"JobDescription\":\"Generated benchmark of resnet50\",\"InputConfig\":{\"ModelName\":\"resnet50\"}}")
                .generatedSteps(steps)
                .build();
    }

    /** A benchmark that failed at scenario time 0 before its endpoint existed; see the overload. */
    public static ScenarioStep failedBeforeEndpoint(String failureReason) {
        return failedBeforeEndpoint(Duration.ZERO, Duration.ZERO, failureReason, null);
    }

    /**
     * A benchmark that failed before its endpoint existed (e.g. the model could not be compiled or the instance
     * type had no capacity): {@code InferenceBenchmark} holds only {@code ModelConfiguration} and, once FAILED,
     * {@code FailureReason}: no EndpointConfiguration, no Metrics, no invocation times. It is IN_PROGRESS from
     * {@code startedAt} and FAILED from {@code failedAt} (equal: FAILED from the start).
     *
     * @param modelConfigurationJson members of {@code ModelConfiguration} ({@code EnvironmentParameters},
     *                               {@code InferenceSpecificationName}, {@code CompilationJobName}), or null for {@code {}}
     */
    public static ScenarioStep failedBeforeEndpoint(Duration startedAt, Duration failedAt, String failureReason,
                                                    String modelConfigurationJson) {
        if (failedAt.compareTo(startedAt) < 0) {
            throw new IllegalArgumentException("a step fails after it starts: " + startedAt + " > " + failedAt);
        }
        ObjectNode model = modelConfigurationJson == null ? Json.object() : Json.parseObject(modelConfigurationJson);
        ObjectNode started = Json.object();
        started.put("StepType", "BENCHMARK");
        started.put("Status", "IN_PROGRESS");
        started.putObject("InferenceBenchmark").set("ModelConfiguration", model);
        ObjectNode failed = Json.object();
        failed.put("Status", "FAILED");
        failed.putObject("InferenceBenchmark").put("FailureReason", Objects.requireNonNull(failureReason, "failureReason"));
        return ScenarioStep.builder().version(startedAt, started).version(failedAt, failed).build();
    }

    /** The metrics a generated COMPLETED step on {@code instanceType} reports (deterministic). */
    public static ObjectNode metricsFor(String instanceType) {
        Random r = new Random(instanceType.hashCode());
        ObjectNode m = Json.object();
        boolean serverless = SERVERLESS.equals(instanceType);
        m.put("CostPerHour", serverless ? BigDecimal.ZERO : BigDecimal.valueOf(50 + r.nextInt(4000), 3));
        m.put("CostPerInference", BigDecimal.valueOf(1 + r.nextInt(9999), 8));
        m.put("MaxInvocations", 100 + r.nextInt(50_000));
        m.put("ModelLatency", 1 + r.nextInt(250));
        if (serverless) {
            m.put("CpuUtilization", "NaN");
            m.put("MemoryUtilization", "NaN");
            m.put("ModelSetupTime", 500 + r.nextInt(3000));
        } else {
            m.put("CpuUtilization", BigDecimal.valueOf(r.nextInt(10_000), 2));
            m.put("MemoryUtilization", BigDecimal.valueOf(r.nextInt(10_000), 2));
        }
        return m;
    }

    /** Options for generated benchmark jobs. */
    public static final class BenchmarkJobs {
        private final String prefix;
        private final int jobs;
        private final int stepsPerJob;
        private List<String> instanceTypes = INSTANCE_TYPES;
        private Duration createdEvery = Duration.ZERO;
        private Duration stepStagger = Duration.ZERO;
        private Duration stepDuration = Duration.ZERO;
        private Duration start = Duration.ZERO;
        private int failEvery = 0;
        private String modelName = "resnet50";

        private BenchmarkJobs(String prefix, int jobs, int stepsPerJob) {
            this.prefix = Objects.requireNonNull(prefix);
            if (jobs < 0 || stepsPerJob < 0) {
                throw new IllegalArgumentException("counts cannot be negative");
            }
            this.jobs = jobs;
            this.stepsPerJob = stepsPerJob;
        }

        public BenchmarkJobs instanceTypes(String... types) {
            this.instanceTypes = List.of(types);
            return this;
        }

        /** Scenario time of the first job's creation. */
        public BenchmarkJobs startAt(Duration at) {
            this.start = at;
            return this;
        }

        public BenchmarkJobs createdEvery(Duration every) {
            this.createdEvery = every;
            return this;
        }

        /** Delay between the appearance of a job's consecutive steps. */
        public BenchmarkJobs stepStagger(Duration stagger) {
            this.stepStagger = stagger;
            return this;
        }

        /** How long a step stays IN_PROGRESS. */
        public BenchmarkJobs stepDuration(Duration duration) {
            this.stepDuration = duration;
            return this;
        }

        /** Every n-th step (counting all steps of all jobs from 1) fails; 0: none. */
        public BenchmarkJobs failEvery(int n) {
            this.failEvery = n;
            return this;
        }

        public BenchmarkJobs modelName(String name) {
            this.modelName = name;
            return this;
        }

        /** Scenario time (ms) at which job {@code i} completes. */
        public long jobCompletedAtMillis(int i) {
            return start.toMillis() + i * createdEvery.toMillis()
                    + Math.max(0, stepsPerJob - 1) * stepStagger.toMillis() + stepDuration.toMillis();
        }

        public String jobName(int i) {
            return String.format("%s-%05d", prefix, i);
        }

        public List<ScenarioJob> build() {
            // shared, serialized once
            ObjectNode jobDoc = Json.object();
            jobDoc.put("JobType", "Default");
            jobDoc.put("Status", "IN_PROGRESS");
            jobDoc.put("JobDescription", "Generated benchmark of " + modelName);
            jobDoc.put("ModelName", modelName);
            ObjectNode input = jobDoc.putObject("InputConfig");
            input.put("ModelName", modelName);
            ArrayNode configs = input.putArray("EndpointConfigurations");
            for (String type : instanceTypes.subList(0, Math.min(10, instanceTypes.size()))) {
                ObjectNode c = configs.addObject();
                if (SERVERLESS.equals(type)) {
                    c.putObject("ServerlessConfig").put("MemorySizeInMB", 2048).put("MaxConcurrency", 5);
                } else {
                    c.put("InstanceType", type);
                }
            }
            byte[] jobStart = Json.bytes(jobDoc);
            byte[] jobDone = Json.bytes(Json.parseObject("{\"Status\":\"COMPLETED\"}"));
            Map<String, byte[]> startTemplates = new HashMap<>();
            Map<String, byte[]> doneTemplates = new HashMap<>();
            byte[] failTemplate = Json.bytes(Json.parseObject("{\"Status\":\"FAILED\",\"InferenceBenchmark\":"
                    + "{\"FailureReason\":\"Benchmark failed: the endpoint did not become healthy in time.\"}}"));
            for (String type : instanceTypes) {
                startTemplates.computeIfAbsent(type, Fixtures::stepStartTemplate);
                doneTemplates.computeIfAbsent(type, t -> {
                    ObjectNode d = Json.object();
                    d.put("Status", "COMPLETED");
                    ObjectNode b = d.putObject("InferenceBenchmark");
                    ObjectNode metrics = metricsFor(t);
                    b.set("Metrics", metrics);
                    if (!SERVERLESS.equals(t)) {
                        b.putObject("EndpointMetrics").put("MaxInvocations", metrics.get("MaxInvocations").asInt())
                                .put("ModelLatency", metrics.get("ModelLatency").asInt());
                    }
                    return Json.bytes(d);
                });
            }

            List<ScenarioJob> out = new ArrayList<>(jobs);
            long stepCounter = 0;
            for (int i = 0; i < jobs; i++) {
                String name = jobName(i);
                long created = start.toMillis() + i * createdEvery.toMillis();
                ScenarioJob.Builder jb = ScenarioJob.builder(name).raw(created, jobStart).raw(jobCompletedAtMillis(i), jobDone);
                for (int k = 0; k < stepsPerJob; k++) {
                    String type = instanceTypes.get(k % instanceTypes.size());
                    long appear = created + k * stepStagger.toMillis();
                    long end = appear + stepDuration.toMillis();
                    boolean fail = failEvery > 0 && ++stepCounter % failEvery == 0;
                    String own = "{\"InferenceBenchmark\":{\"EndpointConfiguration\":{\"EndpointName\":\"sm-epc-"
                            + name + "-" + k + "\"},\"InvocationStartTime\":\"T+" + seconds(appear) + "\"}}";
                    String ended = "{\"InferenceBenchmark\":{\"InvocationEndTime\":\"T+" + seconds(end) + "\"}}";
                    ScenarioStep step = ScenarioStep.builder()
                            .raw(appear, startTemplates.get(type), IN_PROGRESS, BENCHMARK)
                            .raw(appear, own.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                    ScenarioStep.PatchField.KEEP, ScenarioStep.PatchField.KEEP)
                            .raw(end, fail ? failTemplate : doneTemplates.get(type), fail ? FAILED : COMPLETED,
                                    ScenarioStep.PatchField.KEEP)
                            .raw(end, ended.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                    ScenarioStep.PatchField.KEEP, ScenarioStep.PatchField.KEEP)
                            .build();
                    jb.step(step);
                }
                out.add(jb.build());
            }
            return out;
        }

        private static String seconds(long millis) {
            return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
        }
    }

    private static byte[] stepStartTemplate(String type) {
        ObjectNode d = Json.object();
        d.put("StepType", "BENCHMARK");
        d.put("Status", "IN_PROGRESS");
        ObjectNode b = d.putObject("InferenceBenchmark");
        ObjectNode ec = b.putObject("EndpointConfiguration");
        ec.put("VariantName", "AllTraffic");
        if (SERVERLESS.equals(type)) {
            ec.putObject("ServerlessConfig").put("MemorySizeInMB", 2048).put("MaxConcurrency", 5);
        } else {
            ec.put("InstanceType", type);
            ec.put("InitialInstanceCount", 1);
        }
        ObjectNode mc = b.putObject("ModelConfiguration");
        mc.putArray("EnvironmentParameters").addObject()
                .put("Key", "OMP_NUM_THREADS").put("ValueType", "string").put("Value", "2");
        return Json.bytes(d);
    }
}
