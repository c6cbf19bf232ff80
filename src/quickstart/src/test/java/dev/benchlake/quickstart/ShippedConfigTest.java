package dev.benchlake.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.benchlake.quickstart.lake.IcebergLakehouse;
import dev.benchlake.quickstart.stack.Layout;
import dev.benchlake.quickstart.stack.ShippedConfig;

/** The placeholders of the shipped configs, and what the quickstart deploys: those files, with only them substituted. */
class ShippedConfigTest {
    private static final String REGISTRY = "http://127.0.0.1:41234/api/v1/confluent";

    private static Quickstart quickstart(String... args) {
        return new Quickstart(QuickstartOptions.parse(args),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), 0, Layout.root());
    }

    @Test
    void theQuickstartsSinkIsTheShippedPostgresSinkWithAddressesCredentialsAndOneReplica() {
        ShippedConfig sink = Quickstart.sinkConfig(REGISTRY, 54321);

        assertThat(sink.substitutedKeys()).containsExactlyInAnyOrder("key.converter.schema.registry.url",
                "value.converter.schema.registry.url", "connection.url", "connection.username", "connection.password",
                "errors.deadletterqueue.topic.replication.factor");
        assertThat(sink.config()).containsEntry("connection.url",
                        "jdbc:postgresql://127.0.0.1:54321/benchlake?options=-c%20TimeZone%3DUTC")
                .containsEntry("value.converter.schema.registry.url", REGISTRY)
                .containsEntry("errors.deadletterqueue.topic.replication.factor", "1")
                .containsEntry("key.converter", "dev.benchlake.avro.AvroConverter")
                .containsEntry("value.converter", "dev.benchlake.avro.AvroConverter");
    }

    @Test
    void theQuickstartsIcebergSinkIsTheShippedOneWithAJdbcCatalogOnALocalFolderAndAddresses(@TempDir Path lake) {
        ShippedConfig sink = Quickstart.icebergSinkConfig(REGISTRY, "127.0.0.1:9092", IcebergLakehouse.jdbcCatalog(
                "jdbc:postgresql://127.0.0.1:54321/iceberg_catalog", "postgres", "quickstart", lake));

        assertThat(sink.name()).isEqualTo(QuickstartStack.ICEBERG_SINK);
        assertThat(sink.substitutedKeys()).containsExactlyInAnyOrder("key.converter.schema.registry.url",
                "value.converter.schema.registry.url", "errors.deadletterqueue.topic.replication.factor",
                "iceberg.catalog.type", "iceberg.catalog.uri", "iceberg.catalog.warehouse", "iceberg.catalog.io-impl",
                "iceberg.catalog.client.region", "iceberg.catalog.jdbc.user", "iceberg.catalog.jdbc.password",
                "iceberg.kafka.bootstrap.servers", "iceberg.control.commit.interval-ms");
        assertThat(sink.config()).containsEntry("iceberg.catalog.type", "jdbc")
                .containsEntry("iceberg.catalog.uri", "jdbc:postgresql://127.0.0.1:54321/iceberg_catalog")
                .containsEntry("iceberg.catalog.jdbc.user", "postgres")
                .containsEntry("iceberg.catalog.warehouse", lake.toUri().toString())
                .containsEntry("iceberg.kafka.bootstrap.servers", "127.0.0.1:9092")
                .containsEntry("iceberg.control.commit.interval-ms", "2000")
                .doesNotContainKeys("iceberg.catalog.io-impl", "iceberg.catalog.client.region");
        for (String shippedAsIs : new String[] {"topics", "iceberg.tables", "iceberg.tables.route-field",
                "iceberg.table.benchlake.benchmark_steps.id-columns", "iceberg.table.benchlake.benchmark_steps.partition-by",
                "iceberg.control.topic", "transforms.topic.type", "key.converter", "value.converter", "errors.tolerance",
                "tasks.max"}) {
            assertThat(sink.config().get(shippedAsIs)).as(shippedAsIs).isEqualTo(sink.shipped().get(shippedAsIs)).isNotNull();
        }
    }

    @Test
    void theQuickstartsSourceIsTheShippedSourceWithPlaceholdersAndRunOptionsOnly() {
        ShippedConfig demo = quickstart().sourceConfig(URI.create("http://127.0.0.1:9999"), REGISTRY);
        ShippedConfig aws = quickstart("--aws", "--region", "eu-west-1", "--job-names", "a-1,b-2").sourceConfig(null, REGISTRY);

        Set<String> placeholders = new HashSet<>(ShippedConfig.REGISTRY_KEYS);
        placeholders.addAll(Set.of("aws.endpoint.override", "aws.credentials.provider", "aws.access.key.id",
                "aws.secret.access.key", "topic.creation.default.replication.factor"));
        placeholders.addAll(Quickstart.RUN_OPTIONS);
        for (ShippedConfig source : new ShippedConfig[] {demo, aws}) {
            assertThat(placeholders).containsAll(source.substitutedKeys());
            for (String shippedAsIs : new String[] {"key.converter", "value.converter", "topic", "jobs.topic",
                    "errors.tolerance", "errors.retry.timeout", "nan.handling", "tasks.max", "aws.region"}) {
                assertThat(source.config().get(shippedAsIs)).as(shippedAsIs).isEqualTo(source.shipped().get(shippedAsIs));
            }
        }
        assertThat(demo.config()).containsEntry("aws.endpoint.override", "http://127.0.0.1:9999")
                .containsEntry("aws.credentials.provider", "static").containsEntry("discovery.enabled", "true")
                .containsEntry("poll.interval.ms", "1000");
        assertThat(aws.config()).containsEntry("aws.credentials.provider", "default").containsEntry("job.names", "a-1,b-2")
                .containsEntry("discovery.enabled", "false").containsEntry("poll.interval.ms", "60000")
                .doesNotContainKey("aws.endpoint.override").doesNotContainKey("aws.secret.access.key");
    }

    @Test
    void aPlaceholderThatTheFileNoLongerHoldsIsRefusedNotOverwritten(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("edited.json");
        Files.writeString(file, "{\"name\": \"x\", \"config\": {\"key.converter.schema.registry.url\": \"https://registry.corp:8081\","
                + " \"value.converter.schema.registry.url\": \"http://schema-registry:8081\"}}");
        ShippedConfig config = ShippedConfig.load(file);

        assertThatThrownBy(() -> config.schemaRegistry(REGISTRY)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("key.converter.schema.registry.url is https://registry.corp:8081");
        assertThatThrownBy(() -> ShippedConfig.load("benchlake-source.json").withRunOptions(Map.of("value.converter", "x"),
                Quickstart.RUN_OPTIONS)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value.converter");
    }
}
