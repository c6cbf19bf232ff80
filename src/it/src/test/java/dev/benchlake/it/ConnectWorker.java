package dev.benchlake.it;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

import dev.benchlake.packaging.PluginArchive;
import dev.benchlake.quickstart.stack.ChildJvm;
import dev.benchlake.quickstart.stack.Layout;

/**
 * A Kafka Connect worker in its own JVM ({@link ChildJvm}) on the classpath of a plain Connect installation
 * ({@link Layout#connectWorkerLib()}, nothing of Benchlake's), with the plugin archive unpacked into a
 * {@code plugin.path} folder of its own: whatever plugin it runs, it can only have found there. Standalone (the
 * packaging tests) or distributed, joining the group of an in-process {@code EmbeddedConnectCluster} when given the same
 * {@code group.id} and storage topics (the failover tests, which {@link #kill()} it for real).
 */
public final class ConnectWorker implements AutoCloseable {
    /** Standalone or distributed mode. */
    public enum Mode {
        STANDALONE("org.apache.kafka.connect.cli.ConnectStandalone"),
        DISTRIBUTED("org.apache.kafka.connect.cli.ConnectDistributed");

        final String mainClass;

        Mode(String mainClass) {
            this.mainClass = mainClass;
        }
    }

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final String LOG4J = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Configuration status="WARN">
              <Appenders>
                <Console name="out" target="SYSTEM_OUT">
                  <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level [%t] %c{1} - %msg%n"/>
                </Console>
              </Appenders>
              <Loggers>
                <Logger name="org.apache.kafka.clients" level="WARN"/>
                <Logger name="org.apache.kafka.common" level="WARN"/>
                <Logger name="org.apache.kafka.connect.runtime.distributed.DistributedHerder" level="INFO"/>
                <Logger name="org.eclipse.jetty" level="WARN"/>
                <Logger name="org.reflections" level="ERROR"/>
                <Logger name="dev.benchlake" level="INFO"/>
                <Root level="INFO"><AppenderRef ref="out"/></Root>
              </Loggers>
            </Configuration>
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ChildJvm jvm;
    private final int port;

    private ConnectWorker(ChildJvm jvm, int port) {
        this.jvm = jvm;
        this.port = port;
    }

    /** The plain worker's classpath entries. */
    public static List<Path> classpath() {
        try (Stream<Path> jars = Files.list(Layout.connectWorkerLib())) {
            return jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a worker with these settings (plus a REST listener on a free loopback port, {@code plugin.path} = the
     * plugin archive unpacked into {@code workDir/plugins} unless the settings name a plugin.path, and, standalone, a file
     * offset store in {@code workDir}) and waits until it is ready:
     * its REST API answers (standalone) or it has joined its group (distributed).
     */
    public static ConnectWorker start(Mode mode, Path workDir, Map<String, String> workerProps) throws IOException {
        return start(mode, workDir, workerProps, List.of());
    }

    /**
     * As {@link #start(Mode, Path, Map)}, with extra options for the worker's JVM after the test kit's own (a
     * {@code -javaagent:} such as the Prometheus JMX exporter, system properties).
     */
    public static ConnectWorker start(Mode mode, Path workDir, Map<String, String> workerProps, List<String> jvmOptions)
            throws IOException {
        Files.createDirectories(workDir);
        int port = freePort();
        Map<String, String> props = new TreeMap<>(workerProps);
        props.put("listeners", "http://127.0.0.1:" + port);
        props.put("rest.advertised.host.name", "127.0.0.1");
        if (!props.containsKey("plugin.path")) {
            Path pluginPath = workDir.resolve("plugins");
            PluginArchive.unpackInto(pluginPath);
            props.put("plugin.path", pluginPath.toString());
        }
        if (mode == Mode.STANDALONE) {
            props.putIfAbsent("offset.storage.file.filename", workDir.resolve("connect.offsets").toString());
        }
        Path workerFile = workDir.resolve("worker.properties");
        Properties p = new Properties();
        p.putAll(props);
        try (OutputStream out = Files.newOutputStream(workerFile)) {
            p.store(out, "Benchlake test: child-JVM Connect worker");
        }
        Path log4j = workDir.resolve("log4j2.xml");
        Files.writeString(log4j, LOG4J, StandardCharsets.UTF_8);
        Path logFile = workDir.resolve("connect-worker-" + port + ".log");
        String cp = String.join(java.io.File.pathSeparator, classpath().stream().map(Path::toString).toList());
        List<String> options = new ArrayList<>(List.of("-Xmx384m", "-Dlog4j2.configurationFile=" + log4j.toUri()));
        options.addAll(jvmOptions);
        ChildJvm jvm = ChildJvm.of("connect-worker-" + port, cp, options, mode.mainClass,
                List.of(workerFile.toString()), workDir, logFile);
        ConnectWorker worker = new ConnectWorker(jvm, port);
        jvm.start();
        try {
            if (mode == Mode.STANDALONE) {
                jvm.awaitReady("its REST API answering", START_TIMEOUT, () -> worker.get("/").statusCode() == 200);
            } else {
                jvm.awaitReady("joining its group", START_TIMEOUT, () -> jvm.log().contains("Joined group at generation"));
            }
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
        return worker;
    }

    /** The worker id Connect reports in connector and task status: {@code 127.0.0.1:<port>}. */
    public String workerId() {
        return "127.0.0.1:" + port;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public Path logFile() {
        return jvm.logFile();
    }

    public boolean isAlive() {
        return jvm.isAlive();
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SIGKILL: no shutdown hook, no offset flush, no transaction abort, no LeaveGroup. Waits until it is gone. */
    public void kill() {
        jvm.kill();
    }

    public String log() {
        return jvm.log();
    }

    /** The last lines of the worker's output, for failure messages. */
    public String logTail() {
        return jvm.logTail(60);
    }

    /** Graceful stop (SIGTERM: the worker stops its connectors), forced after 15 s; nothing to do if killed. */
    @Override
    public void close() {
        jvm.stop(Duration.ofSeconds(15));
        jvm.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
