package dev.benchlake.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is in the plugin archive: the Confluent Hub component layout, a manifest that says what the component is,
 * the connector jar with its runtime dependencies in lib/, and nothing that the Connect worker provides itself or
 * that only the tests use.
 */
class PluginArchiveIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code name-1.2.3.jar}, {@code name-1.2.3-SNAPSHOT.jar}, {@code name-2.21.jar}: artifact id and version. */
    private static final Pattern JAR_NAME = Pattern.compile("^(.+?)-(\\d[^-]*(?:-SNAPSHOT)?)\\.jar$");

    @TempDir
    static Path unpacked;
    private static Path plugin;
    private static String version;

    @BeforeAll
    static void unpack() {
        version = PluginArchive.version();
        plugin = PluginArchive.unpackInto(unpacked);
    }

    /** What {@code unzip -l} shows: the Hub's archive name and root, its layout, licenses in doc/, no Kafka jar. */
    @Test
    void archiveIsAHubComponentArchiveNamedAndRootedOwnerNameVersion() {
        assertThat(PluginArchive.zip().getFileName().toString()).isEqualTo("benchlake-benchlake-connect-" + version + ".zip");
        List<String> entries = PluginArchive.entries();
        String root = "benchlake-benchlake-connect-" + version + "/";
        assertThat(entries).allSatisfy(e -> assertThat(e).startsWith(root));
        assertThat(entries).contains(root + "manifest.json", root + "lib/", root + "etc/", root + "doc/", root + "assets/",
                root + "assets/benchlake-logo.png", root + "doc/LICENSE", root + "doc/NOTICE", root + "doc/CHANGELOG.md",
                root + "doc/THIRD-PARTY.txt", root + "doc/licenses/MIT-0.txt",
                root + "doc/licenses/avro-1.12.1-jar/META-INF/LICENSE", root + "doc/licenses/avro-1.12.1-jar/META-INF/NOTICE");
        assertThat(entries.stream().filter(e -> e.endsWith(".jar")))
                .as("jars live in lib/ only").allSatisfy(e -> assertThat(e).startsWith(root + "lib/"))
                .as("no Kafka jar").noneMatch(e -> e.matches(".*/lib/(kafka|connect)-.*"));
        assertThat(entries.stream().filter(e -> e.endsWith(".zip"))).as("Connect would load a nested zip as a jar").isEmpty();
    }

    /**
     * doc/THIRD-PARTY.txt (license-maven-plugin, from the jars' POMs) names every dependency jar of lib/ with its
     * license, and each has a license text in the archive: the one its jar carries (doc/licenses/<jar>/), or, for a jar
     * that carries none, the text of its license (Apache-2.0: doc/LICENSE; MIT-0: doc/licenses/MIT-0.txt).
     */
    @Test
    void everyBundledJarHasALicenseEntryAndALicenseText() throws IOException {
        Pattern line = Pattern.compile("^\\s+((?:\\([^)]+\\) )+)(.+) \\(([^:\\s]+):([^:\\s]+):([^\\s]+) - (.+)\\)$");
        Map<String, List<String>> licensesByJar = new TreeMap<>();
        for (String l : Files.readAllLines(plugin.resolve("doc/THIRD-PARTY.txt"))) {
            Matcher m = line.matcher(l);
            if (m.matches()) {
                List<String> licenses = new ArrayList<>();
                Matcher each = Pattern.compile("\\(([^)]+)\\)").matcher(m.group(1));
                while (each.find()) {
                    licenses.add(each.group(1));
                }
                licensesByJar.put(m.group(4) + "-" + m.group(5) + ".jar", licenses);
            }
        }
        // every jar but the connector's own (whose license is doc/LICENSE): the converter is a dependency like the others
        List<String> thirdParty = PluginArchive.libJars(plugin).stream()
                .filter(j -> !j.equals("benchlake-connect-" + version + ".jar")).toList();
        assertThat(thirdParty).hasSizeGreaterThan(30).contains("benchlake-avro-converter-" + version + ".jar");
        assertThat(licensesByJar.keySet()).as("one entry per dependency jar of lib/, nothing else")
                .containsExactlyInAnyOrderElementsOf(thirdParty);
        String apache = Files.readString(plugin.resolve("doc/LICENSE"));
        assertThat(apache).contains("Apache License", "Version 2.0, January 2004");
        for (String jar : thirdParty) {
            List<String> licenses = licensesByJar.get(jar);
            assertThat(licenses).as(jar).isNotEmpty().allSatisfy(name ->
                    assertThat(name).as(jar + " under a license this project may bundle").matches("(?i).*(apache|mit).*"));
            Path own = plugin.resolve("doc/licenses").resolve(jar.replaceAll("\\.jar$", "-jar"));
            boolean carriesText = false;
            if (Files.isDirectory(own)) {
                try (var files = Files.walk(own)) {
                    carriesText = files.anyMatch(f -> f.getFileName().toString().toUpperCase(java.util.Locale.ROOT)
                            .contains("LICENSE"));
                }
            }
            if (!carriesText) {
                assertThat(licenses).as(jar + " carries no license file: its license's text ships instead")
                        .allSatisfy(name -> assertThat(name).matches("(?i)apache.*2.*|MIT-0"));
                if (licenses.contains("MIT-0")) {
                    assertThat(plugin.resolve("doc/licenses/MIT-0.txt")).content().contains("MIT No Attribution");
                }
            }
        }
    }

    /**
     * The Commons Logging the archive ships is the one the integration tests run with (the secrets tests capture the
     * Apache HTTP client's logging through it): before, the archive shipped 1.2 and the tests pinned 1.3.5.
     */
    @Test
    void theArchiveShipsTheCommonsLoggingTheTestsRunWith() throws Exception {
        String tested = Path.of(org.apache.commons.logging.LogFactory.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI()).getFileName().toString();
        assertThat(tested).startsWith("commons-logging-");
        assertThat(PluginArchive.libJars(plugin)).filteredOn(j -> j.startsWith("commons-logging-")).containsExactly(tested);
    }

    @Test
    void manifestDescribesASourceConnectorAndAConverterUnderApache2() throws IOException {
        JsonNode m = JSON.readTree(plugin.resolve("manifest.json").toFile());
        assertThat(m.get("name").asText()).isEqualTo(PluginArchive.NAME);
        assertThat(m.get("version").asText()).isEqualTo(version);
        assertThat(m.get("title").asText()).contains("SageMaker Inference Recommender");
        assertThat(m.get("description").asText()).contains("dev.benchlake.avro.AvroConverter").contains("iam-policy.json");
        assertThat(m.get("owner").get("username").asText()).isEqualTo("benchlake");
        assertThat(m.get("owner").get("type").asText()).isEqualTo("organization");
        assertThat(texts(m.get("component_types"))).containsExactly("source", "converter");
        assertThat(m.get("license")).hasSize(1);
        assertThat(m.get("license").get(0).get("name").asText()).isEqualTo("Apache-2.0");
        assertThat(m.get("license").get(0).get("url").asText()).isEqualTo("https://www.apache.org/licenses/LICENSE-2.0");
        JsonNode features = m.get("features");
        assertThat(texts(features.get("supported_encodings"))).containsExactly("any");
        assertThat(features.get("single_message_transforms").asBoolean()).isTrue();
        assertThat(features.get("kafka_connect_api").asBoolean()).isTrue();
        assertThat(texts(features.get("delivery_guarantee"))).containsExactly("at_least_once", "exactly_once");
        // the Hub's listing fields
        assertThat(m.get("owner").get("username").asText()).isEqualTo(PluginArchive.OWNER);
        assertThat(m.get("documentation_url").asText()).isEqualTo("https://github.com/benchlake/benchlake#readme");
        assertThat(m.get("source_url").asText()).isEqualTo("https://github.com/benchlake/benchlake");
        assertThat(java.time.LocalDate.parse(m.get("release_date").asText())).isBeforeOrEqualTo(java.time.LocalDate.now());
        assertThat(m.get("support").get("url").asText()).startsWith("https://github.com/benchlake/benchlake");
        for (String logo : List.of(m.get("logo").asText(), m.get("owner").get("logo").asText())) {
            java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(plugin.resolve(logo).toFile());
            assertThat(image).as(logo).isNotNull();
            assertThat(image.getWidth()).as("the Hub asks for at least 400 x 200").isGreaterThanOrEqualTo(400);
            assertThat(image.getHeight()).isGreaterThanOrEqualTo(200);
        }
        assertThat(texts(m.get("tags"))).contains("sagemaker", "avro");
        assertThat(Files.readString(plugin.resolve("manifest.json"))).as("every Maven property filtered").doesNotContain("${");
    }

    @Test
    void etcHoldsTheExampleConfigsAndDocTheReadmePolicyAndSchemas() throws IOException {
        List<String> etc = list(plugin.resolve("etc"));
        assertThat(etc).contains("benchlake-source.json", "benchlake-source-assume-role.json", "benchlake-source.properties",
                "benchlake-sink-postgres.json");
        // the connector and sink configs and the worker snippets of config/, no policy: what a user copies and edits
        List<String> shipped;
        try (java.util.stream.Stream<Path> files = Files.list(PluginArchive.projectDir().resolve("config"))) {
            shipped = files.filter(Files::isRegularFile).map(f -> f.getFileName().toString()).toList();
        }
        assertThat(etc).as("only example configs of config/").allSatisfy(f -> assertThat(shipped).contains(f))
                .doesNotContain("iam-policy.json");
        for (String json : List.of("benchlake-source.json", "benchlake-source-assume-role.json")) {
            JsonNode c = JSON.readTree(plugin.resolve("etc").resolve(json).toFile());
            JsonNode config = c.has("config") ? c.get("config") : c;
            assertThat(config.get("connector.class").asText()).as(json).isEqualTo("dev.benchlake.connect.InferenceRecommenderSourceConnector");
        }
        Properties standalone = new Properties();
        try (InputStream in = Files.newInputStream(plugin.resolve("etc/benchlake-source.properties"))) {
            standalone.load(in);
        }
        assertThat(standalone.getProperty("connector.class")).isEqualTo("dev.benchlake.connect.InferenceRecommenderSourceConnector");

        assertThat(list(plugin.resolve("doc"))).contains("README.md", "deploy.md", "configuration.md", "monitoring.md",
                "compatibility.md", "upgrading.md", "iam-policy.json", "schemas", "LICENSE",
                "NOTICE", "CHANGELOG.md", "THIRD-PARTY.txt", "licenses");
        assertThat(plugin.resolve("doc/LICENSE")).hasSameTextualContentAs(PluginArchive.projectDir().resolve("LICENSE"));
        JsonNode policy = JSON.readTree(plugin.resolve("doc/iam-policy.json").toFile());
        assertThat(policy.toString()).contains("sagemaker:ListInferenceRecommendationsJobSteps",
                "sagemaker:DescribeInferenceRecommendationsJob", "sagemaker:ListInferenceRecommendationsJobs");
        // the record contract: every .avsc of schemas/ (the step and job records, and the trends application's changes)
        List<String> schemas;
        try (java.util.stream.Stream<Path> files = Files.list(PluginArchive.projectDir().resolve("schemas"))) {
            schemas = files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".avsc")).toList();
        }
        assertThat(schemas).contains("BenchmarkStep.avsc", "BenchmarkStepKey.avsc", "RecommendationJob.avsc",
                "RecommendationJobKey.avsc");
        assertThat(list(plugin.resolve("doc/schemas"))).containsExactlyInAnyOrderElementsOf(schemas);
        assertThat(Files.readString(plugin.resolve("doc/README.md"))).startsWith("# Benchlake");
    }

    @Test
    void libHoldsTheConnectorJarAndItsRuntimeDependencies() {
        List<String> jars = PluginArchive.libJars(plugin);
        Map<String, String> versions = artifactVersions(jars);
        assertThat(versions).containsEntry("benchlake-connect", version)
                .containsEntry("benchlake-avro-converter", version)
                .containsEntry("sagemaker", "2.40.2")
                .containsEntry("sts", "2.40.2")
                .containsEntry("apache-client", "2.40.2")
                .containsEntry("sdk-core", "2.40.2")
                .containsEntry("avro", "1.12.1")
                .containsEntry("jackson-databind", "2.21.2")
                .containsKeys("jackson-core", "jackson-annotations", "httpclient", "httpcore");
        assertThat(versions).as("Netty is excluded: the synchronous clients run on the Apache HTTP client")
                .doesNotContainKey("netty-nio-client");
        assertThat(jars).as("one version of each artifact").hasSize(versions.size());
    }

    @Test
    void libHoldsNothingTheWorkerProvidesNorAnyTestLibrary() {
        List<String> jars = PluginArchive.libJars(plugin);
        assertThat(jars).noneMatch(j -> j.startsWith("kafka-") || j.startsWith("kafka_") || j.startsWith("connect-"))
                .noneMatch(j -> j.startsWith("slf4j-") || j.startsWith("log4j") || j.startsWith("logback") || j.startsWith("reload4j"))
                .noneMatch(j -> j.startsWith("junit") || j.startsWith("assertj") || j.startsWith("awaitility")
                        || j.startsWith("opentest4j") || j.startsWith("jmh"))
                .noneMatch(j -> j.startsWith("jetty-") || j.startsWith("jersey-") || j.startsWith("scala-"));
    }

    /**
     * Kafka's PluginUtils loads org.apache.kafka.* and org.slf4j.* parent-first: a copy inside the plugin (shaded or
     * not) would be dead weight at best. The emulator and the other test classes must not ship either.
     */
    @Test
    void noJarCarriesParentFirstPackagesLoggingBackEndsOrTestClasses() throws IOException {
        Map<String, List<String>> offending = new TreeMap<>();
        for (String jar : PluginArchive.libJars(plugin)) {
            try (JarFile jf = new JarFile(plugin.resolve("lib").resolve(jar).toFile())) {
                List<String> bad = jf.stream().map(JarEntry::getName)
                        .filter(n -> n.endsWith(".class"))
                        .filter(n -> n.startsWith("org/apache/kafka/") || n.startsWith("org/slf4j/")
                                || n.startsWith("org/apache/logging/log4j/") || n.startsWith("org/apache/log4j/")
                                || n.startsWith("ch/qos/logback/")
                                || n.startsWith("dev/benchlake/emulator/") || n.startsWith("dev/benchlake/it/")
                                || n.startsWith("dev/benchlake/packaging/") || n.startsWith("dev/benchlake/registry/")
                                || n.startsWith("org/junit/") || n.startsWith("org/assertj/"))
                        .limit(3).toList();
                if (!bad.isEmpty()) {
                    offending.put(jar, bad);
                }
            }
        }
        assertThat(offending).isEmpty();
    }

    @Test
    void theJarsDeclareBothPluginsAndTheConnectorCarriesSchemasAndVersion() throws IOException {
        try (JarFile converter = new JarFile(plugin.resolve("lib").resolve("benchlake-avro-converter-" + version + ".jar").toFile())) {
            assertThat(read(converter, "META-INF/services/org.apache.kafka.connect.storage.Converter").strip())
                    .isEqualTo("dev.benchlake.avro.AvroConverter");
            assertThat(converter.getJarEntry("dev/benchlake/avro/AvroConverter.class")).isNotNull();
            // what AvroConverter.version() reports
            assertThat(converter.getManifest().getMainAttributes().getValue("Implementation-Version")).isEqualTo(version);
        }
        try (JarFile jar = new JarFile(plugin.resolve("lib").resolve("benchlake-connect-" + version + ".jar").toFile())) {
            assertThat(read(jar, "META-INF/services/org.apache.kafka.connect.source.SourceConnector").strip())
                    .isEqualTo("dev.benchlake.connect.InferenceRecommenderSourceConnector");
            assertThat(jar.getJarEntry("META-INF/services/org.apache.kafka.connect.storage.Converter"))
                    .as("the converter is declared by its own jar").isNull();
            // what the connector's and the task's version() report
            assertThat(jar.getManifest().getMainAttributes().getValue("Implementation-Version")).isEqualTo(version);
            Properties p = new Properties();
            p.load(new StringReader(read(jar, "dev/benchlake/benchlake-version.properties")));
            assertThat(p.getProperty("version")).isEqualTo(version);
            assertThat(read(jar, "dev/benchlake/schemas/BenchmarkStep.avsc"))
                    .isEqualTo(Files.readString(PluginArchive.projectDir().resolve("schemas/BenchmarkStep.avsc")));
            List<String> classes = jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class")).toList();
            assertThat(classes).contains("dev/benchlake/connect/InferenceRecommenderSourceConnector.class",
                    "dev/benchlake/connect/InferenceRecommenderSourceTask.class");
            assertThat(classes).allSatisfy(c -> assertThat(c).startsWith("dev/benchlake/")
                    .doesNotEndWith("Test.class").doesNotEndWith("IT.class"));
        }
    }

    private static Map<String, String> artifactVersions(List<String> jars) {
        Map<String, String> versions = new TreeMap<>();
        List<String> unparsed = new ArrayList<>();
        for (String jar : jars) {
            Matcher m = JAR_NAME.matcher(jar);
            if (m.matches()) {
                versions.put(m.group(1), m.group(2));
            } else {
                unparsed.add(jar);
            }
        }
        assertThat(unparsed).as("jar names artifactId-version.jar").isEmpty();
        return versions;
    }

    private static String read(JarFile jar, String entry) throws IOException {
        JarEntry e = jar.getJarEntry(entry);
        assertThat(e).as(entry).isNotNull();
        try (InputStream in = jar.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> list(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toList());
        }
    }
}
