package dev.benchlake.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.management.ObjectName;

import org.apache.kafka.connect.runtime.rest.entities.TaskInfo;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.it.ConnectHarness;
import dev.benchlake.quickstart.stack.SchemaRegistryProcess;

/**
 * A whole run with static AWS keys, a session token and a registry password, including a task that fails on access
 * denied: none of the secrets appears in the logs (Benchlake and Connect at DEBUG), in exception traces, or in the configs
 * the Connect REST API returns. The secrets come through a config provider, as they should in production.
 */
class SecretsIT {

    private static final String KEY_ID = "AKIABENCHLAKE7SECRET";
    private static final String SECRET = "benchlake-aws-secret-9f3c";
    private static final String TOKEN = "benchlake-session-token-71ad";
    /** With characters that URL-encoding, JSON escaping and Base64 all change. */
    private static final String REGISTRY_PASSWORD = "benchlake/registry+pass\"55e0";
    private static final List<String> SECRETS = List.of(KEY_ID, SECRET, TOKEN, REGISTRY_PASSWORD);

    private static final StringWriter LOGS = new StringWriter();
    private static final String APPENDER = "secrets-capture";

    private static SchemaRegistryProcess registry;
    private static ConnectHarness harness;
    private static Path secrets;

    @BeforeAll
    static void start(@TempDir Path dir) throws IOException {
        startCapturing();
        secrets = dir.resolve("benchlake-secrets.properties");
        Files.writeString(secrets, "key.id=" + KEY_ID + "\nsecret=" + SECRET + "\ntoken=" + TOKEN
                + "\nregistry.user.info=bench:" + REGISTRY_PASSWORD + "\n");
        registry = SchemaRegistryProcess.startNew();
        harness = ConnectHarness.start("benchlake-secrets-it", 1, Map.of(
                "config.providers", "file",
                "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider"));
    }

    @AfterAll
    static void stop() {
        harness.close();
        registry.close();
        stopCapturing();
    }

    private static Map<String, String> config(SageMakerEmulator emulator, String prefix) {
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, prefix,
                "resnet50-nightly-001", "bert-base-ondemand-002", "xgboost-serverless-003");
        String file = "${file:" + secrets + ":";
        props.put("aws.credentials.provider", "static");
        props.put("aws.access.key.id", file + "key.id}");
        props.put("aws.secret.access.key", file + "secret}");
        props.put("aws.session.token", file + "token}");
        props.put("value.converter", "dev.benchlake.avro.AvroConverter");
        props.put("value.converter.schema.registry.url", registry.confluentUrl());
        props.put("value.converter.basic.auth.credentials.source", "USER_INFO");
        props.put("value.converter.basic.auth.user.info", file + "registry.user.info}");
        props.remove("value.converter.schemas.enable");
        return props;
    }

    @Test
    void noSecretReachesLogsTracesOrTheRestApi() throws Exception {
        try (SageMakerEmulator emulator = SageMakerEmulator.start(Scenario.fromResource("scenarios/three-jobs.json"),
                new ManualClock().set(Duration.ofSeconds(2_000)))) {
            harness.startConnector("secrets", config(emulator, "secrets"));
            ObjectName metrics = new ObjectName("dev.benchlake:type=source-task-metrics,connector=\"secrets\",task=0");
            Awaitility.await("three jobs read and closed").atMost(ConnectHarness.TIMEOUT).until(() ->
                    ManagementFactory.getPlatformMBeanServer().isRegistered(metrics)
                            && (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(metrics, "JobsClosed") == 3L);

            // the same secrets on a run whose task fails: access denied
            Scenario denied = Scenario.fromResource("scenarios/three-jobs.json");
            denied.faults().deny("DescribeInferenceRecommendationsJob");
            try (SageMakerEmulator deniedEmulator = SageMakerEmulator.start(denied, new ManualClock())) {
                harness.connect().configureConnector("denied", config(deniedEmulator, "denied"));
                Awaitility.await("the task fails on access denied").atMost(ConnectHarness.TIMEOUT).ignoreExceptions().until(() -> {
                    var status = harness.connect().connectorStatus("denied");
                    return !status.tasks().isEmpty() && "FAILED".equals(status.tasks().get(0).state());
                });
                String trace = harness.connect().connectorStatus("denied").tasks().get(0).trace();
                assertThat(trace).contains("sagemaker:DescribeInferenceRecommendationsJob");
                assertNoSecret("the failed task's trace", trace);
            }

            for (String connector : List.of("secrets", "denied")) {
                String url = harness.connect().endpointForResource("connectors/" + connector);
                String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(body).contains("aws.secret.access.key");
                assertNoSecret(connector + " config from REST", body);
                List<TaskInfo> tasks = harness.connect().taskConfigs(connector);
                assertThat(tasks).isNotEmpty();
                assertNoSecret(connector + " task configs from REST", tasks.toString());
                assertThat(tasks.get(0).config().get("aws.secret.access.key")).startsWith("${file:");
            }
        }
        String logs;
        synchronized (LOGS) {
            logs = LOGS.toString();
        }
        assertThat(logs).as("the run was logged at DEBUG").contains("page 1").contains("AccessDeniedException")
                .contains("Logger org.apache.http.wire was at DEBUG, where it prints AWS credentials")
                .contains("DEBUG org.apache.http.impl.conn");
        assertNoSecret("the logs", logs);
    }

    private static void assertNoSecret(String where, String text) {
        for (String secret : SECRETS) {
            for (String form : forms(secret)) {
                assertThat(text).as(where + ": " + secret + " as " + form).doesNotContain(form);
            }
        }
        // the registry's Basic header value, user and password together
        assertThat(text).as(where).doesNotContain(java.util.Base64.getEncoder().encodeToString(
                ("bench:" + REGISTRY_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** A secret as it could leak: plain, Base64 (a Basic header), URL-encoded (a URL) and JSON-escaped (a body). */
    static List<String> forms(String secret) {
        byte[] bytes = secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return List.of(secret, java.util.Base64.getEncoder().encodeToString(bytes),
                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8),
                new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(secret).toString().replace("\"", ""));
    }

    private static void startCapturing() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        Configuration cfg = ctx.getConfiguration();
        WriterAppender appender = WriterAppender.createAppender(
                PatternLayout.newBuilder().withPattern("%p %c %m %throwable%n").build(), null, LOGS, APPENDER, false, true);
        appender.start();
        cfg.addAppender(appender);
        cfg.getRootLogger().addAppender(appender, Level.ALL, null);
        for (LoggerConfig lc : cfg.getLoggers().values()) {
            lc.addAppender(appender, Level.ALL, null);
        }
        // every logger at DEBUG, the AWS SDK's signer and the Apache HTTP client's wire and header loggers included:
        // the task sets those that would print credentials to INFO at start (CredentialLoggers)
        cfg.getRootLogger().setLevel(Level.DEBUG);
        cfg.getLoggers().values().forEach(lc -> lc.setLevel(Level.DEBUG));
        for (String name : List.of("software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner",
                "org.apache.http.wire", "org.apache.http.headers")) {
            LoggerConfig lc = new LoggerConfig(name, Level.DEBUG, true);
            cfg.removeLogger(name);
            cfg.addLogger(name, lc);
        }
        ctx.updateLoggers();
    }

    private static void stopCapturing() {
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.reconfigure();
    }
}
