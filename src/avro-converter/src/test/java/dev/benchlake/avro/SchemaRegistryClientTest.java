package dev.benchlake.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientTest {
    private static final String SECRET = "s3cr3t-Pa55word";

    private FakeSchemaRegistry registry;

    @BeforeEach
    void start() throws IOException {
        registry = new FakeSchemaRegistry();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private SchemaRegistryClient client(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put(AvroConverterConfig.SCHEMA_REGISTRY_URL, registry.url());
        m.put(AvroConverterConfig.RETRY_TIMEOUT_MS, 0L);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return new SchemaRegistryClient(m);
    }

    private static Schema record(String fields) {
        return new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"t\",\"fields\":[" + fields + "]}");
    }

    @Test
    void clientsOfOneJvmRegisterASubjectOneAtATime() throws Exception {
        Schema v1 = record("{\"name\":\"a\",\"type\":\"string\"}");
        registry.slowRegistrations(100);
        int tasks = 4;
        List<SchemaRegistryClient> clients = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            clients.add(client());
        }
        CyclicBarrier start = new CyclicBarrier(tasks);
        ExecutorService pool = Executors.newFixedThreadPool(tasks);
        try {
            List<Future<Integer>> ids = new ArrayList<>();
            for (SchemaRegistryClient c : clients) {
                ids.add(pool.submit(() -> {
                    start.await();
                    return c.register("s", v1);
                }));
            }
            for (Future<Integer> id : ids) {
                assertThat(id.get(10, TimeUnit.SECONDS)).isEqualTo(registry.latestId("s"));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(registry.count("POST", "/subjects/s/versions")).isEqualTo(tasks);
        assertThat(registry.mostRegistrationsInFlight()).isEqualTo(1);
    }

    @Test
    void theConfluentEndpointsWithTheirContentType() {
        SchemaRegistryClient c = client();
        Schema v1 = record("{\"name\":\"a\",\"type\":\"string\"}");
        Schema v2 = record("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":[\"null\",\"int\"],\"default\":null}");

        assertThat(c.latest("s")).isEmpty();
        assertThat(c.lookup("s", v1)).isEmpty();
        int id1 = c.register("s", v1);
        int id2 = c.register("s", v2);
        assertThat(id2).isNotEqualTo(id1);
        assertThat(c.getById(id1)).isEqualTo(v1);
        Optional<SchemaRegistryClient.RegisteredSchema> latest = c.latest("s");
        assertThat(latest).isPresent();
        assertThat(latest.get().schema()).isEqualTo(v2);
        assertThat(latest.get().id()).isEqualTo(id2);
        assertThat(latest.get().version()).isEqualTo(2);
        assertThat(c.lookup("s", v1).map(SchemaRegistryClient.RegisteredSchema::id)).contains(id1);
        assertThat(c.versions("s")).containsExactlyInAnyOrder(1, 2);
        assertThat(c.subjects()).containsExactly("s");
        assertThatThrownBy(() -> c.getById(1_000_000)).isInstanceOf(SchemaRegistryException.class)
                .satisfies(e -> assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(40403))
                .hasMessageContaining("schema id 1000000");

        FakeSchemaRegistry.Request post = registry.requests().stream()
                .filter(r -> r.method().equals("POST") && r.path().equals("/subjects/s/versions")).findFirst().orElseThrow();
        assertThat(post.body()).contains("\"schema\"");
        // subjects with special characters are path-encoded
        c.register("a topic/with-value", v1);
        assertThat(registry.count("POST", "/subjects/a%20topic%2Fwith-value/versions")).isEqualTo(1);
    }

    @Test
    void compatibilityFallsBackToALocalCheckWhenTheRegistryAnswers500() {
        SchemaRegistryClient c = client();
        Schema v1 = record("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"n\",\"type\":\"long\"}");
        c.register("s", v1);
        Schema typeChanged = record("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"n\",\"type\":\"string\"}");
        Schema compatible = record("{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"n\",\"type\":\"long\"},"
                + "{\"name\":\"x\",\"type\":\"int\",\"default\":0}");

        assertThat(c.testCompatibility("s", typeChanged)).isEmpty(); // 500: cannot answer
        assertThat(c.incompatibilities("s", typeChanged)).containsExactly("field 'n' changed type from long (version 1) to string");
        assertThat(c.incompatibilities("s", compatible)).isEmpty();
        assertThat(c.incompatibilities("no-such-subject", typeChanged)).isEmpty();

        registry.supportCompatibilityEndpoints(true);
        assertThat(c.testCompatibility("s", typeChanged)).contains(false);
        assertThat(c.testCompatibility("s", compatible)).contains(true);
        assertThat(c.compatibilityLevel("s")).contains(CompatibilityLevel.BACKWARD);
        assertThat(c.incompatibilities("s", typeChanged)).containsExactly("field 'n' changed type from long (version 1) to string");

        // FORWARD: removing a field without default breaks old readers (local check: the registry cannot answer)
        registry.supportCompatibilityEndpoints(false);
        SchemaRegistryClient forward = client(AvroConverterConfig.COMPATIBILITY_LEVEL, "FORWARD");
        Schema removed = record("{\"name\":\"a\",\"type\":\"string\"}");
        assertThat(forward.incompatibilities("s", removed)).singleElement().asString()
                .contains("field 'n' was removed").contains("no default");
    }

    @Test
    void basicAuthFromUserInfoOrUrlAndSecretsNeverShow() throws IOException {
        registry.requireBasicAuth("bench", SECRET);
        StringWriter logs = captureLogs();
        try {
            SchemaRegistryClient userInfo = client(AvroConverterConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                    AvroConverterConfig.BASIC_AUTH_USER_INFO, "bench:" + SECRET);
            Schema s = record("{\"name\":\"a\",\"type\":\"string\"}");
            int id = userInfo.register("auth", s);
            assertThat(userInfo.getById(id)).isEqualTo(s);

            String withCreds = registry.url().replace("http://", "http://bench:" + SECRET + "@");
            SchemaRegistryClient fromUrl = new SchemaRegistryClient(Map.of(AvroConverterConfig.SCHEMA_REGISTRY_URL, withCreds,
                    AvroConverterConfig.RETRY_TIMEOUT_MS, "0"));
            assertThat(fromUrl.latest("auth")).isPresent();
            assertThat(fromUrl.urls()).containsExactly(registry.url());
            assertThat(fromUrl.toString()).doesNotContain(SECRET).doesNotContain("bench:");

            // wrong credentials: the error names the URL, not the secret
            SchemaRegistryClient wrong = client(AvroConverterConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                    AvroConverterConfig.BASIC_AUTH_USER_INFO, "bench:wrong-" + SECRET);
            assertThatThrownBy(() -> wrong.register("auth", s)).isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("401").hasMessageNotContaining(SECRET);

            // the converter: config, toString, exceptions and logs are free of the secret
            AvroConverter converter = new AvroConverter();
            Map<String, Object> conf = new HashMap<>();
            conf.put(AvroConverterConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:1," + withCreds);
            conf.put(AvroConverterConfig.RETRY_TIMEOUT_MS, "0");
            converter.configure(conf, false);
            assertThat(converter.toString()).doesNotContain(SECRET);
            assertThat(new AvroConverterConfig(conf).toString()).doesNotContain(SECRET);
            org.apache.kafka.connect.data.Schema cs = SchemaBuilder.struct().name("Sec").field("a", org.apache.kafka.connect.data.Schema.STRING_SCHEMA).build();
            converter.fromConnectData("sec", cs, new Struct(cs).put("a", "x"));
            registry.failNext(100, 503);
            org.apache.kafka.connect.data.Schema cs2 = SchemaBuilder.struct().name("Sec2")
                .field("a", org.apache.kafka.connect.data.Schema.STRING_SCHEMA).build();
            assertThatThrownBy(() -> converter.fromConnectData("sec2", cs2, new Struct(cs2).put("a", "x")))
                    .hasMessageNotContaining(SECRET).hasMessageContaining(registry.url());
            assertThatThrownBy(() -> new AvroConverterConfig(Map.of(AvroConverterConfig.SCHEMA_REGISTRY_URL, registry.url(),
                    AvroConverterConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                    AvroConverterConfig.BASIC_AUTH_USER_INFO, SECRET)))
                    .isInstanceOf(ConfigException.class).hasMessageNotContaining(SECRET);
            Optional<String> preflight = RegistryPreflight.check(Map.of(AvroConverterConfig.SCHEMA_REGISTRY_URL,
                    "http://bench:" + SECRET + "@127.0.0.1:1", AvroConverterConfig.RETRY_TIMEOUT_MS, "0"), "x-value", s);
            // unreachable: a warning in the log (checked below for the secret), no error
            assertThat(preflight).isEmpty();
        } finally {
            stopCapturing();
        }
        assertThat(logs.toString()).contains("Benchlake AvroConverter").contains("requests now go to " + registry.url())
                .doesNotContain(SECRET);
        // and the header was sent
        assertThat(registry.requests()).anySatisfy(r -> assertThat(r.authorization()).startsWith("Basic "));
    }

    @Test
    void configValidation() {
        assertThatThrownBy(() -> new SchemaRegistryClient(Map.of(AvroConverterConfig.SCHEMA_REGISTRY_URL, "ftp://x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("http");
        assertThatThrownBy(() -> new SchemaRegistryClient(Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> new SchemaRegistryClient(Map.of(AvroConverterConfig.SCHEMA_REGISTRY_URL, registry.url(),
                AvroConverterConfig.SSL_TRUSTSTORE_LOCATION, "/nonexistent/truststore.jks")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("/nonexistent/truststore.jks");
        assertThat(SchemaRegistryClient.redact("https://u:p@host:8081/path")).isEqualTo("https://host:8081/path");
        assertThat(SchemaRegistryClient.redact("http://host:8081")).isEqualTo("http://host:8081");
        assertThat(SubjectNameStrategy.parse("io.confluent.kafka.serializers.subject.TopicRecordNameStrategy"))
                .isEqualTo(SubjectNameStrategy.TOPIC_RECORD);
        assertThat(SubjectNameStrategy.parse("RecordNameStrategy")).isEqualTo(SubjectNameStrategy.RECORD);
        assertThat(AvroConverterConfig.configDef().configKeys().get(AvroConverterConfig.BASIC_AUTH_USER_INFO).documentation)
                .contains("Secret");
        assertThat(List.of(CompatibilityLevel.FULL.checksBackward(), CompatibilityLevel.FULL.checksForward()))
                .containsExactly(true, true);
    }

    // ------------------------------------------------------------------------------------------------------------

    private static final String APPENDER = "secret-capture";
    /** Logger configs of the test log4j2 file that capturing replaces for a while. */
    private static final java.util.Map<String, LoggerConfig> SAVED = new java.util.HashMap<>();

    private static StringWriter captureLogs() {
        StringWriter out = new StringWriter();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        WriterAppender appender = WriterAppender.createAppender(PatternLayout.newBuilder().withPattern("%p %c %m%n").build(),
                null, out, APPENDER, false, true);
        appender.start();
        cfg.addAppender(appender);
        for (String name : new String[] {"dev.benchlake", "org.apache.kafka"}) {
            LoggerConfig previous = cfg.getLoggers().get(name);
            if (previous != null) {
                SAVED.put(name, previous);
                cfg.removeLogger(name);
            }
            LoggerConfig lc = new LoggerConfig(name, Level.TRACE, true);
            lc.addAppender(appender, Level.TRACE, null);
            cfg.addLogger(name, lc);
        }
        ctx.updateLoggers();
        return out;
    }

    private static void stopCapturing() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        cfg.removeLogger("dev.benchlake");
        cfg.removeLogger("org.apache.kafka");
        SAVED.forEach(cfg::addLogger);
        SAVED.clear();
        cfg.getAppenders().remove(APPENDER);
        ctx.updateLoggers();
    }
}
