package dev.benchlake.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.benchlake.quickstart.stack.SchemaRegistryProcess;

/**
 * The converter against the Hortonworks registry behind HTTPS with client-certificate authentication (Dropwizard's
 * https connector, {@code needClientAuth}). Key stores are made by the JDK's keytool for each run: a server
 * certificate for 127.0.0.1 and a client certificate, each trusted by the other side only.
 */
class RegistryMutualTlsIT {
    private static final String SERVER_PASS = "server-store-pass-1";
    private static final String CLIENT_PASS = "client-store-pass-2";
    private static final String TRUST_PASS = "trust-store-pass-3";

    private static SchemaRegistryProcess registry;
    private static Path clientKeys;
    private static Path clientTrust;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Path serverKeys = dir.resolve("server.p12");
        Path serverTrust = dir.resolve("server-trust.p12");
        clientKeys = dir.resolve("client.p12");
        clientTrust = dir.resolve("client-trust.p12");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", serverKeys.toString(), "-storepass", SERVER_PASS);
        keytool("-genkeypair", "-alias", "connect", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=benchlake-connect", "-storetype", "PKCS12",
                "-keystore", clientKeys.toString(), "-storepass", CLIENT_PASS);
        Path serverCert = dir.resolve("server.crt");
        Path clientCert = dir.resolve("client.crt");
        keytool("-exportcert", "-alias", "registry", "-keystore", serverKeys.toString(), "-storepass", SERVER_PASS,
                "-file", serverCert.toString());
        keytool("-exportcert", "-alias", "connect", "-keystore", clientKeys.toString(), "-storepass", CLIENT_PASS,
                "-file", clientCert.toString());
        keytool("-importcert", "-noprompt", "-alias", "registry", "-file", serverCert.toString(), "-storetype", "PKCS12",
                "-keystore", clientTrust.toString(), "-storepass", TRUST_PASS);
        keytool("-importcert", "-noprompt", "-alias", "connect", "-file", clientCert.toString(), "-storetype", "PKCS12",
                "-keystore", serverTrust.toString(), "-storepass", TRUST_PASS);
        registry = SchemaRegistryProcess.startNew(new SchemaRegistryProcess.Tls(serverKeys, SERVER_PASS, serverTrust,
                TRUST_PASS, true, clientContext()));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("keytool " + args[0] + ": " + out).isZero();
    }

    private static KeyStore load(Path file, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password.toCharArray());
        }
        return ks;
    }

    /** The readiness probe's TLS: the client's certificate, trusting the registry's. */
    private static SSLContext clientContext() throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(clientKeys, CLIENT_PASS), CLIENT_PASS.toCharArray());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(clientTrust, TRUST_PASS));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static Map<String, Object> configs(boolean withClientCertificate) {
        Map<String, Object> m = new HashMap<>();
        m.put(AvroConverterConfig.SCHEMA_REGISTRY_URL, registry.confluentUrl());
        m.put(AvroConverterConfig.RETRY_TIMEOUT_MS, 0L);
        m.put(AvroConverterConfig.SSL_TRUSTSTORE_LOCATION, clientTrust.toString());
        m.put(AvroConverterConfig.SSL_TRUSTSTORE_PASSWORD, TRUST_PASS);
        m.put(AvroConverterConfig.SSL_TRUSTSTORE_TYPE, "PKCS12");
        if (withClientCertificate) {
            m.put(AvroConverterConfig.SSL_KEYSTORE_LOCATION, clientKeys.toString());
            m.put(AvroConverterConfig.SSL_KEYSTORE_PASSWORD, CLIENT_PASS);
            m.put(AvroConverterConfig.SSL_KEYSTORE_TYPE, "PKCS12");
            m.put(AvroConverterConfig.SSL_KEY_PASSWORD, CLIENT_PASS);
        }
        return m;
    }

    @Test
    void theConverterRoundTripsWithItsClientCertificate() {
        assertThat(registry.confluentUrl()).startsWith("https://127.0.0.1:");
        try (AvroConverter converter = new AvroConverter()) {
            converter.configure(configs(true), false);
            org.apache.kafka.connect.data.Schema schema = TestSchemas.benchmarkStepConnect();
            Struct value = TestSchemas.benchmarkStep(schema, 3);
            byte[] bytes = converter.fromConnectData("mtls-steps", schema, value);
            SchemaAndValue back = converter.toConnectData("mtls-steps", bytes);
            assertThat(back.value()).isEqualTo(value);
            assertThat(converter.client().subjects()).contains("mtls-steps-value");
            assertThat(converter.client().activeUrl()).isEqualTo(registry.confluentUrl());
        }
    }

    @Test
    void withoutAClientCertificateTheRegistryRefusesTheHandshake() {
        SchemaRegistryClient client = new SchemaRegistryClient(configs(false));
        assertThatThrownBy(client::subjects)
                .isInstanceOf(SchemaRegistryException.Unavailable.class)
                .hasMessageContaining("GET /subjects failed on [" + registry.confluentUrl() + "]")
                .hasRootCauseInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void aWrongKeyStorePasswordIsNamedWithoutEchoingIt() {
        Map<String, Object> m = configs(true);
        m.put(AvroConverterConfig.SSL_KEYSTORE_PASSWORD, "not-the-" + CLIENT_PASS);
        assertThatThrownBy(() -> new SchemaRegistryClient(m))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(AvroConverterConfig.SSL_KEYSTORE_LOCATION + " " + clientKeys + " cannot be loaded")
                .hasMessageNotContaining(CLIENT_PASS);
    }
}
