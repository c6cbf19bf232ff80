package dev.benchlake.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.trends.DetectorSettings;
import dev.benchlake.trends.stream.CaughtUp;
import dev.benchlake.trends.stream.TrendsApp;
import dev.benchlake.warehouse.ChangeScenario.TrueChange;
import dev.benchlake.warehouse.TrendScenario.Run;
import dev.benchlake.warehouse.TrendScenario.Site;

/**
 * {@link ChangeScenario} (the trend scenario and eight more nights) through the whole pipeline and the trends
 * application: three SageMaker emulators → Benchlake's source connectors → Kafka (Avro, the registry) → the trends
 * application (Kafka Streams, config/benchlake-trends.properties as shipped, pointed at this cluster) → the changes
 * topic → the Debezium JDBC sink as config/benchlake-changes-sink-postgres.json ships it → {@code benchmark_changes}
 * in PostgreSQL. The steps land through the shipped step sink too, so the changes can be read against
 * {@code benchmark_steps}. The expected changes are the scenario's injected, lasting ones
 * ({@link ChangeScenario#trueChanges}), their figures the medians of the scenario's own latencies either side.
 */
class ChangePointsIT {
    private static final String DB = "changes";
    private static final String PREFIX = "changes";
    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final int MIN_RUNS = DetectorSettings.DEFAULTS.minRuns();

    private static WarehouseStack stack;
    private static KafkaStreams trends;
    private static Path stateDir;
    private static final List<SageMakerEmulator> EMULATORS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        stack = WarehouseStack.start("benchlake-changes-it");
        stack.createDatabase(DB);
        stack.runSqlFile(DB, "01_landing_tables.sql");
        stack.runSqlFile(DB, "02_models.sql");
        stateDir = Files.createTempDirectory("benchlake-trends-it");
        stack.connect.startConnector(PREFIX + "-sink", stack.postgresSinkConfig(DB, PREFIX));
        for (Site site : TrendScenario.SITES) {
            SageMakerEmulator emulator = SageMakerEmulator.start(TrendScenario.scenario(site, ChangeScenario.runs(site)),
                    new ManualClock().set(Duration.ofSeconds(ChangeScenario.allDoneSeconds())));
            EMULATORS.add(emulator);
            Map<String, String> source = stack.sourceConfig(emulator, PREFIX, ChangeScenario.jobNames());
            source.put("aws.region", site.region());
            source.put("aws.account.id", site.account());
            stack.connect.startConnector(PREFIX + "-source-" + site.index(), source);
        }
        // as a user would: the application after the connectors (it waits for the topics they create), then the
        // changes sink on the topic the application creates
        trends = TrendsApp.start(trendsProperties());
        stack.connect.startConnector(PREFIX + "-changes-sink", changesSinkConfig());
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (trends != null) {
                trends.close(Duration.ofSeconds(30));
            }
            EMULATORS.forEach(SageMakerEmulator::close);
        } finally {
            if (stack != null) {
                stack.close();
            }
            if (stateDir != null) {
                try (var files = Files.walk(stateDir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /** config/benchlake-trends.properties as shipped, pointed at this cluster (one broker) and this test's topics. */
    private static Properties trendsProperties() throws IOException {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(WarehouseStack.projectDir().resolve("config/benchlake-trends.properties"))) {
            props.load(in);
        }
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.connect.bootstrapServers());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "benchlake-trends-it");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        props.put("schema.registry.url", stack.registry.confluentUrl());
        props.put("trends.steps.topic", PREFIX + ".benchmark-steps");
        props.put("trends.jobs.topic", PREFIX + ".jobs");
        props.put("trends.changes.topic", PREFIX + ".benchmark-changes");
        props.put("trends.changes.replication.factor", "1");
        return props;
    }

    /** config/benchlake-changes-sink-postgres.json as shipped, pointed at this stack. */
    private static Map<String, String> changesSinkConfig() {
        Map<String, String> props = WarehouseStack.configFile("benchlake-changes-sink-postgres.json");
        String url = props.get("connection.url");
        props.put("connection.url", stack.jdbcUrl(DB) + url.substring(url.indexOf('?')));
        props.put("connection.username", WarehouseStack.DB_USER);
        props.put("connection.password", "unused");
        props.put("key.converter.schema.registry.url", stack.registry.confluentUrl());
        props.put("value.converter.schema.registry.url", stack.registry.confluentUrl());
        props.put("topics", PREFIX + ".benchmark-changes");
        props.put("errors.deadletterqueue.topic.name", PREFIX + ".changes-dlq");
        props.put("errors.deadletterqueue.topic.replication.factor", "1");
        return props;
    }

    /** A change as "account/region | metric | endpoint of its first run | package version". */
    private static String describe(Site site, String metric, String endpoint, Object version) {
        return site.label() + " | " + metric + " | " + endpoint + " | v" + version;
    }

    private static final String CHANGES = "SELECT c.*, s.endpoint_name FROM benchmark_changes c"
            + " JOIN benchmark_steps s ON s.aws_account_id = c.aws_account_id AND s.aws_region = c.aws_region"
            + " AND s.job_name = c.first_job_name AND s.step_id = c.first_step_id";

    private static Set<String> landedChanges() throws Exception {
        return stack.query(DB, CHANGES).stream().map(r -> r.get("aws_account_id") + "/" + r.get("aws_region") + " | "
                + r.get("metric") + " | " + r.get("endpoint_name") + " | v" + r.get("model_package_version"))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void benchmarkChangesHoldsExactlyTheScenariosLastingChangesWithTheirVersions() throws Exception {
        List<TrueChange> expected = ChangeScenario.trueChanges(MIN_RUNS);
        Set<String> expectedKeys = expected.stream().map(c -> describe(c.first().site(), "model_latency_ms",
                c.first().endpointName(), c.first().version())).collect(Collectors.toCollection(TreeSet::new));
        // the scenario as documented: four lasting changes, two of them at version 7; the re-run and outliers none
        assertThat(expectedKeys).containsExactly(
                "111111111111/eu-west-1 | model_latency_ms | sm-epc-fraud-d14-0 | v7",
                "111111111111/us-east-1 | model_latency_ms | sm-epc-churn-d12-1 | vnull",
                "111111111111/us-east-1 | model_latency_ms | sm-epc-fraud-d14-0 | v7",
                "222222222222/us-east-1 | model_latency_ms | sm-epc-bert-d13-1 | vnull");
        long steps = ChangeScenario.allRuns().size();

        Awaitility.await("every step landed, and benchmark_changes holds the scenario's changes")
                .atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1))
                // benchmark_changes exists once the changes sink has written its first record
                .ignoreExceptionsInstanceOf(java.sql.SQLException.class).untilAsserted(() -> {
                    assertThat(stack.scalar(DB, "SELECT count(*) FROM benchmark_steps")).isEqualTo(steps);
                    assertThat(landedChanges()).as("benchmark_changes, the trends application " + trends.state())
                            .containsExactlyElementsOf(expectedKeys);
                });
        // the application has read every step and the sink every change by now: nothing comes after
        Awaitility.await("the trends application and the changes sink caught up").atMost(TIMEOUT)
                .pollInterval(Duration.ofSeconds(1)).until(() -> caughtUp());
        assertThat(landedChanges()).containsExactlyElementsOf(expectedKeys);

        List<Map<String, Object>> rows = stack.query(DB, CHANGES);
        for (TrueChange change : expected) {
            Run first = change.first();
            Map<String, Object> row = rows.stream().filter(r -> first.endpointName().equals(r.get("endpoint_name"))
                    && first.site().account().equals(r.get("aws_account_id"))
                    && first.site().region().equals(r.get("aws_region"))).findFirst().orElseThrow();
            String what = describe(first.site(), "model_latency_ms", first.endpointName(), first.version());
            double before = median(change.before());
            double after = median(change.after());
            // the noise-free step: the latencies the scenario computes without jitter
            double trueStep = (double) (first.latencyMs() - jitter(first)) / noiseFree(change.before().get(0)) - 1;
            assertThat(row).as(what)
                    .containsEntry("direction", "regression")
                    .containsEntry("first_job_name", first.jobName())
                    .containsEntry("model_package_version", first.version());
            // the runs the figures rest on when they were last written: a change is written again when its direction,
            // medians or first run change, not on every run, so as many runs as had arrived then (between the
            // minRuns that can confirm it and all of them, as the records happened to arrive)
            assertThat((Integer) row.get("runs_after")).as(what).isBetween(MIN_RUNS, change.after().size());
            assertThat((Timestamp) row.get("first_run_at")).as(what).isEqualTo(Timestamp.from(first.jobCreated()));
            assertThat((Double) row.get("before_value")).as(what).isEqualTo(before);
            assertThat((Double) row.get("after_value")).as(what).isEqualTo(after);
            assertThat((Double) row.get("relative_change")).as(what).isCloseTo(after / before - 1, within(1e-9));
            assertThat((Double) row.get("relative_change_low")).as(what).isLessThanOrEqualTo(trueStep);
            assertThat((Double) row.get("relative_change_high")).as(what).isGreaterThanOrEqualTo(trueStep);
            assertThat((Double) row.get("significance")).as(what).isLessThanOrEqualTo(DetectorSettings.DEFAULTS.alpha());
            // confirmed by a run of the series that came with or after the first run after the change (the fraud
            // changes may be confirmed by the re-run of version 3, which is not after them in run order)
            List<String> later = ChangeScenario.series().get(change.series()).stream()
                    .filter(r -> r.night() >= first.night()).map(Run::jobName).toList();
            assertThat(later).as(what).contains((String) row.get("confirmed_by_job_name"));
            assertThat((String) row.get("series_label")).as(what).contains(first.model(), first.config().label(),
                    first.site().label());
        }
    }

    /**
     * The application has read every record of its input and internal topics, the changes sink every record of the
     * changes topic ({@link CaughtUp}: transaction markers are not records), and benchmark_changes has a row per live
     * key of the changes topic.
     */
    private static boolean caughtUp() throws Exception {
        Properties client = new Properties();
        client.put("bootstrap.servers", stack.connect.bootstrapServers());
        return CaughtUp.check(client, "benchlake-trends-it", List.of(PREFIX + ".benchmark-steps", PREFIX + ".jobs"))
                && CaughtUp.check(client, "connect-" + PREFIX + "-changes-sink", List.of(PREFIX + ".benchmark-changes"))
                && liveChangeKeys() == stack.query(DB, "SELECT 1 FROM benchmark_changes").size();
    }

    /** The keys of the changes topic whose last record is not a tombstone (read committed, to the end). */
    private static int liveChangeKeys() {
        Properties props = new Properties();
        props.put("bootstrap.servers", stack.connect.bootstrapServers());
        props.put("isolation.level", "read_committed");
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        Map<ByteBuffer, Boolean> live = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            TopicPartition tp = new TopicPartition(PREFIX + ".benchmark-changes", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    live.put(ByteBuffer.wrap(r.key()), r.value() != null);
                }
            }
        }
        return (int) live.values().stream().filter(v -> v).count();
    }

    private static int jitter(Run r) {
        return TrendScenario.jitter(r.site(), r.family(), r.variant().cfg(), r.night());
    }

    private static int noiseFree(Run r) {
        return r.latencyMs() - jitter(r);
    }

    private static double median(List<Run> runs) {
        double[] v = runs.stream().mapToDouble(Run::latencyMs).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
