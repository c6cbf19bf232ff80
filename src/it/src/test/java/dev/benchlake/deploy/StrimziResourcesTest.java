package dev.benchlake.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.strimzi.api.kafka.model.common.CertSecretSource;
import io.strimzi.api.kafka.model.common.metrics.JmxPrometheusExporterMetrics;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connect.KafkaConnectSpec;
import io.strimzi.api.kafka.model.connect.build.DockerOutput;
import io.strimzi.api.kafka.model.connect.build.Plugin;
import io.strimzi.api.kafka.model.connect.build.ZipArtifact;
import io.strimzi.api.kafka.model.connector.AbstractConnectorSpec;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import io.strimzi.api.kafka.model.connector.KafkaConnectorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.benchlake.quickstart.stack.Layout;

/**
 * config/strimzi/ read into Strimzi's own model (io.strimzi:api) as {@code kafka.strimzi.io/v1}, the API Strimzi 1.0
 * serves: a field the model does not know fails the read, none that v1 removed is set, and the fields that make the
 * deployment work are checked: TLS to the brokers, the storage fields v1 requires, the image build from a release
 * archive, the metrics rules, and a connector configured exactly as config/benchlake-source.json.
 */
class StrimziResourcesTest {

    private static final Path CONNECT = Layout.file("config/strimzi/kafka-connect.yaml");
    private static final Path CONNECTOR = Layout.file("config/strimzi/kafka-connector.yaml");
    /** A release of the project on GitHub: the tag v<version>, the Hub archive benchlake-benchlake-connect-<version>.zip. */
    private static final Pattern RELEASE_URL = Pattern.compile("https://github\\.com/benchlake/benchlake/releases/download/"
            + "v(\\d+\\.\\d+\\.\\d+)/benchlake-benchlake-connect-(\\d+\\.\\d+\\.\\d+)\\.zip");
    private static final ObjectMapper YAML = strictMapper(new ObjectMapper(new YAMLFactory()));
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Strimzi's and fabric8's model classes keep unknown fields in {@code additionalProperties} (a Jackson any-setter),
     * which FAIL_ON_UNKNOWN_PROPERTIES never sees: without their any-setters, every unknown field fails the read.
     */
    static ObjectMapper strictMapper(ObjectMapper mapper) {
        SimpleModule noCatchAll = new SimpleModule("no-additional-properties");
        noCatchAll.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription bean,
                    BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                return builder;
            }
        });
        return mapper.registerModule(noCatchAll).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    private static <T> T read(Path file, Class<T> type) throws IOException {
        return YAML.readValue(file.toFile(), type);
    }

    @Test
    void bothResourcesAreKafkaStrimziIoV1AndUseNoFieldThatV1Removed() throws IOException {
        KafkaConnect connect = read(CONNECT, KafkaConnect.class);
        KafkaConnector connector = read(CONNECTOR, KafkaConnector.class);
        // the model keeps the apiVersion of its Java class (fabric8 @Version), whatever the document said: read it raw
        JsonNode connectHeader = YAML.readTree(CONNECT.toFile());
        JsonNode connectorHeader = YAML.readTree(CONNECTOR.toFile());

        assertThat(KafkaConnect.VERSIONS).contains("v1");
        assertThat(connectHeader.get("apiVersion").asText()).isEqualTo(KafkaConnect.RESOURCE_GROUP + "/v1");
        assertThat(connectHeader.get("kind").asText()).isEqualTo(KafkaConnect.RESOURCE_KIND);
        assertThat(KafkaConnector.VERSIONS).contains("v1");
        assertThat(connectorHeader.get("apiVersion").asText()).isEqualTo(KafkaConnector.RESOURCE_GROUP + "/v1");
        assertThat(connectorHeader.get("kind").asText()).isEqualTo(KafkaConnector.RESOURCE_KIND);
        // the model also reads v1beta2: these are its fields marked @PresentInVersions("v1beta2"), gone in v1
        assertThat(connect.getSpec().getExternalConfiguration()).isNull();
        assertThat(connector.getSpec().getPause()).isNull();
    }

    @Test
    void kafkaConnectReachesTheBrokersOverTlsTrustingTheClusterCa() throws IOException {
        KafkaConnectSpec spec = read(CONNECT, KafkaConnect.class).getSpec();

        URI bootstrap = URI.create("kafka://" + spec.getBootstrapServers());
        assertThat(bootstrap.getPort()).as("the TLS listener's port").isEqualTo(9093);
        assertThat(spec.getTls()).as("a tls block: without it the client speaks plaintext to the TLS port").isNotNull();
        List<CertSecretSource> trusted = spec.getTls().getTrustedCertificates();
        assertThat(trusted).singleElement().satisfies(ca -> {
            // Strimzi names both after the Kafka resource: <cluster>-kafka-bootstrap and <cluster>-cluster-ca-cert
            String cluster = bootstrap.getHost().replace("-kafka-bootstrap", "");
            assertThat(ca.getSecretName()).isEqualTo(cluster + "-cluster-ca-cert");
            assertThat(ca.getPattern()).isEqualTo("*.crt");
        });
    }

    @Test
    void kafkaConnectSetsTheFieldsV1RequiresAndNoConfigStrimziWouldIgnore() throws IOException {
        KafkaConnect connect = read(CONNECT, KafkaConnect.class);
        KafkaConnectSpec spec = connect.getSpec();

        assertThat(connect.getMetadata().getAnnotations()).containsEntry("strimzi.io/use-connector-resources", "true");
        assertThat(spec.getReplicas()).isPositive();
        assertThat(spec.getGroupId()).isEqualTo("benchlake");
        assertThat(List.of(spec.getConfigStorageTopic(), spec.getOffsetStorageTopic(), spec.getStatusStorageTopic()))
                .doesNotContainNull().doesNotHaveDuplicates();
        List<String> forbidden = split(KafkaConnectSpec.FORBIDDEN_PREFIXES);
        List<String> allowed = split(KafkaConnectSpec.FORBIDDEN_PREFIX_EXCEPTIONS);
        assertThat(spec.getConfig().keySet()).allSatisfy(key -> assertThat(
                allowed.contains(key) || forbidden.stream().noneMatch(key::startsWith)).as(key).isTrue());
        assertThat(spec.getConfig()).containsEntry("exactly.once.source.support", "enabled");
    }

    @Test
    void kafkaConnectBuildsItsImageFromTheReleasedPluginArchive() throws IOException {
        KafkaConnectSpec spec = read(CONNECT, KafkaConnect.class).getSpec();

        assertThat(spec.getBuild().getOutput()).isInstanceOf(DockerOutput.class);
        String image = ((DockerOutput) spec.getBuild().getOutput()).getImage();
        assertThat(spec.getBuild().getPlugins()).hasSize(1);
        Plugin plugin = spec.getBuild().getPlugins().get(0);
        assertThat(plugin.getName()).isEqualTo("benchlake").matches("^[a-z0-9][-_a-z0-9]*[a-z0-9]$");
        assertThat(plugin.getArtifacts()).singleElement().isInstanceOf(ZipArtifact.class);
        String url = ((ZipArtifact) plugin.getArtifacts().get(0)).getUrl();
        Matcher release = RELEASE_URL.matcher(url);
        assertThat(release.matches()).as("a GitHub release of the project: %s", url).isTrue();
        assertThat(release.group(2)).as("the archive of the tag's version").isEqualTo(release.group(1));
        assertThat(image).as("the image is tagged with the plugin's version").endsWith(":" + release.group(1));
    }

    @Test
    void kafkaConnectExportsMetricsWithTheShippedJmxExporterRules() throws IOException {
        KafkaConnectSpec spec = read(CONNECT, KafkaConnect.class).getSpec();

        assertThat(spec.getMetricsConfig()).isInstanceOf(JmxPrometheusExporterMetrics.class);
        String key = ((JmxPrometheusExporterMetrics) spec.getMetricsConfig()).getValueFrom().getConfigMapKeyRef().getKey();
        // kubectl create configmap --from-file names the key after the file
        assertThat(Layout.file("config/prometheus").resolve(key)).isRegularFile();
    }

    @Test
    void kafkaConnectorRunsBenchlakeOnThatClusterConfiguredAsBenchlakeSourceJson() throws IOException {
        KafkaConnector connector = read(CONNECTOR, KafkaConnector.class);
        KafkaConnectorSpec spec = connector.getSpec();
        JsonNode shipped = JSON.readTree(Layout.file("config/benchlake-source.json").toFile());
        Map<String, String> expected = new LinkedHashMap<>();
        shipped.get("config").properties().forEach(e -> expected.put(e.getKey(), e.getValue().asText()));

        assertThat(connector.getMetadata().getLabels()).containsEntry("strimzi.io/cluster",
                read(CONNECT, KafkaConnect.class).getMetadata().getName());
        assertThat(connector.getMetadata().getName()).isEqualTo(shipped.get("name").asText());
        assertThat(spec.getClassName()).isEqualTo(expected.remove("connector.class"));
        assertThat(spec.getTasksMax()).isEqualTo(Integer.parseInt(expected.remove("tasks.max")));
        // what JSON says in strings YAML may say in numbers: Strimzi hands Connect both as they print
        Map<String, String> config = new LinkedHashMap<>();
        spec.getConfig().forEach((k, v) -> config.put(k, String.valueOf(v)));
        assertThat(config).isEqualTo(expected);
        assertThat(config.keySet()).doesNotContainAnyElementsOf(split(AbstractConnectorSpec.FORBIDDEN_PARAMETERS));
    }

    /** The check that the others rely on: the strict reader rejects a field Strimzi's model does not have. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a typo in the spec                 | kafka-connect.yaml   | '  groupId: benchlake'           | '  groupID: benchlake'",
        "a typo inside the tls block        | kafka-connect.yaml   | '        pattern: \"*.crt\"'      | '        patterns: \"*.crt\"'",
        "a typo in the metadata             | kafka-connect.yaml   | '  annotations:'                 | '  annotation:'",
        "a typo in the connector spec      | kafka-connector.yaml | '  tasksMax: 2'                  | '  taskMax: 2'",
    })
    void aFieldTheModelDoesNotKnowFailsTheRead(String what, String file, String original, String changed) throws IOException {
        Path path = Layout.file("config/strimzi").resolve(file);
        String yaml = Files.readString(path);
        assertThat(yaml).as("a line of %s", file).contains("\n" + original + "\n");
        String broken = yaml.replace("\n" + original + "\n", "\n" + changed + "\n");
        Class<?> type = file.equals("kafka-connect.yaml") ? KafkaConnect.class : KafkaConnector.class;

        assertThatThrownBy(() -> YAML.readValue(broken, type)).isInstanceOf(UnrecognizedPropertyException.class);
    }

    @Test
    void theDeployGuidesStrimziSectionUsesTheseFiles() throws IOException {
        String guide = Files.readString(Layout.file("docs/deploy.md"));
        Matcher section = Pattern.compile("\n### Strimzi\n(.*?)(?=\n##+ |\\z)", Pattern.DOTALL).matcher(guide);
        assertThat(section.find()).as("a Strimzi section").isTrue();
        String strimzi = section.group(1);

        assertThat(strimzi).contains("config/strimzi/kafka-connect.yaml", "config/strimzi/kafka-connector.yaml")
                .doesNotContain("v1beta2", "example.com");
    }

    private static List<String> split(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).toList();
    }
}
