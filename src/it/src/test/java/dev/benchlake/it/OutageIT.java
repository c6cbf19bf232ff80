package dev.benchlake.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.quickstart.stack.SchemaRegistryProcess;

/** The connector recovers by itself from a broker restart and a 20-second registry outage, losing nothing. */
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

    @Test
    void registryDownForTwentySecondsLosesNothing() throws Exception {
        name = "registry-outage";
        try (SchemaRegistryProcess registry = SchemaRegistryProcess.startNew()) {
            // no jobs yet: the connector deploys (its pre-flight reaches the registry) and has nothing to convert
            SageMakerEmulator emulator = emulator(Scenario.builder().build(), new ManualClock().set(Duration.ofSeconds(200)));
            Map<String, String> props = ConnectHarness.connectorConfig(emulator, name);
            props.remove("job.names");
            props.put("discovery.enabled", "true");
            props.put("discovery.interval.ms", "500");
            props.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
            props.put("value.converter", "dev.benchlake.avro.AvroConverter");
            props.put("value.converter.schema.registry.url", registry.confluentUrl());
            props.remove("value.converter.schemas.enable");

            harness.connect().kafka().createTopic(name + ".steps");
            harness.startConnector(name, props);
            // the registry goes down; then jobs appear, whose records need their schemas registered
            registry.kill();
            long downAt = System.nanoTime();
            Fixtures.benchmarkJobs("outage", 4, 8).stepDuration(Duration.ofSeconds(100)).build().forEach(emulator::addJob);
            Awaitility.await("the connector has read steps it cannot convert yet").atMost(ConnectHarness.TIMEOUT)
                    .ignoreExceptions().until(() -> emulator.count(LIST_STEPS) > 0);
            // the outage itself is what is under test: it lasts 20 s whatever the connector does meanwhile
            Duration rest = Duration.ofSeconds(20).minusNanos(System.nanoTime() - downAt);
            Awaitility.await("a 20 s registry outage").pollDelay(rest.isNegative() ? Duration.ZERO : rest)
                    .atMost(Duration.ofSeconds(25)).until(() -> true);
            assertThat(harness.connect().kafka().endOffset(new org.apache.kafka.common.TopicPartition(name + ".steps", 0)))
                    .as("nothing written while the registry was down").isZero();
            registry.start();

            try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                    Map.of("bootstrap.servers", harness.bootstrapServers(), "auto.offset.reset", "earliest"),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
                org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(name + ".steps", 0);
                Awaitility.await("all 32 steps written once the registry is back").atMost(ConnectHarness.TIMEOUT)
                        .ignoreExceptions()
                        .until(() -> harness.connect().kafka().endOffset(tp) >= 32);
            }
            assertThat(harness.connect().connectorStatus(name).tasks().get(0).state()).isEqualTo("RUNNING");
        }
    }
}
