package dev.benchlake.warehouse;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.benchlake.emulator.Scenario;
import dev.benchlake.emulator.ScenarioJob;
import dev.benchlake.emulator.ScenarioStep;

/**
 * Fourteen nights of ordinary benchmarks, landed from three SageMaker "sites" that share every job name, built to
 * catch each way a trend answer can compare unlike things. Everything an answer depends on is an input here; the
 * answers themselves are computed from these inputs by {@link TrendOracle}, never from the SQL.
 *
 * <pre>
 * sites      account 111111111111 in us-east-1 and in eu-west-1, account 222222222222 in us-east-1: one emulator and
 *            one connector each, the same job names, the same generated endpoint names (so the same step ids: the
 *            worst case for keys), each its own prices and latencies (+0, +3, +6 ms)
 * nights     1..14, jobs &lt;family&gt;-dNN created at 02:00 UTC on 2026-02-NN, COMPLETED an hour later
 * churn-dNN  xgboost-churn, Default: serverless 2048 MB with MaxConcurrency 5, the same with MaxConcurrency 10 (the
 *            only difference), and ml.c5.xlarge. In 111111111111/us-east-1 the MaxConcurrency 10 variant is 40 %
 *            slower from night 12 on.
 * bert-dNN   bert-base, Default: ml.g4dn.xlarge with inference specification bert-fp32 and the same with bert-fp16
 *            (the only difference), ml.c5.xlarge plain and compiled (a Neo compilation job of its own each night).
 *            In 222222222222 the fp16 variant is 30 % slower from night 13 on. Night 3 has a benchmark that failed
 *            before its endpoint existed (no endpoint name: its step id is the same in every site).
 * bert-adv-dNN  bert-base, Advanced, JobDurationInSeconds 7200, a traffic pattern that is light on odd nights and
 *            heavy (50 % higher latency) on even ones: ml.g4dn.xlarge over an environment grid OMP_NUM_THREADS 1, 2,
 *            4, and OMP_NUM_THREADS 2 a second time (two grid ranges overlapping: identical inputs, its own endpoint,
 *            started a minute later). On night 14 that second run is 40 % slower in every site.
 * fraud-dNN  model package fraud-detector (the version ARN names it), Default, version ceil(night / 2) up to 6,
 *            version 7 on night 14: ml.g5.xlarge and ml.c5.2xlarge. In account 111111111111 version 7 is 25 % slower
 *            on ml.g5.xlarge; account 222222222222's own fraud-detector package is not.
 * tiny-dNN   tiny-tabular, Default, ml.c5.large: 4 ms with whole-millisecond jitter, 5 ms on the last night.
 * legacy-dNN 333333333333/us-west-2, not from the emulator: step records produced straight to the topic with no job
 *            type (the schema allows it; the API always sends one), legacy-ranker on ml.m5.xlarge, 50 % slower on
 *            night 14.
 * metrics    latency = round(base * effects) + site offset + jitter (-1, 0, +1 ms); max invocations = base + 10 *
 *            jitter; CostPerHour per instance type and region; CostPerInference = CostPerHour / (60 * base max
 *            invocations), 4 significant digits; serverless: CostPerInference per region, no CostPerHour
 * </pre>
 */
final class TrendScenario {
    static final Instant EPOCH = Instant.parse("2026-02-01T00:00:00Z");
    static final int NIGHTS = 14;
    static final String FAILED_BEFORE_ENDPOINT = "Benchmark failed: the model container did not start.";

    /** One account and region: one emulator and one connector. */
    record Site(int index, String account, String region, int latencyOffsetMs) {
        String label() {
            return account + "/" + region;
        }
    }

    static final List<Site> SITES = List.of(
            new Site(0, "111111111111", "us-east-1", 0),
            new Site(1, "111111111111", "eu-west-1", 3),
            new Site(2, "222222222222", "us-east-1", 6));
    /** Rows produced to the topic directly: a series whose job type nobody knows. */
    static final Site LEGACY = new Site(3, "333333333333", "us-west-2", 0);

    /** The load a job applies: Default jobs none of their own; the Advanced job's traffic pattern. */
    enum Load {
        NONE(null, null), LIGHT(1, 1), HEAVY(20, 5);

        final Integer users;
        final Integer spawnRate;

        Load(Integer users, Integer spawnRate) {
            this.users = users;
            this.spawnRate = spawnRate;
        }
    }

    /** A benchmark's inputs besides the model and the load. */
    record Config(String instanceType, Integer instanceCount, Integer memoryMb, Integer maxConcurrency,
                  String inferenceSpecification, boolean compiled, Map<String, String> environment) {
        static Config instance(String type) {
            return new Config(type, 1, null, null, null, false, Map.of());
        }

        static Config serverless(int memoryMb, int maxConcurrency) {
            return new Config(null, null, memoryMb, maxConcurrency, null, false, Map.of());
        }

        Config spec(String name) {
            return new Config(instanceType, instanceCount, memoryMb, maxConcurrency, name, compiled, environment);
        }

        Config compiledWithNeo() {
            return new Config(instanceType, instanceCount, memoryMb, maxConcurrency, inferenceSpecification, true,
                    environment);
        }

        Config env(String key, String value) {
            return new Config(instanceType, instanceCount, memoryMb, maxConcurrency, inferenceSpecification, compiled,
                    Map.of(key, value));
        }

        boolean serverless() {
            return instanceType == null;
        }

        /** As the models name it: the instance type, or serverless-&lt;MB&gt;MB-max&lt;concurrency&gt;. */
        String label() {
            return serverless() ? "serverless-" + memoryMb + "MB-max" + maxConcurrency : instanceType;
        }

        /** The environment as Benchlake writes it: a JSON object, keys sorted; {} when there is none. */
        String environmentJson() {
            StringBuilder json = new StringBuilder("{");
            new TreeMap<>(environment).forEach((k, v) -> json.append(json.length() > 1 ? "," : "")
                    .append('"').append(k).append("\":\"").append(v).append('"'));
            return json.append('}').toString();
        }
    }

    /** One benchmark variant of a job family: its place in the job (cfg), inputs and base metrics. */
    record Variant(int cfg, Config config, int latencyMs, int maxInvocations) {
    }

    /** One benchmark step as the API (or, for the legacy rows, the producer) reports it. */
    record Run(Site site, String family, int night, String jobName, String jobType, String model, Integer version,
               Load load, Variant variant, String status, Integer latencyMs, Integer maxInvocations,
               BigDecimal costPerHour, BigDecimal costPerInference, Instant jobCreated, Instant start, Instant end,
               String endpointName, String compilationJobName) {
        boolean completed() {
            return "COMPLETED".equals(status);
        }

        Config config() {
            return variant.config();
        }

        String packageArn() {
            return version == null ? null
                    : "arn:aws:sagemaker:" + site.region() + ":" + site.account() + ":model-package/" + model + "/" + version;
        }
    }

    static final Map<String, List<Variant>> FAMILIES = families();
    static final Map<String, Map<String, String>> PRICE_PER_HOUR = Map.of(
            "us-east-1", Map.of("ml.c5.large", "0.085", "ml.c5.xlarge", "0.17", "ml.c5.2xlarge", "0.34",
                    "ml.g4dn.xlarge", "0.526", "ml.g5.xlarge", "1.006"),
            "eu-west-1", Map.of("ml.c5.large", "0.096", "ml.c5.xlarge", "0.192", "ml.c5.2xlarge", "0.384",
                    "ml.g4dn.xlarge", "0.587", "ml.g5.xlarge", "1.123"),
            "us-west-2", Map.of("ml.m5.xlarge", "0.23"));
    /** Serverless CostPerInference (2048 MB) per region. */
    static final Map<String, String> SERVERLESS_COST_PER_INFERENCE = Map.of("us-east-1", "0.000004", "eu-west-1", "0.0000045");

    private static final ObjectMapper JSON = new ObjectMapper();

    private TrendScenario() {
    }

    private static Map<String, List<Variant>> families() {
        Map<String, List<Variant>> f = new LinkedHashMap<>();
        f.put("churn", List.of(
                new Variant(0, Config.serverless(2048, 5), 30, 1500),
                new Variant(1, Config.serverless(2048, 10), 28, 2800),
                new Variant(2, Config.instance("ml.c5.xlarge"), 12, 9000)));
        f.put("bert", List.of(
                new Variant(0, Config.instance("ml.g4dn.xlarge").spec("bert-fp32"), 45, 2400),
                new Variant(1, Config.instance("ml.g4dn.xlarge").spec("bert-fp16"), 30, 3600),
                new Variant(2, Config.instance("ml.c5.xlarge"), 180, 300),
                new Variant(3, Config.instance("ml.c5.xlarge").compiledWithNeo(), 110, 600)));
        f.put("bert-adv", List.of(
                new Variant(0, Config.instance("ml.g4dn.xlarge").env("OMP_NUM_THREADS", "1"), 60, 2000),
                new Variant(1, Config.instance("ml.g4dn.xlarge").env("OMP_NUM_THREADS", "2"), 48, 2400),
                new Variant(2, Config.instance("ml.g4dn.xlarge").env("OMP_NUM_THREADS", "4"), 42, 2600),
                new Variant(3, Config.instance("ml.g4dn.xlarge").env("OMP_NUM_THREADS", "2"), 48, 2400)));
        f.put("fraud", List.of(
                new Variant(0, Config.instance("ml.g5.xlarge"), 60, 5000),
                new Variant(1, Config.instance("ml.c5.2xlarge"), 90, 1800)));
        f.put("tiny", List.of(new Variant(0, Config.instance("ml.c5.large"), 4, 15000)));
        f.put("legacy", List.of(new Variant(0, Config.instance("ml.m5.xlarge"), 100, 1200)));
        return f;
    }

    static String jobName(String family, int night) {
        return String.format("%s-d%02d", family, night);
    }

    /** The emulator's job names: the same in every site. */
    static List<String> jobNames() {
        List<String> names = new ArrayList<>();
        for (String family : FAMILIES.keySet()) {
            if (!family.equals("legacy")) {
                for (int night = 1; night <= NIGHTS; night++) {
                    names.add(jobName(family, night));
                }
            }
        }
        return names;
    }

    static long jobCreatedSeconds(int night) {
        return (night - 1) * 86_400L + 7_200L;
    }

    /** Scenario seconds at which every job is complete. */
    static long allDoneSeconds() {
        return jobCreatedSeconds(NIGHTS) + 86_400L;
    }

    static String jobType(String family) {
        return switch (family) {
            case "bert-adv" -> "Advanced";
            case "legacy" -> null;
            default -> "Default";
        };
    }

    static String model(String family) {
        return switch (family) {
            case "churn" -> "xgboost-churn";
            case "bert", "bert-adv" -> "bert-base";
            case "fraud" -> "fraud-detector";
            case "tiny" -> "tiny-tabular";
            default -> "legacy-ranker";
        };
    }

    /** fraud-detector's package version benchmarked on a night: two nights each, the last three version 6, then 7. */
    static Integer version(String family, int night) {
        return family.equals("fraud") ? (night == NIGHTS ? 7 : Math.min(6, (night + 1) / 2)) : null;
    }

    static Load load(String family, int night) {
        return family.equals("bert-adv") ? (night % 2 == 1 ? Load.LIGHT : Load.HEAVY) : Load.NONE;
    }

    static int jitter(Site site, String family, int cfg, int night) {
        if (family.equals("tiny")) {
            // whole milliseconds around 4 ms; the last night's +1 ms is +25 %, over any 20 % threshold
            return night == NIGHTS ? 1 : (night * 7 + site.index() * 5) % 3 - 1;
        }
        return (night * 7 + cfg * 3 + family.length() * 2 + site.index() * 5) % 3 - 1;
    }

    /** What makes a run slower than its variant's base: the load and the injected regressions. */
    static double latencyFactor(Site site, String family, int cfg, int night) {
        double factor = load(family, night) == Load.HEAVY ? 1.5 : 1.0;
        if (family.equals("churn") && cfg == 1 && site.index() == 0 && night >= 12) {
            factor *= 1.4;
        }
        if (family.equals("bert") && cfg == 1 && site.account().equals("222222222222") && night >= 13) {
            factor *= 1.3;
        }
        if (family.equals("bert-adv") && cfg == 3 && night == NIGHTS) {
            factor *= 1.4;
        }
        if (family.equals("fraud") && cfg == 0 && site.account().equals("111111111111") && version(family, night) == 7) {
            factor *= 1.25;
        }
        if (family.equals("legacy") && night == NIGHTS) {
            factor *= 1.5;
        }
        return factor;
    }

    static BigDecimal costPerHour(Site site, Config config) {
        return config.serverless() ? null : new BigDecimal(PRICE_PER_HOUR.get(site.region()).get(config.instanceType()));
    }

    static BigDecimal costPerInference(Site site, Variant v) {
        if (v.config().serverless()) {
            return new BigDecimal(SERVERLESS_COST_PER_INFERENCE.get(site.region()));
        }
        return costPerHour(site, v.config()).divide(BigDecimal.valueOf(60L * v.maxInvocations()), new MathContext(4));
    }

    /** Every step of one site, in job order then variant order. */
    static List<Run> runs(Site site) {
        List<Run> runs = new ArrayList<>();
        for (Map.Entry<String, List<Variant>> family : FAMILIES.entrySet()) {
            boolean legacy = family.getKey().equals("legacy");
            if (legacy != site.equals(LEGACY)) {
                continue;
            }
            for (int night = 1; night <= NIGHTS; night++) {
                for (Variant v : family.getValue()) {
                    runs.add(run(site, family.getKey(), night, v));
                }
                if (family.getKey().equals("bert") && night == 3) {
                    runs.add(failedBeforeEndpoint(site, night));
                }
            }
        }
        return runs;
    }

    /** Every step of every site, the legacy rows included. */
    static List<Run> allRuns() {
        List<Run> all = new ArrayList<>();
        SITES.forEach(s -> all.addAll(runs(s)));
        all.addAll(runs(LEGACY));
        return all;
    }

    private static Run run(Site site, String family, int night, Variant v) {
        return run(site, family, night, v, version(family, night), latencyFactor(site, family, v.cfg(), night));
    }

    /** A completed step as {@link #runs} makes them, with the given package version and latency factor. */
    static Run run(Site site, String family, int night, Variant v, Integer version, double latencyFactor) {
        long created = jobCreatedSeconds(night);
        Instant start = EPOCH.plusSeconds(created + 60L * (v.cfg() + 1));
        int offset = family.equals("tiny") ? 0 : site.latencyOffsetMs();
        int j = jitter(site, family, v.cfg(), night);
        int latency = (int) Math.round(v.latencyMs() * latencyFactor) + offset + j;
        return new Run(site, family, night, jobName(family, night), jobType(family), model(family), version,
                load(family, night), v, "COMPLETED", latency, v.maxInvocations() + 10 * j, costPerHour(site, v.config()),
                costPerInference(site, v), EPOCH.plusSeconds(created), start, start.plusSeconds(600),
                "sm-epc-" + family + "-d" + night + "-" + v.cfg(),
                v.config().compiled() ? "bert-neo-c5-d" + night : null);
    }

    private static Run failedBeforeEndpoint(Site site, int night) {
        Variant v = new Variant(9, new Config(null, null, null, null, "bert-fp32", false, Map.of()), 0, 0);
        return new Run(site, "bert", night, jobName("bert", night), jobType("bert"), model("bert"), null, Load.NONE, v, "FAILED",
                null, null, null, null, EPOCH.plusSeconds(jobCreatedSeconds(night)), null, null, null, null);
    }

    /** What one site's emulator serves. */
    static Scenario scenario(Site site) {
        return scenario(site, runs(site));
    }

    /** What one site's emulator serves for the given steps (of that site), one job per job name, in their order. */
    static Scenario scenario(Site site, List<Run> all) {
        Scenario.Builder scenario = Scenario.builder().epoch(EPOCH).region(site.region()).accountId(site.account());
        for (String job : all.stream().map(Run::jobName).distinct().toList()) {
            List<Run> steps = all.stream().filter(r -> r.jobName().equals(job)).toList();
            Run first = steps.get(0);
            long created = jobCreatedSeconds(first.night());
            ScenarioJob.Builder jb = ScenarioJob.builder(job).at(created, jobDocument(first).toString());
            for (Run run : steps) {
                jb.step(ScenarioStep.builder().at(created, stepDocument(run)).build());
            }
            scenario.job(jb.build());
        }
        return scenario.build();
    }

    private static ObjectNode jobDocument(Run run) {
        ObjectNode job = JSON.createObjectNode();
        job.put("JobType", run.jobType());
        job.put("Status", "COMPLETED");
        job.put("JobDescription", "Nightly benchmark of " + run.model());
        ObjectNode input = job.putObject("InputConfig");
        if (run.version() != null) {
            job.put("ModelPackageVersionArn", run.packageArn());
            input.put("ModelPackageVersionArn", run.packageArn());
        } else {
            job.put("ModelName", run.model());
            input.put("ModelName", run.model());
        }
        if (run.load() != Load.NONE) {
            input.put("JobDurationInSeconds", 7200);
            input.putObject("TrafficPattern").put("TrafficType", "PHASES").putArray("Phases").addObject()
                    .put("InitialNumberOfUsers", run.load().users).put("SpawnRate", run.load().spawnRate)
                    .put("DurationInSeconds", 300);
        }
        job.put("CompletionTime", "T+" + (jobCreatedSeconds(run.night()) + 3_600));
        return job;
    }

    private static String stepDocument(Run run) {
        ObjectNode step = JSON.createObjectNode();
        step.put("StepType", "BENCHMARK");
        step.put("Status", run.status());
        ObjectNode b = step.putObject("InferenceBenchmark");
        Config c = run.config();
        ObjectNode model = b.putObject("ModelConfiguration");
        if (c.inferenceSpecification() != null) {
            model.put("InferenceSpecificationName", c.inferenceSpecification());
        }
        if (run.compilationJobName() != null) {
            model.put("CompilationJobName", run.compilationJobName());
        }
        c.environment().forEach((k, v) -> model.withArray("EnvironmentParameters").addObject()
                .put("Key", k).put("ValueType", "string").put("Value", v));
        if (!run.completed()) {
            b.put("FailureReason", FAILED_BEFORE_ENDPOINT);
            return step.toString();
        }
        ObjectNode ec = b.putObject("EndpointConfiguration");
        ec.put("EndpointName", run.endpointName());
        ec.put("VariantName", "AllTraffic");
        if (c.serverless()) {
            ec.putObject("ServerlessConfig").put("MemorySizeInMB", c.memoryMb()).put("MaxConcurrency", c.maxConcurrency());
        } else {
            ec.put("InstanceType", c.instanceType());
            ec.put("InitialInstanceCount", c.instanceCount());
        }
        b.put("InvocationStartTime", "T+" + (run.start().getEpochSecond() - EPOCH.getEpochSecond()));
        b.put("InvocationEndTime", "T+" + (run.end().getEpochSecond() - EPOCH.getEpochSecond()));
        ObjectNode metrics = b.putObject("Metrics");
        if (run.costPerHour() != null) {
            metrics.put("CostPerHour", run.costPerHour());
        }
        metrics.put("CostPerInference", run.costPerInference());
        metrics.put("MaxInvocations", run.maxInvocations());
        metrics.put("ModelLatency", run.latencyMs());
        return step.toString();
    }
}
