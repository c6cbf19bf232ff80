package dev.benchlake.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml without Docker: it parses, names the expected services, pins every image, mounts only paths that
 * the repository or the build provides, publishes no host port twice, and its connector configs line up with the
 * tested ones. An integration test: the mounts name what `package` builds. (Starting it is DockerComposeIT's job, with
 * -Pdocker.)
 */
class DockerComposeFileIT {
    private static final Path PROJECT = QuickstartStack.projectDir();
    private static final Pattern PINNED = Pattern.compile(
            "^[a-z0-9]+([._/-][a-z0-9]+)*(:(?<tag>[A-Za-z0-9_.-]+))?(@sha256:(?<digest>[0-9a-f]{64}))?$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode compose;
    private static JsonNode services;

    @BeforeAll
    static void parse() throws IOException {
        compose = new YAMLMapper().readTree(PROJECT.resolve("docker-compose.yml").toFile());
        services = compose.get("services");
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void parsesWithTheQuickstartTopology() {
        assertThat(compose.path("name").asText()).isEqualTo("benchlake");
        assertThat(names(services)).containsExactlyInAnyOrder("kafka", "schema-registry", "connect",
                "postgres", "emulator", "connect-init");
        for (String service : names(services)) {
            for (String dependency : names(services.get(service).path("depends_on"))) {
                assertThat(services.has(dependency)).as(service + " depends on " + dependency).isTrue();
            }
        }
        JsonNode kafka = services.get("kafka").get("environment");
        assertThat(kafka.get("KAFKA_PROCESS_ROLES").asText()).isEqualTo("broker,controller");
        JsonNode connect = services.get("connect").get("environment");
        assertThat(connect.get("CONNECT_EXACTLY_ONCE_SOURCE_SUPPORT").asText()).isEqualTo("enabled");
        assertThat(connect.get("CONNECT_KEY_CONVERTER").asText()).isEqualTo("dev.benchlake.avro.AvroConverter");
        assertThat(connect.get("CONNECT_VALUE_CONVERTER").asText()).isEqualTo("dev.benchlake.avro.AvroConverter");
        assertThat(connect.get("CONNECT_BOOTSTRAP_SERVERS").asText()).isEqualTo("kafka:9092");
        // plugin.path holds the folders where both plugins are mounted
        List<String> pluginPath = List.of(connect.get("CONNECT_PLUGIN_PATH").asText().split(","));
        assertThat(pluginPath).contains("/opt/benchlake/plugins");
        assertThat(mountTargets("connect")).contains("/opt/benchlake/plugins");
    }

    @Test
    void everyImageIsPinned() {
        Set<String> images = new HashSet<>();
        for (String service : names(services)) {
            String image = services.get(service).path("image").asText(null);
            assertThat(image).as(service + " has an image").isNotNull();
            Matcher m = PINNED.matcher(image);
            assertThat(m.matches()).as(image + " is an image reference").isTrue();
            String tag = m.group("tag");
            String digest = m.group("digest");
            assertThat(tag != null || digest != null).as(image + " names a tag or a digest").isTrue();
            if (digest == null) {
                assertThat(tag).as(image + ": a fixed version, not latest or a moving major")
                        .isNotEqualTo("latest").containsPattern("^\\d+\\.\\d+");
            }
            images.add(image.replaceAll("[:@].*", ""));
        }
        assertThat(images).contains("apache/kafka", "confluentinc/cp-schema-registry", "confluentinc/cp-kafka-connect",
                "postgres");
    }

    @Test
    void everyMountedHostPathExistsInTheRepositoryOrTheBuild() throws IOException {
        Set<String> namedVolumes = new HashSet<>(names(compose.path("volumes")));
        int hostMounts = 0;
        for (String service : names(services)) {
            for (JsonNode volume : services.get(service).path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (!source.startsWith(".") && !source.startsWith("/")) {
                    assertThat(namedVolumes).as(service + " mounts the declared volume " + source).contains(source);
                    continue;
                }
                assertThat(source).as("host paths are relative to the repository").startsWith("./");
                hostMounts++;
                String relative = source.substring(2);
                Path path = PROJECT.resolve(relative).normalize();
                assertThat(path.startsWith(PROJECT)).as(source + " stays inside the repository").isTrue();
                assertThat(path).as(service + " mounts " + source).exists();
            }
        }
        assertThat(hostMounts).isEqualTo(4);
        // what the mounts must hold
        assertThat(PROJECT.resolve("warehouse/postgres/01_landing_tables.sql")).isRegularFile();
        assertThat(PROJECT.resolve("warehouse/postgres/02_models.sql")).isRegularFile();
        Path emulator = PROJECT.resolve("src/sagemaker-emulator/target");
        assertThat(emulator.resolve("benchlake-sagemaker-emulator.jar")).isRegularFile();
        try (var jars = Files.list(emulator.resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("jackson-databind-")).anyMatch(n -> n.startsWith("jackson-core-"))
                    .anyMatch(n -> n.startsWith("jackson-annotations-"));
        }
        // the plugin.path folder holds both plugins, unpacked
        try (var plugins = Files.list(PROJECT.resolve("src/runtimes/connect-plugins/target/plugins"))) {
            assertThat(plugins.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("benchlake-benchlake-connect-")).contains("debezium-connector-jdbc");
        }
    }

    @Test
    void hostPortsDoNotClash() {
        Map<String, String> byHostPort = new HashMap<>();
        for (String service : names(services)) {
            for (JsonNode port : services.get(service).path("ports")) {
                String[] parts = port.asText().split(":");
                assertThat(parts).as("host:container in " + service).hasSize(2);
                String previous = byHostPort.put(parts[0], service);
                assertThat(previous).as("host port " + parts[0] + " of " + service).isNull();
            }
        }
        assertThat(byHostPort).containsOnlyKeys("29092", "8081", "8083", "5432", "9090");
    }

    @Test
    void connectorConfigsMatchTheTestedOnes() throws IOException {
        String register = Files.readString(PROJECT.resolve("src/docker/connect/register.sh"));
        assertThat(register).contains("benchlake-sink-postgres benchlake-source", "/connectors/$name/config");
        JsonNode sink = JSON.readTree(PROJECT.resolve("src/docker/connect/benchlake-sink-postgres.json").toFile());
        JsonNode tested = JSON.readTree(PROJECT.resolve("config/benchlake-sink-postgres.json").toFile()).get("config");
        // compose's single broker and its postgres service: what differs from the shipped file, nothing else
        Set<String> changed = Set.of("connection.password",
                "errors.deadletterqueue.topic.replication.factor");
        for (Iterator<String> it = tested.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!changed.contains(key)) {
                assertThat(sink.path(key).asText()).as(key).isEqualTo(tested.get(key).asText());
            }
        }
        assertThat(sink.get("connection.url").asText()).startsWith("jdbc:postgresql://postgres:5432/benchlake?");
        assertThat(sink.get("connection.password").asText())
                .isEqualTo(services.get("postgres").get("environment").get("POSTGRES_PASSWORD").asText());
        JsonNode source = JSON.readTree(PROJECT.resolve("src/docker/connect/benchlake-source.json").toFile());
        JsonNode shippedSource = JSON.readTree(PROJECT.resolve("config/benchlake-source.json").toFile()).get("config");
        for (String key : List.of("key.converter", "key.converter.schema.registry.url", "value.converter",
                "value.converter.schema.registry.url", "topic", "jobs.topic", "errors.tolerance", "errors.retry.timeout")) {
            assertThat(source.path(key).asText()).as(key).isEqualTo(shippedSource.get(key).asText());
        }
        assertThat(source.get("aws.endpoint.override").asText()).isEqualTo("http://emulator:9090");
        assertThat(source.get("discovery.enabled").asText()).isEqualTo("true");
        assertThat(source.get("value.converter.schema.registry.url").asText()).isEqualTo("http://schema-registry:8081");
        assertThat(texts(services.get("emulator").get("command")))
                .containsSubsequence("-jar", "/opt/benchlake/emulator/benchlake-sagemaker-emulator.jar", "9090", "0.0.0.0");
    }

    private static List<String> mountTargets(String service) {
        List<String> targets = new ArrayList<>();
        for (JsonNode volume : services.get(service).path("volumes")) {
            targets.add(volume.asText().split(":")[1]);
        }
        return targets;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
