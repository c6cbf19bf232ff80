package dev.benchlake.warehouse;

import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.Struct;

import dev.benchlake.avro.AvroConverter;
import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.emulator.ScenarioJob;
import dev.benchlake.it.ConnectHarness;

/**
 * One pipeline of {@link RegistryOutageScenario}: a Benchlake source reading its own emulator (whose jobs' steps
 * complete when the test moves the clock) and the shipped PostgreSQL sink (config/benchlake-sink-postgres.json) into
 * its own database, both through the registry's relay ({@link RegistryFront}).
 */
final class OutagePipeline implements AutoCloseable {
    static final int JOBS = 3;
    static final int STEPS = 4;

    final String prefix;
    final ConnectHarness connect;
    final ManualClock clock = new ManualClock();
    final String source;
    final String sink;
    private final WarehouseStack stack;
    private final SageMakerEmulator emulator;
    private final Map<String, String> sinkConfig;
    private final String registryUrl;

    OutagePipeline(WarehouseStack stack, String prefix, ConnectHarness connect, boolean exactlyOnce,
            RegistryOutageScenario.Settings settings, String registryUrl) throws SQLException {
        this.stack = stack;
        this.prefix = prefix;
        this.connect = connect;
        this.registryUrl = registryUrl;
        this.source = prefix + "-source";
        this.sink = prefix + "-sink";
        List<ScenarioJob> jobs = Fixtures.benchmarkJobs(prefix.replace('_', '-'), JOBS, STEPS)
                .stepDuration(Duration.ofSeconds(100)).build();
        emulator = SageMakerEmulator.start(Scenario.builder().jobs(jobs).build(), clock);
        stack.createDatabase(prefix);
        stack.runSqlFile(prefix, "01_landing_tables.sql");
        Map<String, String> src = settings.shipped()
                ? shippedSource(jobs, exactlyOnce)
                : stack.sourceConfig(emulator, prefix, jobs.stream().map(ScenarioJob::name).toList());
        Map<String, String> snk = stack.postgresSinkConfig(prefix, prefix);
        for (Map<String, String> props : List.of(src, snk)) {
            for (String side : List.of("key.converter.", "value.converter.")) {
                props.put(side + "schema.registry.url", registryUrl);
                if (!settings.shipped()) {
                    props.put(side + "schema.registry.cache.ttl.ms", "5000");
                    props.put(side + "schema.registry.retry.timeout.ms", "2000");
                    props.put(side + "schema.registry.request.timeout.ms", "2000");
                }
            }
        }
        if (exactlyOnce && !settings.shipped()) {
            src.put("exactly.once.support", "required");
            src.put("transaction.boundary", "poll");
            src.put("producer.override.transaction.timeout.ms", "10000");
        }
        if (!settings.shipped()) {
            snk.put("errors.retry.delay.max.ms", "1000");
        }
        this.sinkConfig = snk;
        connect.startConnector(source, src);
        connect.startConnector(sink, snk);
    }

    /**
     * config/benchlake-source.json as shipped (exactly-once with {@code transaction.boundary=connector}, poll interval,
     * retry settings, partitions, no timeout shortened), pointed at this pipeline's emulator and topics: the jobs named
     * instead of discovered, replication factor 1, and without exactly-once for the at-least-once pipeline.
     */
    private Map<String, String> shippedSource(List<ScenarioJob> jobs, boolean exactlyOnce) {
        Map<String, String> props = WarehouseStack.configFile("benchlake-source.json");
        props.keySet().removeIf(k -> k.startsWith("discovery."));
        Map<String, String> local = stack.sourceConfig(emulator, prefix, jobs.stream().map(ScenarioJob::name).toList());
        for (String k : List.of("aws.region", "aws.endpoint.override", "aws.credentials.provider", "aws.access.key.id",
                "aws.secret.access.key", "job.names", "topic", "jobs.topic", "aws.validate.access",
                "topic.creation.default.replication.factor")) {
            props.put(k, local.get(k));
        }
        if (!exactlyOnce) {
            props.remove("exactly.once.support");
            props.remove("transaction.boundary");
        }
        return props;
    }

    private KafkaConsumer<byte[], byte[]> readCommitted() {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", connect.bootstrapServers(), "isolation.level",
                "read_committed", "auto.offset.reset", "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private List<TopicPartition> stepPartitions(KafkaConsumer<byte[], byte[]> consumer) {
        String topic = prefix + ".benchmark-steps";
        return consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    /** (step_id, content_hash) -> how often it is in Kafka, read_committed. */
    Map<String, Long> versionsInKafka() {
        Map<String, Long> out = new HashMap<>();
        AvroConverter values = new AvroConverter();
        values.configure(Map.of("schema.registry.url", registryUrl), false);
        try (KafkaConsumer<byte[], byte[]> consumer = readCommitted()) {
            List<TopicPartition> tps = stepPartitions(consumer);
            consumer.assign(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    Struct v = (Struct) values.toConnectData(r.topic(), r.value()).value();
                    out.merge(v.getString("step_id") + "/" + v.getString("content_hash"), 1L, Long::sum);
                });
            }
        } finally {
            values.close();
        }
        return out;
    }

    /** Step records in Kafka, read_committed, not decoded (decoding needs the registry). */
    long stepRecords() {
        long n = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = readCommitted()) {
            List<TopicPartition> tps = stepPartitions(consumer);
            consumer.assign(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                n += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
        return n;
    }

    /**
     * The sink's task replaced by a new one, which starts knowing no schema: the connector deleted and created again
     * under its name (so its consumer group, and its committed offsets, stay).
     */
    void restartSink() throws InterruptedException {
        connect.connect().deleteConnector(sink);
        connect.connect().assertions().assertConnectorDoesNotExist(sink, "the sink is gone");
        connect.startConnector(sink, sinkConfig);
    }

    long terminalRows() throws SQLException {
        return (Long) stack.scalar(prefix, "SELECT count(*) FROM benchmark_steps WHERE is_terminal");
    }

    long rows() throws SQLException {
        return (Long) stack.scalar(prefix, "SELECT count(*) FROM benchmark_steps");
    }

    long deadLettered() throws Exception {
        return connect.connect().kafka().endOffset(new TopicPartition(prefix + ".sink-dlq", 0));
    }

    @Override
    public void close() {
        try {
            connect.connect().deleteConnector(source);
            connect.connect().deleteConnector(sink);
        } finally {
            emulator.close();
        }
    }
}
