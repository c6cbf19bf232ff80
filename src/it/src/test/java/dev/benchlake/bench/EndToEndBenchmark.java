package dev.benchlake.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.it.ConnectHarness;
import dev.benchlake.sagemaker.SdkRecommenderApi;

/**
 * End-to-end steps per second through one Connect worker: Benchlake reading the emulator (loopback, no added
 * latency) against {@link ReplayStepsSourceConnector} emitting the same records, in the same JVM and cluster,
 * alternating, after warm-up rounds. Prints a Markdown table. Run with
 * {@code mvn -B -DskipTests test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test
 * -Dexec.args="-Xmx2g -cp %classpath dev.benchlake.bench.EndToEndBenchmark"}; {@code -Dwarmup=}, {@code -Drounds=}
 * and {@code -Dconcurrency=} (Benchlake's {@code api.max.concurrent.requests}) go before {@code -cp}.
 */
public final class EndToEndBenchmark {

    private static final int JOBS = 1_000;
    private static final int STEPS = JOBS * 8;
    /**
     * Calls made through Benchlake's SageMaker client before the first round. The AWS SDK's request path takes tens
     * of thousands of calls to be compiled (see {@link ApiCallCostBenchmark}); a worker that runs for days is there,
     * a fresh JVM is not.
     */
    private static final int SDK_WARMUP_CALLS = Integer.getInteger("sdkWarmupCalls", 60_000);
    /** Rounds that warm the rest up (the Connect worker's send path); shown, not in the mean. */
    private static final int WARMUP = Integer.getInteger("warmup", 4);
    private static final int ROUNDS = Integer.getInteger("rounds", 6);

    private EndToEndBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Scenario scenario = Scenario.builder().jobs(Fixtures.benchmarkJobs("bench", JOBS, 8).build()).build();
        try (ConnectHarness harness = ConnectHarness.start("bench-e2e", 1, Map.of("plugin.discovery", "hybrid_warn"));
                SageMakerEmulator emulator = SageMakerEmulator.start(scenario, new ManualClock().set(Duration.ofSeconds(10)));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.bootstrapServers()))) {
            warmUpClient(emulator);
            StringBuilder table = new StringBuilder(
                "| round | Benchlake (steps/s) | replay baseline (steps/s) | ratio | API calls |\n|---|---:|---:|---:|---:|\n");
            double sumA = 0;
            double sumB = 0;
            for (int round = 1; round <= WARMUP + ROUNDS; round++) {
                emulator.resetCounters();
                double a = run(harness, admin, "benchlake-" + round, benchlake(emulator, "benchlake-" + round));
                long calls = emulator.totalRequests();
                double b = run(harness, admin, "replay-" + round, replay("replay-" + round));
                boolean warmup = round <= WARMUP;
                if (!warmup) {
                    sumA += a;
                    sumB += b;
                }
                table.append(String.format("| %s | %,.0f | %,.0f | %.2f | %,d |%n", warmup ? round + " (warm-up)" : round,
                        a, b, a / b, calls));
            }
            table.append(String.format("| **mean of %d** | **%,.0f** | **%,.0f** | **%.2f** | |%n", ROUNDS, sumA / ROUNDS,
                    sumB / ROUNDS, sumA / sumB));
            System.out.println();
            System.out.println(STEPS + " steps (" + JOBS + " jobs x 8) and " + JOBS
                    + " job records per run; JsonConverter (payload only) for both");
            System.out.println(table);
        }
    }

    /** Describes and lists the first page of the scenario's jobs through Benchlake's client, on 4 threads. */
    private static void warmUpClient(SageMakerEmulator emulator) throws Exception {
        if (SDK_WARMUP_CALLS <= 0) {
            return;
        }
        long t0 = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (SdkRecommenderApi api = SdkRecommenderApi.create(
                new BenchlakeSourceConfig(ConnectHarness.connectorConfig(emulator, "warmup", "bench-00000")))) {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < SDK_WARMUP_CALLS / 2; i++) {
                String job = String.format("bench-%05d", i % JOBS);
                calls.add(pool.submit(() -> {
                    api.describeJob(job);
                    api.listSteps(job, null, 100, null);
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        } finally {
            pool.shutdown();
        }
        System.out.printf("client warm-up: %,d calls in %.1f s%n", SDK_WARMUP_CALLS, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * Waits until the worker runs no connector and no task, so that stopping one run's connector (which holds the
     * herder) is not timed as part of the next run.
     */
    private static void awaitNoTasks() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName worker = new ObjectName("kafka.connect:type=connect-worker-metrics");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (((Number) server.getAttribute(worker, "task-count")).doubleValue() > 0
                || ((Number) server.getAttribute(worker, "connector-count")).doubleValue() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the worker still runs tasks 60 s after the connector was deleted");
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }

    private static Map<String, String> common(String name) {
        Map<String, String> props = new HashMap<>();
        props.put("tasks.max", "1");
        props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("key.converter.schemas.enable", "false");
        props.put("value.converter.schemas.enable", "false");
        props.put("topic.creation.default.replication.factor", "1");
        props.put("topic.creation.default.partitions", "1");
        return props;
    }

    private static Map<String, String> benchlake(SageMakerEmulator emulator, String name) {
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, name);
        props.putAll(common(name));
        props.remove("job.names");
        props.put("discovery.enabled", "true");
        props.put("page.size", "100");
        // the budget is the operator's limit, not the connector's cost: high enough here not to bind
        props.put("api.max.requests.per.second", "10000");
        props.put("api.max.concurrent.requests", System.getProperty("concurrency", "8"));
        props.put("discovery.describe.jobs", System.getProperty("describe", "true"));
        props.put("terminal.grace.period.ms", "0");
        props.put("topic", name + ".steps");
        return props;
    }

    private static Map<String, String> replay(String name) {
        Map<String, String> props = common(name);
        props.put("connector.class", ReplayStepsSourceConnector.class.getName());
        props.put(ReplayStepsSourceConnector.STEPS, Integer.toString(STEPS));
        props.put(ReplayStepsSourceConnector.TOPIC, name + ".steps");
        props.put(ReplayStepsSourceConnector.JOBS_TOPIC, name + ".jobs");
        return props;
    }

    /**
     * Steps per second from the connector's creation to the last of its step records in Kafka. One admin client
     * watches the end offset: the test kit's {@code endOffset} makes a new client per call, whose start-up cost
     * would take CPU from the connector being measured.
     */
    private static double run(ConnectHarness harness, Admin admin, String name, Map<String, String> props) throws Exception {
        TopicPartition tp = new TopicPartition(name + ".steps", 0);
        harness.connect().kafka().createTopic(tp.topic());
        long t0 = System.nanoTime();
        harness.connect().configureConnector(name, props);
        long first = 0;
        long end;
        while ((end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset()) < STEPS) {
            if (first == 0 && end > 0) {
                first = System.nanoTime();
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
        System.out.printf("%s: first step record after %.2f s, last after %.2f s%n", name, (first - t0) / 1e9, (System.nanoTime() - t0) / 1e9);
        double seconds = (System.nanoTime() - t0) / 1e9;
        harness.connect().deleteConnector(name);
        awaitNoTasks();
        return STEPS / seconds;
    }
}
