package dev.benchlake.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import dev.benchlake.avro.AvroConverter;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.record.RecordSchemas;

/**
 * Issue 22: a task registers its schemas when it starts, outside any transaction, and holds its records back until
 * the registry has answered; the converter then writes with the ids held, without a registry call of its own.
 */
class SchemaWarmupTest {
    private static final String STEPS = "bl.benchmark-steps";
    private static final String JOBS = "bl.jobs";

    private static Map<String, String> props(String registryUrl) {
        Map<String, String> props = new HashMap<>();
        props.put("aws.region", "us-east-1");
        props.put("job.names", "resnet-nightly-1");
        props.put("topic", STEPS);
        props.put("jobs.topic", JOBS);
        for (String side : new String[] {"key.converter", "value.converter"}) {
            props.put(side, "dev.benchlake.avro.AvroConverter");
            props.put(side + ".schema.registry.url", registryUrl);
            // each attempt gives up quickly: the warm-up's own backoff is what is tested
            props.put(side + ".schema.registry.retry.timeout.ms", "100");
            props.put(side + ".schema.registry.retry.backoff.ms", "20");
        }
        return props;
    }

    private static SchemaWarmup start(Map<String, String> props) {
        return SchemaWarmup.start(props, new BenchlakeSourceConfig(props), "test");
    }

    @Test
    void aTaskStartedDuringAnOutageHoldsItsRecordsBackAndRegistersEverySchemaOnceTheRegistryIsBack() throws Exception {
        try (CountingRegistry registry = new CountingRegistry()) {
            registry.down(true);
            Map<String, String> props = props(registry.url());
            try (SchemaWarmup warmup = start(props)) {
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
                while (warmup.attempts() < 3 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(warmup.attempts()).as("retried in the background").isGreaterThanOrEqualTo(3);
                assertThat(warmup.awaitReady(0)).as("records held back while the registry is down").isFalse();
                assertThat(registry.registrations()).isEmpty();
                assertThat(registry.requests()).isPositive();

                registry.down(false);
                // the next round comes at most 8 s later (1, 2, 4, 8 s backoff)
                assertThat(warmup.awaitReady(30_000)).as("ready once the registry answers").isTrue();
            }
            assertThat(registry.registrations()).as("the four schemas the task writes, each registered once")
                    .isEqualTo(Map.of(STEPS + "-key", 1, STEPS + "-value", 1, JOBS + "-key", 1, JOBS + "-value", 1));

            int before = registry.requests();
            AvroConverter keys = new AvroConverter();
            Map<String, Object> converterProps = new HashMap<>();
            converterProps.put("schema.registry.url", registry.url());
            keys.configure(converterProps, true);
            try {
                Struct key = new Struct(RecordSchemas.STEP_KEY).put("aws_account_id", "111122223333")
                        .put("aws_region", "us-east-1").put("job_name", "resnet-nightly-1").put("step_id", "s1");
                byte[] bytes = keys.fromConnectData(STEPS, RecordSchemas.STEP_KEY, key);
                assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).as("written with the id registered ahead")
                        .isEqualTo(registry.idOf(STEPS + "-key"));
            } finally {
                keys.close();
            }
            assertThat(registry.requests()).as("the converter's first record made no registry call").isEqualTo(before);
        }
    }

    @Test
    void anotherConvertersSidesAreLeftAloneAndHoldNothingBack() throws Exception {
        try (CountingRegistry registry = new CountingRegistry()) {
            Map<String, String> props = props(registry.url());
            props.put("key.converter", "io.confluent.connect.avro.AvroConverter");
            props.put("value.converter", "io.apicurio.registry.utils.converter.AvroConverter");
            try (SchemaWarmup warmup = start(props)) {
                assertThat(warmup.awaitReady(0)).isTrue();
            }
            assertThat(registry.requests()).isZero();

            props.put("value.converter", " dev.benchlake.avro.AvroConverter ");
            try (SchemaWarmup warmup = start(props)) {
                assertThat(warmup.awaitReady(10_000)).isTrue();
            }
            assertThat(registry.registrations()).as("Benchlake's side only")
                    .isEqualTo(Map.of(STEPS + "-value", 1, JOBS + "-value", 1));
        }
    }

    @Test
    void aSchemaTheRegistryRefusesIsNotWaitedFor() throws Exception {
        try (CountingRegistry registry = new CountingRegistry()) {
            registry.refuse(STEPS + "-value");
            try (SchemaWarmup warmup = start(props(registry.url()))) {
                assertThat(warmup.awaitReady(10_000)).as("the converter fails that record, naming the fix").isTrue();
                assertThat(warmup.attempts()).isEqualTo(1);
            }
            assertThat(registry.registrations())
                    .isEqualTo(Map.of(STEPS + "-key", 1, JOBS + "-key", 1, JOBS + "-value", 1));
        }
    }

    @Test
    void stoppingTheTaskEndsTheRetries() throws Exception {
        try (CountingRegistry registry = new CountingRegistry()) {
            registry.down(true);
            SchemaWarmup warmup = start(props(registry.url()));
            assertThat(warmup.awaitReady(200)).isFalse();
            warmup.close();
            int after = registry.requests();
            assertThat(warmup.awaitReady(0)).as("the retries ended").isTrue();
            registry.down(false);
            // the first backoff (1 s) twice over: no round after close()
            Thread.sleep(2 * SchemaWarmup.FIRST_BACKOFF_MS);
            assertThat(registry.requests()).isEqualTo(after);
            assertThat(registry.registrations()).isEmpty();
        }
    }
}
