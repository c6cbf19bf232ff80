package dev.benchlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.quickstart.stack.SchemaRegistryProcess;

/** The connector recovers by itself from a broker restart and from a registry outage longer than the converter retries. */
class OutageIT extends ConnectorTestSupport {

    private static final String LIST_STEPS = "ListInferenceRecommendationsJobSteps";

    private static Scenario fleet(int jobs) {
        return Scenario.builder().jobs(Fixtures.benchmarkJobs("outage", jobs, 8)
                .stepDuration(Duration.ofSeconds(100)).build()).build();
    }

    private static Map<String, Long> versions(List<TopicReader.Rec> records) {
        return records.stream().collect(Collectors.groupingBy(
                r -> r.text("step_id") + "/" + r.text("content_hash"), Collectors.counting()));
    }

    @Test
    void brokerRestartedMidRunLosesNothing() {
        name = "broker-restart";
        ManualClock clock = new ManualClock();
        SageMakerEmulator emulator = emulator(fleet(10), clock);
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, name);
        props.remove("job.names");
        props.put("discovery.enabled", "true");
        props.put("discovery.interval.ms", "1000");
        harness.startConnector(name, props);
        TopicReader steps = reader(name + ".steps");
        steps.awaitCount(80);

        harness.connect().kafka().stopOnlyBrokers();
        clock.set(Duration.ofSeconds(200)); // every step completes while the broker is down
        long calls = emulator.count(LIST_STEPS);
        Awaitility.await("the connector keeps reading while the broker is down").atMost(ConnectHarness.TIMEOUT)
                .until(() -> emulator.count(LIST_STEPS) > calls);
        harness.connect().kafka().restartOnlyBrokers();

        List<TopicReader.Rec> all = steps.awaitUntil("both versions of all 80 steps", recs -> versions(recs).size() == 160);
        assertThat(versions(all)).hasSize(160);
        assertThat(harness.connect().connectorStatus(name).tasks().get(0).state()).isEqualTo("RUNNING");
    }

    /**
     * Issue 22: a task started while the registry is down registers its schemas ahead, outside any transaction
     * (SchemaWarmup), and holds its records back until the registry answers: it stays RUNNING with nothing written
     * for an outage five times the converter's retry window (2 s here, 30 s by default), and once the registry is back
     * every record is written once. No record waits for the registry inside a transaction, so an exactly-once task
     * survives an outage of any length at its start, or with a new schema.
     */
    @Test
    void aTaskStartedWhileTheRegistryIsDownHoldsItsRecordsBackStaysRunningAndLosesNothing() throws Exception {
        name = "registry-outage";
        try (SchemaRegistryProcess registry = SchemaRegistryProcess.startNew()) {
            SageMakerEmulator emulator = emulator(Scenario.builder().build(), new ManualClock().set(Duration.ofSeconds(200)));
            Fixtures.benchmarkJobs("outage", 4, 8).stepDuration(Duration.ofSeconds(100)).build().forEach(emulator::addJob);
            Map<String, String> props = ConnectHarness.connectorConfig(emulator, name);
            props.remove("job.names");
            props.put("discovery.enabled", "true");
            props.put("discovery.interval.ms", "500");
            props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
            props.put("value.converter", "dev.benchlake.avro.AvroConverter");
            props.put("value.converter.schema.registry.url", registry.confluentUrl());
            props.put("value.converter.schema.registry.retry.timeout.ms", "2000");
            props.remove("value.converter.schemas.enable");
            // what config/benchlake-source.json ships
            props.put("errors.tolerance", "none");
            props.put("errors.retry.timeout", "-1");
            props.put("errors.retry.delay.max.ms", "1000");

            TopicPartition tp = new TopicPartition(name + ".steps", 0);
            harness.connect().kafka().createTopic(name + ".steps");
            registry.kill();
            // validate() only warns that the registry cannot be reached
            harness.startConnector(name, props);
            Awaitility.await("the task starts").atMost(ConnectHarness.TIMEOUT).ignoreExceptions()
                    .until(() -> "RUNNING".equals(harness.connect().connectorStatus(name).tasks().get(0).state()));
            // the outage's length is the scenario: 10 s, five converter retry windows, RUNNING with nothing written
            Awaitility.await("RUNNING, nothing written, while the registry is down").during(Duration.ofSeconds(10))
                    .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                    .until(() -> harness.connect().kafka().endOffset(tp) == 0
                            && "RUNNING".equals(harness.connect().connectorStatus(name).tasks().get(0).state()));
            registry.start();

            List<String> keys = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                    harness.bootstrapServers(), "auto.offset.reset", "earliest"), new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.assign(List.of(tp));
                Awaitility.await("all 32 steps written once the registry is back").atMost(ConnectHarness.TIMEOUT)
                        .until(() -> {
                            consumer.poll(Duration.ofMillis(200)).forEach(r -> keys.add(r.key()));
                            return keys.size() >= 32 && harness.connect().kafka().endOffset(tp) == keys.size();
                        });
            }
            assertThat(keys).as("each of the 32 steps once: none dropped, none twice").hasSize(32).doesNotHaveDuplicates();
            assertThat(harness.connect().connectorStatus(name).tasks().get(0).state()).isEqualTo("RUNNING");
        }
    }
}
