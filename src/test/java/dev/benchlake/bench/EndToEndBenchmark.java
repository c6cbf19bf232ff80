package dev.benchlake.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;

import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.it.ConnectHarness;

/**
 * End-to-end steps per second through one Connect worker: Benchlake reading the emulator (loopback, no added
 * latency) against {@link ReplayStepsSourceConnector} emitting the same structs, in the same JVM and cluster, each
 * run three times, alternating. Prints a Markdown table. Run with
 * {@code mvn -B -DskipTests test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test
 * -Dexec.args="-Xmx2g -cp %classpath dev.benchlake.bench.EndToEndBenchmark"}.
 */
public final class EndToEndBenchmark {

    private static final int JOBS = 1_000;
    private static final int STEPS = JOBS * 8;
    private static final int ROUNDS = 3;

    private EndToEndBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Scenario scenario = Scenario.builder().jobs(Fixtures.benchmarkJobs("bench", JOBS, 8).build()).build();
        try (ConnectHarness harness = ConnectHarness.start("bench-e2e", 1, Map.of("plugin.discovery", "hybrid_warn"));
                SageMakerEmulator emulator = SageMakerEmulator.start(scenario, new ManualClock().set(Duration.ofSeconds(10)))) {
            StringBuilder table = new StringBuilder("| round | Benchlake (steps/s) | replay baseline (steps/s) | ratio | API calls |\n|---|---:|---:|---:|---:|\n");
            double sumA = 0;
            double sumB = 0;
            for (int round = 1; round <= ROUNDS; round++) {
                emulator.resetCounters();
                double a = run(harness, "benchlake-" + round, benchlake(emulator, "benchlake-" + round));
                long calls = emulator.totalRequests();
                double b = run(harness, "replay-" + round, replay("replay-" + round));
                sumA += a;
                sumB += b;
                table.append(String.format("| %d | %,.0f | %,.0f | %.2f | %,d |%n", round, a, b, a / b, calls));
            }
            table.append(String.format("| **mean** | **%,.0f** | **%,.0f** | **%.2f** | |%n", sumA / ROUNDS, sumB / ROUNDS, sumA / sumB));
            System.out.println();
            System.out.println(STEPS + " steps (" + JOBS + " jobs x 8) per run; JsonConverter (payload only) for both");
            System.out.println(table);
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
        props.put("api.max.requests.per.second", "1000");
        props.put("terminal.grace.period.ms", "0");
        props.put("topic", name + ".steps");
        return props;
    }

    private static Map<String, String> replay(String name) {
        Map<String, String> props = common(name);
        props.put("connector.class", ReplayStepsSourceConnector.class.getName());
        props.put(ReplayStepsSourceConnector.STEPS, Integer.toString(STEPS));
        props.put(ReplayStepsSourceConnector.TOPIC, name + ".steps");
        return props;
    }

    /** Steps per second from the connector's creation to the last of its step records in Kafka. */
    private static double run(ConnectHarness harness, String name, Map<String, String> props) throws Exception {
        TopicPartition tp = new TopicPartition(name + ".steps", 0);
        harness.connect().kafka().createTopic(tp.topic());
        long t0 = System.nanoTime();
        harness.connect().configureConnector(name, props);
        while (harness.connect().kafka().endOffset(tp) < STEPS) {
            TimeUnit.MILLISECONDS.sleep(20);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        harness.connect().deleteConnector(name);
        return STEPS / seconds;
    }
}
