package dev.benchlake.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import dev.benchlake.quickstart.stack.Layout;
import dev.benchlake.quickstart.stack.ShippedConfig;

/**
 * Every source config the project ships (config/, the Strimzi KafkaConnector, docker-compose's) writes what every
 * sink config (config/benchlake-sink-*.json, docker-compose's) reads: Avro keys and values through
 * dev.benchlake.avro.AvroConverter, the same registry placeholder, the default subject names (topic-key,
 * topic-value) on both sides, and the sinks subscribe to the topics the sources write.
 */
class ShippedConfigChainTest {
    private static final String CONVERTER = "dev.benchlake.avro.AvroConverter";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static Map<String, String> flat(JsonNode config) {
        Map<String, String> out = new LinkedHashMap<>();
        config.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    private static Map<String, String> json(String relative) throws IOException {
        JsonNode root = JSON.readTree(Layout.file(relative).toFile());
        return flat(root.has("config") ? root.get("config") : root);
    }

    private static Map<String, Map<String, String>> sources() throws IOException {
        Map<String, Map<String, String>> sources = new LinkedHashMap<>();
        sources.put("config/benchlake-source.json", json("config/benchlake-source.json"));
        sources.put("config/benchlake-source-assume-role.json", json("config/benchlake-source-assume-role.json"));
        Properties standalone = new Properties();
        try (InputStream in = Files.newInputStream(Layout.file("config/benchlake-source.properties"))) {
            standalone.load(in);
        }
        Map<String, String> props = new LinkedHashMap<>();
        standalone.stringPropertyNames().forEach(k -> props.put(k, standalone.getProperty(k)));
        sources.put("config/benchlake-source.properties", props);
        sources.put("config/strimzi/kafka-connector.yaml",
                flat(YAML.readTree(Layout.file("config/strimzi/kafka-connector.yaml").toFile()).get("spec").get("config")));
        sources.put("src/docker/connect/benchlake-source.json", json("src/docker/connect/benchlake-source.json"));
        return sources;
    }

    private static Map<String, Map<String, String>> sinks() throws IOException {
        Map<String, Map<String, String>> sinks = new LinkedHashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(Layout.file("config"))) {
            files = s.filter(p -> p.getFileName().toString().matches("benchlake-sink-.*\\.json")).sorted().toList();
        }
        for (Path f : files) {
            sinks.put("config/" + f.getFileName(), json("config/" + f.getFileName()));
        }
        sinks.put("src/docker/connect/benchlake-sink-postgres.json", json("src/docker/connect/benchlake-sink-postgres.json"));
        return sinks;
    }

    @Test
    void everySourceAndEverySinkUseBenchlakesAvroConverterForKeysAndValues() throws IOException {
        Map<String, Map<String, String>> all = new LinkedHashMap<>(sources());
        all.putAll(sinks());
        assertThat(sinks()).hasSize(6);
        all.forEach((file, config) -> {
            assertThat(config).as(file).containsEntry("key.converter", CONVERTER).containsEntry("value.converter", CONVERTER);
            assertThat(config.keySet()).as(file + ": default subject names, topic-key and topic-value")
                    .noneMatch(k -> k.endsWith("subject.name.strategy"));
        });
    }

    @Test
    void everyShippedConfigNamesTheRegistryPlaceholderAndComposeItsRegistry() throws IOException {
        Map<String, Map<String, String>> all = new LinkedHashMap<>(sources());
        all.putAll(sinks());
        List<String> urls = new ArrayList<>();
        all.forEach((file, config) -> {
            for (String key : ShippedConfig.REGISTRY_KEYS) {
                assertThat(config).as(file).containsKey(key);
                urls.add(config.get(key));
            }
        });
        // docker-compose's registry is the service schema-registry on 8081: the placeholder is its address
        assertThat(urls).containsOnly(ShippedConfig.REGISTRY_PLACEHOLDER);
    }

    @Test
    void everySinkReadsTheTopicsTheSourcesWrite() throws IOException {
        for (Map.Entry<String, Map<String, String>> source : sources().entrySet()) {
            String steps = source.getValue().getOrDefault("topic", "benchlake.benchmark-steps");
            String jobs = source.getValue().getOrDefault("jobs.topic", "benchlake.jobs");
            for (Map.Entry<String, Map<String, String>> sink : sinks().entrySet()) {
                assertThat(List.of(sink.getValue().get("topics").split(","))).as(source.getKey() + " → " + sink.getKey())
                        .containsExactlyInAnyOrder(steps, jobs);
            }
        }
    }
}
