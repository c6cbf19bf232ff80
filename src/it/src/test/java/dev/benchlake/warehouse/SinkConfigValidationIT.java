package dev.benchlake.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.runtime.isolation.PluginClassLoader;
import org.apache.kafka.connect.sink.SinkConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.benchlake.quickstart.stack.Layout;

/**
 * The example sink configs of config/ for the warehouses whose connectors Maven Central serves (Snowflake, Apache
 * Iceberg), passed to the connector's own {@code validate()}. Each connector is loaded the way a Connect worker loads
 * a plugin folder: in Connect's {@link PluginClassLoader}, child-first except for the Kafka API, so Snowflake's
 * shaded Kafka classes and Iceberg's newer Avro and Jackson never meet Kafka 4.3.1 or this project's classpath.
 * The folders are filled by the build: Iceberg's by module src/runtimes/iceberg-sink, Snowflake's jar by this
 * module's pre-integration-test phase.
 */
class SinkConfigValidationIT {
    private static PluginClassLoader snowflake;
    private static PluginClassLoader iceberg;

    @BeforeAll
    static void loaders() throws IOException {
        snowflake = loader("snowflake");
        iceberg = loader("iceberg");
    }

    @AfterAll
    static void close() throws IOException {
        snowflake.close();
        iceberg.close();
    }

    private static PluginClassLoader loader(String folder) throws IOException {
        Path dir = folder.equals("iceberg") ? Layout.icebergSinkLib()
                : Path.of("target/sink-validation").resolve(folder).toAbsolutePath();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + " does not exist: `mvn verify` fills it (phase pre-integration-test)");
        }
        URL[] jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(p -> p.toString().endsWith(".jar")).sorted().map(SinkConfigValidationIT::url).toArray(URL[]::new);
        }
        assertThat(jars).isNotEmpty();
        return new PluginClassLoader(dir.toUri().toURL(), jars, SinkConfigValidationIT.class.getClassLoader());
    }

    private static URL url(Path p) {
        try {
            return p.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Connector connector(ClassLoader loader, String className) throws Exception {
        Class<?> cls = Class.forName(className, true, loader);
        assertThat(cls.getClassLoader()).as(className + " is loaded in isolation").isSameAs(loader);
        assertThat(SinkConnector.class.isAssignableFrom(cls)).isTrue();
        return (Connector) cls.getDeclaredConstructor().newInstance();
    }

    /** validate() with the plugin's loader as the thread's context loader, as the worker calls it. */
    private static Map<String, ConfigValue> validate(ClassLoader loader, String className, Map<String, String> config)
            throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            Config result = connector(loader, className).validate(new HashMap<>(config));
            Map<String, ConfigValue> byName = new HashMap<>();
            result.configValues().forEach(v -> byName.put(v.name(), v));
            return byName;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static List<String> errors(Map<String, ConfigValue> values) {
        return values.values().stream().filter(v -> !v.errorMessages().isEmpty())
                .map(v -> v.name() + ": " + v.errorMessages()).sorted().toList();
    }

    private static void assertWiredToBenchlakeAvro(Map<String, String> config) {
        assertThat(config).containsEntry("key.converter", "dev.benchlake.avro.AvroConverter")
                .containsEntry("value.converter", "dev.benchlake.avro.AvroConverter")
                .containsKey("value.converter.schema.registry.url")
                .containsEntry("errors.tolerance", "all")
                .containsKey("errors.deadletterqueue.topic.name")
                .containsEntry("topics", "benchlake.benchmark-steps,benchlake.jobs");
    }

    @Test
    void snowflakeExampleConfigValidates() throws Exception {
        String cls = "com.snowflake.kafka.connector.SnowflakeSinkConnector";
        Map<String, String> config = WarehouseStack.configFile("benchlake-sink-snowflake.json");
        assertWiredToBenchlakeAvro(config);
        assertThat(config.get("connector.class")).isEqualTo(cls);

        // key-pair auth with the key from a config provider: validate() checks the settings without dialing Snowflake
        Map<String, ConfigValue> values = validate(snowflake, cls, config);
        assertThat(errors(values)).isEmpty();
        assertThat(values.get("snowflake.ingestion.method").value()).isEqualTo("SNOWPIPE_STREAMING");
        assertThat(values.get("snowflake.topic2table.map").value())
                .isEqualTo("benchlake.benchmark-steps:BENCHMARK_STEPS,benchlake.jobs:RECOMMENDATION_JOBS");

        // and it does check: a wrong ingestion method is reported
        Map<String, String> broken = new HashMap<>(config);
        broken.put("snowflake.ingestion.method", "CARRIER_PIGEON");
        assertThat(errors(validate(snowflake, cls, broken))).singleElement()
                .satisfies(e -> assertThat(e).startsWith("snowflake.ingestion.method").contains("snowpipe_streaming"));
    }

    @Test
    void icebergExampleConfigValidates() throws Exception {
        String cls = "org.apache.iceberg.connect.IcebergSinkConnector";
        Map<String, String> config = WarehouseStack.configFile("benchlake-sink-iceberg.json");
        assertWiredToBenchlakeAvro(config);
        assertThat(config.get("connector.class")).isEqualTo(cls);

        Map<String, ConfigValue> values = validate(iceberg, cls, config);
        assertThat(errors(values)).isEmpty();
        assertThat(values.get("iceberg.tables").value())
                .isEqualTo(List.of("benchlake.benchmark_steps", "benchlake.recommendation_jobs"));
        assertThat(values.get("iceberg.tables.route-field").value()).isEqualTo("benchlake_topic");
        assertThat(values.get("iceberg.tables.auto-create-enabled").value()).isEqualTo(true);
        assertThat(values.get("iceberg.control.commit.interval-ms").value()).isEqualTo(300_000);

        Map<String, String> broken = new HashMap<>(config);
        broken.put("iceberg.tables.auto-create-enabled", "perhaps");
        assertThat(errors(validate(iceberg, cls, broken)))
                .singleElement().satisfies(e -> assertThat(e).startsWith("iceberg.tables.auto-create-enabled"));
    }

    /** Keys every sink config may set that belong to Kafka Connect, not to the connector. */
    private static boolean connectKey(String key) {
        return List.of("connector.class", "tasks.max", "topics").contains(key) || key.startsWith("key.converter")
                || key.startsWith("value.converter") || key.startsWith("errors.") || key.startsWith("transforms");
    }

    /**
     * Aiven's connector (Maven Central does not serve it here): the class name it kept from WePay's original, and only
     * keys its BigQuerySinkConfig defines (Aiven-Open/bigquery-connector-for-apache-kafka, kcbq-connector).
     */
    @Test
    void bigQueryConfigNamesAivensMaintainedConnectorAndOnlyKeysItDefines() throws IOException {
        Map<String, String> config = WarehouseStack.configFile("benchlake-sink-bigquery.json");
        assertWiredToBenchlakeAvro(config);
        assertThat(config.get("connector.class")).isEqualTo("com.wepay.kafka.connect.bigquery.BigQuerySinkConnector");
        List<String> aivenKeys = List.of("topics.regex", "enableBatchLoad", "batchLoadIntervalSec", "gcsBucketName",
                "gcsFolderName", "project", "defaultDataset", "schemaRetriever", "keyfile", "keySource", "sanitizeTopics",
                "topic2TableMap", "sanitizeFieldNames", "kafkaKeyFieldName", "kafkaDataFieldName", "avroDataCacheSize",
                "convertDoubleSpecialValues", "allBQFieldsNullable", "autoCreateTables", "autoCreateBucket",
                "allowNewBigQueryFields", "allowBigQueryRequiredFieldRelaxation", "allowSchemaUnionization",
                "upsertEnabled", "useStorageWriteApi", "useCredentialsProjectId", "enableBatchMode", "commitInterval",
                "deleteEnabled", "intermediateTableSuffix", "mergeIntervalMs", "mergeRecordsThreshold", "threadPoolSize",
                "queueSize", "bigQueryRetry", "bigQueryRetryWait", "bigQueryMessageTimePartitioning",
                "bigQueryPartitionDecorator", "timestampPartitionFieldName", "clusteringPartitionFieldNames",
                "convertDebeziumTimestampToInteger", "timePartitioningType", "partitionExpirationMs", "max.retries",
                "enableRetries");
        assertThat(config.keySet().stream().filter(k -> !connectKey(k))).allSatisfy(k -> assertThat(aivenKeys).contains(k));
        assertThat(config).containsEntry("keySource", "FILE").containsEntry("upsertEnabled", "true")
                .containsKey("kafkaKeyFieldName").containsEntry("topic2TableMap",
                        "benchlake.benchmark-steps:benchmark_steps,benchlake.jobs:recommendation_jobs");
        String guide = Files.readString(Layout.file("docs/warehouse.md"));
        assertThat(guide).contains("Aiven-Open/bigquery-connector-for-apache-kafka");
    }

    /** The S3 sink's exactly-once needs a deterministic partitioner and rotation on record time, never wall-clock. */
    @Test
    void s3ConfigRotatesOnRecordTimeWhichKeepsItsExactlyOnce() throws IOException {
        Map<String, String> config = WarehouseStack.configFile("benchlake-sink-s3-parquet.json");
        assertWiredToBenchlakeAvro(config);
        assertThat(config).containsEntry("connector.class", "io.confluent.connect.s3.S3SinkConnector")
                .containsEntry("partitioner.class", "io.confluent.connect.storage.partitioner.TimeBasedPartitioner")
                .containsEntry("timestamp.extractor", "Record")
                .containsEntry("partition.duration.ms", "86400000")
                .containsEntry("timezone", "UTC")
                .containsEntry("format.class", "io.confluent.connect.s3.format.parquet.ParquetFormat")
                .doesNotContainKey("rotate.schedule.interval.ms")
                .doesNotContainKey("timestamp.field");
        assertThat(Long.parseLong(config.get("rotate.interval.ms"))).isPositive();
        assertThat(Integer.parseInt(config.get("flush.size"))).isPositive();
    }

    /**
     * The Iceberg config writes through S3FileIO, which the bare connector jar (what Maven Central serves, and what this
     * module's Iceberg folder holds) does not carry: hence the runtime distribution, as docs/warehouse.md says.
     */
    @Test
    void icebergConfigNeedsTheRuntimeDistributionForItsFileIo() throws Exception {
        Map<String, String> config = WarehouseStack.configFile("benchlake-sink-iceberg.json");
        String ioImpl = config.get("iceberg.catalog.io-impl");
        assertThat(ioImpl).isEqualTo("org.apache.iceberg.aws.s3.S3FileIO");
        assertThat(Class.forName("org.apache.iceberg.connect.IcebergSinkConnector", false, iceberg)).isNotNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Class.forName(ioImpl, false, iceberg))
                .isInstanceOf(ClassNotFoundException.class);
        String guide = Files.readString(Layout.file("docs/warehouse.md"));
        assertThat(guide).contains("runtime distribution", "iceberg-kafka-connect-runtime-<version>.zip", "S3FileIO");
    }
}
