package dev.benchlake.trends.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.benchlake.trends.DetectorSettings;

/**
 * The topology on Kafka Streams' test driver: step and job records in, change records and tombstones out. Two
 * sibling series of one model package: on ml.g5.xlarge version 5 (night 17) is 30 % slower; on ml.c5.2xlarge
 * nothing changes but night 10 is a single-night outlier (2.5x). Latency = round(base * step * (1 + noise)).
 */
class TrendsTopologyTest {
    private static final double[] NOISE = {0.02, -0.01, 0.0, -0.02, 0.01, 0.015, -0.015};
    private static final long DAY = 86_400_000L;
    private static final String ACCOUNT = "111111111111";
    private static final Schema KEY = SchemaBuilder.struct().name("dev.benchlake.BenchmarkStepKey")
            .field("aws_account_id", Schema.STRING_SCHEMA).field("aws_region", Schema.STRING_SCHEMA)
            .field("job_name", Schema.STRING_SCHEMA).field("step_id", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema JOB_KEY = SchemaBuilder.struct().name("dev.benchlake.RecommendationJobKey")
            .field("aws_account_id", Schema.STRING_SCHEMA).field("aws_region", Schema.STRING_SCHEMA)
            .field("job_name", Schema.STRING_SCHEMA).build();
    private static final Schema STEP = SchemaBuilder.struct().name("dev.benchlake.BenchmarkStep")
            .field("step_id", Schema.STRING_SCHEMA).field("job_name", Schema.STRING_SCHEMA)
            .field("aws_region", Schema.STRING_SCHEMA).field("aws_account_id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("status", Schema.STRING_SCHEMA).field("instance_type", Schema.OPTIONAL_STRING_SCHEMA)
            .field("initial_instance_count", Schema.OPTIONAL_INT32_SCHEMA)
            .field("cost_per_inference", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("max_invocations", Schema.OPTIONAL_INT32_SCHEMA).field("model_latency_ms", Schema.OPTIONAL_INT32_SCHEMA)
            .field("job_type", Schema.OPTIONAL_STRING_SCHEMA).field("job_creation_time", Timestamp.builder().optional().build())
            .field("model_package_version_arn", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema JOB = SchemaBuilder.struct().name("dev.benchlake.RecommendationJob")
            .field("job_name", Schema.STRING_SCHEMA).field("aws_region", Schema.STRING_SCHEMA)
            .field("aws_account_id", Schema.OPTIONAL_STRING_SCHEMA).field("job_type", Schema.OPTIONAL_STRING_SCHEMA)
            .field("creation_time", Timestamp.builder().optional().build())
            .field("model_package_version_arn", Schema.OPTIONAL_STRING_SCHEMA).build();

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> steps;
    private TestInputTopic<byte[], byte[]> jobs;
    private TestOutputTopic<byte[], byte[]> changes;
    private JsonConverter keys;
    private JsonConverter values;

    @BeforeEach
    void start() {
        keys = converter(true);
        values = converter(false);
        TrendsTopology.Topics topics = new TrendsTopology.Topics("steps", "jobs", "changes");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "trends-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/trends-test-" + System.nanoTime());
        driver = new TopologyTestDriver(TrendsTopology.build(topics,
                new TrendsTopology.Converters(keys, values, keys, values), DetectorSettings.DEFAULTS), props);
        steps = driver.createInputTopic("steps", new ByteArraySerializer(), new ByteArraySerializer());
        jobs = driver.createInputTopic("jobs", new ByteArraySerializer(), new ByteArraySerializer());
        changes = driver.createOutputTopic("changes", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static JsonConverter converter(boolean isKey) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", "true"), isKey);
        return c;
    }

    private static int latency(double base, int night, int changeNight, double factor) {
        return (int) Math.round(base * (night >= changeNight ? factor : 1) * (1 + NOISE[night % NOISE.length]));
    }

    private static int version(int night) {
        return 1 + (night - 1) / 4;
    }

    private void job(String name, int night, int version) {
        Struct key = new Struct(JOB_KEY).put("aws_account_id", ACCOUNT).put("aws_region", "us-east-1").put("job_name", name);
        Struct value = new Struct(JOB).put("job_name", name).put("aws_region", "us-east-1").put("aws_account_id", ACCOUNT)
                .put("job_type", "Default").put("creation_time", new Date(night * DAY))
                .put("model_package_version_arn", arn(version));
        jobs.pipeInput(keys.fromConnectData("jobs", JOB_KEY, key), values.fromConnectData("jobs", JOB, value));
    }

    private static String arn(int version) {
        return "arn:aws:sagemaker:us-east-1:" + ACCOUNT + ":model-package/fraud-detector/" + version;
    }

    private void step(String jobName, int night, int version, String instanceType, int latencyMs) {
        String stepId = jobName + "-" + instanceType;
        Struct key = new Struct(KEY).put("aws_account_id", ACCOUNT).put("aws_region", "us-east-1")
                .put("job_name", jobName).put("step_id", stepId);
        Struct value = new Struct(STEP).put("step_id", stepId).put("job_name", jobName).put("aws_region", "us-east-1")
                .put("aws_account_id", ACCOUNT).put("status", "COMPLETED").put("instance_type", instanceType)
                .put("initial_instance_count", 1).put("cost_per_inference", 0.0000021).put("max_invocations", 5000)
                .put("model_latency_ms", latencyMs).put("job_type", "Default").put("job_creation_time", new Date(night * DAY))
                .put("model_package_version_arn", arn(version));
        steps.pipeInput(keys.fromConnectData("steps", KEY, key), values.fromConnectData("steps", STEP, value));
    }

    private void night(int night) {
        String job = String.format("fraud-d%02d", night);
        job(job, night, version(night));
        step(job, night, version(night), "ml.g5.xlarge", latency(60, night, 17, 1.3));
        int c5 = latency(90, night, 99, 1);
        step(job, night, version(night), "ml.c5.2xlarge", night == 10 ? (int) Math.round(c5 * 2.5) : c5);
    }

    /** The changes topic as compaction leaves it: the last value of each key, tombstones removing it. */
    private Map<Struct, Struct> compacted(List<TestRecord<byte[], byte[]>> records) {
        Map<Struct, Struct> out = new LinkedHashMap<>();
        for (TestRecord<byte[], byte[]> r : records) {
            Struct key = (Struct) keys.toConnectData("changes", r.key()).value();
            if (r.value() == null) {
                out.remove(key);
            } else {
                out.put(key, (Struct) values.toConnectData("changes", r.value()).value());
            }
        }
        return out;
    }

    @Test
    void theTrueChangeIsReportedOnceConfirmedWithItsVersionAndNothingElse() {
        for (int night = 1; night <= 24; night++) {
            night(night);
        }
        // a bisect: version 4 measured again after version 6, at its old level
        job("fraud-rerun", 25, 4);
        step("fraud-rerun", 25, 4, "ml.g5.xlarge", latency(60, 3, 17, 1.3));
        step("fraud-rerun", 25, 4, "ml.c5.2xlarge", latency(90, 3, 99, 1));

        List<TestRecord<byte[], byte[]>> records = changes.readRecordsToList();
        assertThat(records).allSatisfy(r -> assertThat(r.value()).isNotNull());
        Map<Struct, Struct> table = compacted(records);

        assertThat(table).hasSize(1);
        Struct change = table.values().iterator().next();
        assertThat(change.getString("metric")).isEqualTo("model_latency_ms");
        assertThat(change.getString("direction")).isEqualTo("regression");
        assertThat(change.getString("first_job_name")).isEqualTo("fraud-d17");
        assertThat(change.getInt32("model_package_version")).isEqualTo(5);
        assertThat(change.getString("confirmed_by_job_name")).isEqualTo("fraud-d19");
        assertThat(change.getString("series_label")).contains("fraud-detector", "ml.g5.xlarge", ACCOUNT + "/us-east-1");
        assertThat(change.getFloat64("before_value")).isEqualTo(median(1, 17, 60, 1.0, latency(60, 3, 17, 1.3)),
                within(1e-9)); // the version 4 re-run is a run before the change
        assertThat(change.getFloat64("after_value")).isEqualTo(median(17, 25, 60, 1.3, null), within(1e-9));
        assertThat(change.getFloat64("relative_change")).isCloseTo(0.3, within(0.03));
        assertThat(change.getFloat64("relative_change_low")).isLessThan(0.3);
        assertThat(change.getFloat64("relative_change_high")).isGreaterThan(0.3);
        assertThat(change.getFloat64("significance")).isLessThanOrEqualTo(DetectorSettings.DEFAULTS.alpha());
        Struct key = table.keySet().iterator().next();
        assertThat(key.getString("series_id")).isEqualTo(change.getString("series_id"));
        assertThat(key.getString("first_step_id")).isEqualTo("fraud-d17-ml.g5.xlarge");
    }

    @Test
    void aChangeTheRunsNoLongerSupportIsTombstoned() {
        for (int night = 1; night <= 24; night++) {
            night(night);
        }
        List<TestRecord<byte[], byte[]>> records = new ArrayList<>(changes.readRecordsToList());
        assertThat(compacted(records)).hasSize(1);

        // the runs after the change observed again at the old level (a corrected measurement)
        for (int night = 17; night <= 24; night++) {
            step(String.format("fraud-d%02d", night), night, version(night), "ml.g5.xlarge", latency(60, night, 99, 1));
        }

        List<TestRecord<byte[], byte[]>> after = changes.readRecordsToList();
        assertThat(after).anySatisfy(r -> assertThat(r.value()).isNull());
        records.addAll(after);
        assertThat(compacted(records)).isEmpty();
    }

    private static double median(int fromNight, int toNight, double base, double factor, Integer extra) {
        List<Integer> v = new ArrayList<>();
        if (extra != null) {
            v.add(extra);
        }
        for (int n = fromNight; n < toNight; n++) {
            v.add((int) Math.round(base * factor * (1 + NOISE[n % NOISE.length])));
        }
        v.sort(null);
        int k = v.size();
        return k % 2 == 1 ? v.get(k / 2) : (v.get(k / 2 - 1) + v.get(k / 2)) / 2.0;
    }
}
