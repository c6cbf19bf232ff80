package dev.benchlake.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 22's registry client edges, one test each. */
class RegistryClientEdgesTest {
    private FakeSchemaRegistry registry;

    @BeforeEach
    void start() throws IOException {
        registry = new FakeSchemaRegistry();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private Map<String, Object> configs(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put(AvroConverterConfig.SCHEMA_REGISTRY_URL, registry.url());
        m.put(AvroConverterConfig.RETRY_BACKOFF_MS, 10L);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void aRegistrationWaitingForTheSubjectsLockStopsWhenInterrupted() throws Exception {
        // one registration retries a failing registry for 20 s; another of the same subject must not wait for all of it
        registry.failNext(Integer.MAX_VALUE, 503);
        SchemaRegistryClient first = new SchemaRegistryClient(configs(AvroConverterConfig.RETRY_TIMEOUT_MS, 20_000L,
                AvroConverterConfig.RETRY_BACKOFF_MAX_MS, 50L));
        SchemaRegistryClient second = new SchemaRegistryClient(configs(AvroConverterConfig.RETRY_TIMEOUT_MS, 20_000L,
                AvroConverterConfig.RETRY_BACKOFF_MAX_MS, 50L));
        org.apache.avro.Schema avro = TestSchemas.benchmarkStepAvro();
        Thread retrying = new Thread(() -> {
            try {
                first.register("lock-value", avro);
            } catch (SchemaRegistryException e) {
                // gave up, or succeeded once the registry answered again: either is fine here
            }
        });
        retrying.start();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (registry.count("POST", "/subjects/lock-value/versions") < 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(registry.count("POST", "/subjects/lock-value/versions")).as("registrations under way").isGreaterThanOrEqualTo(3);
        AtomicReference<Throwable> secondFailure = new AtomicReference<>();
        Thread waiting = new Thread(() -> {
            try {
                second.register("lock-value", avro);
            } catch (RuntimeException e) {
                secondFailure.set(e);
            }
        });
        waiting.start();
        waiting.interrupt();
        waiting.join(TimeUnit.SECONDS.toMillis(10));
        assertThat(waiting.isAlive()).as("the interrupted registration returned").isFalse();
        assertThat(retrying.isAlive()).as("while the other one still retries").isTrue();
        assertThat(secondFailure.get()).isInstanceOf(SchemaRegistryException.Unavailable.class);
        registry.failNext(0, 503);
        retrying.join(TimeUnit.SECONDS.toMillis(30));
        first.close();
        second.close();
    }

    @Test
    void validateWarnsInsteadOfFailingWhenTheRegistryIsUnreachable() {
        String down = "http://127.0.0.1:" + registry.port();
        registry.close();
        Optional<String> problem = RegistryPreflight.check(Map.of(AvroConverterConfig.SCHEMA_REGISTRY_URL, down,
                AvroConverterConfig.RETRY_TIMEOUT_MS, "0"), "steps-value", TestSchemas.benchmarkStepAvro());
        assertThat(problem).isEmpty();
    }

    @Test
    void confluentsOwnKeysAreLeftAloneByThePreflight() {
        Map<String, Object> confluent = new HashMap<>(configs());
        confluent.put("latest.cache.ttl.sec", "60");
        confluent.put("schema.registry.ssl.provider", "SunJSSE");
        confluent.put("basic.auth.custom.setting", "x");
        confluent.put("auto.register.schemas", "false");
        assertThat(RegistryPreflight.check(confluent, "steps-value", TestSchemas.benchmarkStepAvro())).isEmpty();
    }

    @Test
    void closeEndsTheHttpClientsThreadsAndRefusesFurtherCalls() throws Exception {
        SchemaRegistryClient client = new SchemaRegistryClient(configs());
        client.register("close-value", TestSchemas.benchmarkStepAvro());
        client.close();
        for (int i = 0; i < 1_000 && !client.httpThreadsEnded(); i++) {
            Thread.sleep(10);
        }
        assertThat(client.httpThreadsEnded()).isTrue();
        assertThatThrownBy(() -> client.latest("close-value")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void loopbackIsDecidedByAddressNotByName() throws Exception {
        Urls.Resolver dns = host -> switch (host) {
            case "registry.localhost" -> new InetAddress[] {InetAddress.getByName("10.0.0.5")};
            case "my-registry" -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
            case "mixed" -> new InetAddress[] {InetAddress.getByName("127.0.0.1"), InetAddress.getByName("10.0.0.6")};
            case "127.0.0.1", "::1" -> new InetAddress[] {InetAddress.getByName(host)};
            default -> throw new UnknownHostException(host);
        };
        assertThat(Urls.isLoopback("registry.localhost", dns)).isFalse();
        assertThat(Urls.isLoopback("my-registry", dns)).isTrue();
        assertThat(Urls.isLoopback("mixed", dns)).isFalse();
        assertThat(Urls.isLoopback("nowhere.localhost", dns)).isFalse();
        assertThat(Urls.isLoopback("127.0.0.1", dns)).isTrue();
        assertThat(Urls.isLoopback("[::1]", dns)).isTrue();
    }

    @Test
    void aTrustStoreRewrittenOnDiskIsUsedWithoutARestart(@TempDir Path dir) throws Exception {
        String pass = "store-pass-1";
        Path serverKeys = dir.resolve("server.p12");
        Path otherKeys = dir.resolve("other.p12");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", serverKeys.toString(), "-storepass", pass);
        keytool("-genkeypair", "-alias", "other", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=other", "-storetype", "PKCS12", "-keystore", otherKeys.toString(), "-storepass", pass);
        Path trustServer = dir.resolve("trust-server.p12");
        Path trustOther = dir.resolve("trust-other.p12");
        trustOf(serverKeys, "registry", pass, trustServer, dir);
        trustOf(otherKeys, "other", pass, trustOther, dir);
        Path trust = dir.resolve("trust.p12");
        Files.copy(trustOther, trust);

        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(serverKeys)) {
            ks.load(in, pass.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pass.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = "{\"id\":77}".getBytes();
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            SchemaRegistryClient client = new SchemaRegistryClient(Map.of(
                    AvroConverterConfig.SCHEMA_REGISTRY_URL, "https://127.0.0.1:" + server.getAddress().getPort(),
                    AvroConverterConfig.RETRY_TIMEOUT_MS, "0",
                    AvroConverterConfig.SSL_TRUSTSTORE_LOCATION, trust.toString(),
                    AvroConverterConfig.SSL_TRUSTSTORE_PASSWORD, pass,
                    AvroConverterConfig.SSL_TRUSTSTORE_TYPE, "PKCS12"));
            assertThatThrownBy(() -> client.register("tls-value", TestSchemas.benchmarkStepAvro()))
                    .as("the registry's certificate is not trusted yet").isInstanceOf(SchemaRegistryException.class);
            // the rotated trust store lands as operators do it: a new file moved over the old one
            Path staged = dir.resolve("staged.p12");
            Files.copy(trustServer, staged);
            Files.move(staged, trust, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertThat(client.register("tls-value", TestSchemas.benchmarkStepAvro())).isEqualTo(77);
            client.close();
        } finally {
            server.stop(0);
        }
    }

    private static void trustOf(Path keys, String alias, String pass, Path trust, Path dir) throws Exception {
        Path cert = dir.resolve(alias + ".crt");
        keytool("-exportcert", "-alias", alias, "-keystore", keys.toString(), "-storepass", pass, "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", alias, "-file", cert.toString(), "-storetype", "PKCS12",
                "-keystore", trust.toString(), "-storepass", pass);
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + out);
        }
    }
}
