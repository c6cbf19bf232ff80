package dev.benchlake.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.trends.DetectorSettings;
import dev.benchlake.trends.stream.TrendsApp;
import dev.benchlake.warehouse.TrendScenario.Run;

/**
 * The trend scenario through the whole pipeline and the trends application: emulators → Benchlake's source →
 * Kafka (Avro, the registry) → the trends application (Kafka Streams) → the changes topic → the Debezium JDBC sink
 * as config/benchlake-changes-sink-postgres.json ships it → {@code benchmark_changes} in PostgreSQL. The expected
 * changes are computed from the scenario's inputs: each series (site, model, configuration, load) whose injected
 * latency factor changes with at least {@code minRuns} runs after the change by the last night. The scenario's other
 * injected changes come on nights 13 and 14, too late to be confirmed: they must not be there.
 */
class ChangePointsIT {
    private static final String DB = "changes";
    private static final String PREFIX = "changes";
    private static final String APP = "benchlake-trends-it";
    private static final Duration TIMEOUT = Duration.ofSeconds(240);

    private static WarehouseStack stack;
    private static KafkaStreams trends;
    private static final List<SageMakerEmulator> EMULATORS = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        stack = WarehouseStack.start("benchlake-changes-it");
        stack.createDatabase(DB);
        stack.runSqlFile(DB, "01_landing_tables.sql");
        stack.runSqlFile(DB, "02_models.sql");
        Properties props = new Properties();
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.connect.bootstrapServers());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/changes-it-" + System.nanoTime());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200");
        props.put("schema.registry.url", stack.registry.confluentUrl());
        props.put("trends.steps.topic", PREFIX + ".benchmark-steps");
        props.put("trends.jobs.topic", PREFIX + ".jobs");
        props.put("trends.changes.topic", PREFIX + ".benchmark-changes");
        props.put("trends.changes.replication.factor", "1");
        props.put("replication.factor", "1");
        EMULATORS.addAll(stack.startTrendSources(PREFIX));
        stack.connect.startConnector(PREFIX + "-sink", stack.postgresSinkConfig(DB, PREFIX));
        trends = TrendsApp.start(props);
        stack.connect.startConnector(PREFIX + "-changes-sink", changesSinkConfig());
    }

    @AfterAll
    static void stop() {
        if (trends != null) {
            trends.close(Duration.ofSeconds(30));
        }
        EMULATORS.forEach(SageMakerEmulator::close);
        if (stack != null) {
            stack.close();
        }
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

    /** "account/region|model|configuration|load|first job" of every confirmable injected change. */
    private static Set<String> expectedChanges() {
        Map<String, List<Run>> series = new LinkedHashMap<>();
        for (Run r : TrendScenario.allRuns()) {
            if (r.completed() && !r.family().equals("legacy")) {
                String key = r.site().label() + "|" + r.model() + "|" + r.config() + "|" + r.load();
                series.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
            }
        }
        int minRuns = DetectorSettings.DEFAULTS.minRuns();
        Set<String> out = new TreeSet<>();
        series.forEach((key, runs) -> {
            runs.sort(java.util.Comparator.comparing((Run r) -> r.version() == null ? 0 : r.version())
                    .thenComparing(Run::night));
            for (int i = 1; i < runs.size(); i++) {
                double before = injected(runs.get(i - 1));
                double now = injected(runs.get(i));
                boolean holds = runs.subList(i, runs.size()).stream().allMatch(r -> injected(r) == now);
                if (before != now && holds && runs.size() - i >= minRuns) {
                    out.add(runs.get(i).site().label() + "|" + runs.get(i).config().label() + "|" + runs.get(i).jobName());
                }
            }
        });
        return out;
    }

    /** The injected factor of a run, without the load's (the load is part of the series). */
    private static double injected(Run r) {
        double load = r.load() == TrendScenario.Load.HEAVY ? 1.5 : 1.0;
        return TrendScenario.latencyFactor(r.site(), r.family(), r.variant().cfg(), r.night()) / load;
    }

    private static long lag(Admin admin, String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = committed.keySet().stream()
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        var ends = admin.listOffsets(latest).all().get();
        long lag = 0;
        for (var e : committed.entrySet()) {
            lag += ends.get(e.getKey()).offset() - (e.getValue() == null ? 0 : e.getValue().offset());
        }
        return committed.isEmpty() ? Long.MAX_VALUE : lag;
    }

    private static long endOffset(Admin admin, String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
    }

    @Test
    void benchmarkChangesHoldsExactlyTheScenariosConfirmableChangesAndNothingElse() throws Exception {
        Set<String> expected = expectedChanges();
        assertThat(expected).containsExactly("111111111111/us-east-1|serverless-2048MB-max10|churn-d12");
        long steps = TrendScenario.allRuns().stream().filter(r -> !r.family().equals("legacy")).count();
        Properties adminProps = new Properties();
        adminProps.put("bootstrap.servers", stack.connect.bootstrapServers());
        String query = "SELECT aws_account_id || '/' || aws_region || '|' || split_part(series_label, ' | ', 3) || '|'"
                + " || first_job_name FROM benchmark_changes";
        try (Admin admin = Admin.create(adminProps)) {
            Awaitility.await("every step landed, the trends application and the changes sink caught up")
                    .atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                        assertThat(stack.scalar(DB, "SELECT count(*) FROM benchmark_steps")).isEqualTo(steps);
                        assertThat(lag(admin, APP)).as("trends lag, state " + trends.state()).isZero();
                        assertThat(stack.query(DB, query)).as("benchmark_changes; the changes topic holds "
                                        + endOffset(admin, PREFIX + ".benchmark-changes") + " records")
                                .extracting(r -> r.values().iterator().next())
                                .containsExactlyInAnyOrderElementsOf(expected);
                    });
            // and nothing after that: the sink has read every change record the application wrote
            Awaitility.await("the changes sink caught up").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(lag(admin, "connect-" + PREFIX + "-changes-sink")).isZero());
            assertThat(stack.query(DB, query)).extracting(r -> r.values().iterator().next())
                    .containsExactlyInAnyOrderElementsOf(expected);
        }

        List<Map<String, Object>> rows = stack.query(DB, "SELECT c.*, s.configuration FROM benchmark_changes c"
                + " JOIN benchmark_series s ON s.series_id = c.series_id");
        assertThat(rows).singleElement().satisfies(r -> {
            assertThat(r.get("configuration")).isEqualTo("serverless-2048MB-max10");
            assertThat(r.get("metric")).isEqualTo("model_latency_ms");
            assertThat(r.get("direction")).isEqualTo("regression");
            assertThat(r.get("model_package_version")).isNull();
            assertThat(r.get("confirmed_by_job_name")).isEqualTo("churn-d14");
            assertThat((Double) r.get("relative_change")).isBetween(0.3, 0.5);
            assertThat((Double) r.get("significance")).isLessThanOrEqualTo(DetectorSettings.DEFAULTS.alpha());
            assertThat((String) r.get("series_label")).contains("xgboost-churn", "serverless-2048MB-max10");
        });
    }
}
