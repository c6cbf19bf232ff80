package dev.benchlake.packaging;

import static org.awaitility.Awaitility.await;

import java.io.File;
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
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

/**
 * A Kafka Connect worker (standalone mode, {@code org.apache.kafka.connect.cli.ConnectStandalone}) in its own JVM,
 * on the classpath of a plain Connect installation: {@code target/connect-worker-classpath.txt}, resolved by the
 * build from src/test/connect-worker/pom.xml. Whatever plugin it runs, it can only have found on its
 * {@code plugin.path}.
 */
final class ConnectWorkerProcess implements AutoCloseable {

    static final String MAIN_CLASS = "org.apache.kafka.connect.cli.ConnectStandalone";
    static final String CLASSPATH_PROPERTY = "benchlake.worker.classpath";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Path logFile;
    private final int port;
    private final Thread shutdownHook;
    private final Process process;

    private ConnectWorkerProcess(Process process, Path logFile, int port) {
        this.process = process;
        this.logFile = logFile;
        this.port = port;
        this.shutdownHook = new Thread(process::destroyForcibly, "connect-worker-shutdown-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The worker's classpath entries, as the build resolved them. */
    static List<Path> classpath() {
        String override = System.getProperty(CLASSPATH_PROPERTY);
        Path file = override != null ? Path.of(override)
                : PluginArchive.projectDir().resolve("target/connect-worker-classpath.txt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("The Connect worker classpath file " + file + " does not exist. `mvn verify` "
                    + "writes it (phase pre-integration-test); by hand: mvn -q -f src/test/connect-worker/pom.xml "
                    + "dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=$PWD/target/connect-worker-classpath.txt");
        }
        try {
            String cp = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (cp.isEmpty()) {
                throw new IllegalStateException("The Connect worker classpath file " + file + " is empty");
            }
            return Arrays.stream(cp.split(File.pathSeparator)).map(Path::of).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a standalone worker with these worker settings (plus a REST listener on a free loopback port and a file
     * offset store in {@code workDir}) and waits until its REST API answers.
     */
    static ConnectWorkerProcess start(Path workDir, Map<String, String> workerProps) throws IOException {
        Files.createDirectories(workDir);
        int port = freePort();
        Map<String, String> props = new TreeMap<>(workerProps);
        props.put("listeners", "http://127.0.0.1:" + port);
        props.put("rest.advertised.host.name", "127.0.0.1");
        props.putIfAbsent("offset.storage.file.filename", workDir.resolve("connect.offsets").toString());
        Path workerFile = workDir.resolve("worker.properties");
        Properties p = new Properties();
        p.putAll(props);
        try (OutputStream out = Files.newOutputStream(workerFile)) {
            p.store(out, "Benchlake PluginIsolationIT worker");
        }
        Path log4j = workDir.resolve("log4j2.xml");
        Files.writeString(log4j, """
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
                    <Logger name="org.eclipse.jetty" level="WARN"/>
                    <Logger name="org.reflections" level="ERROR"/>
                    <Root level="INFO"><AppenderRef ref="out"/></Root>
                  </Loggers>
                </Configuration>
                """, StandardCharsets.UTF_8);
        Path logs = Files.createDirectories(PluginArchive.projectDir().resolve("target/packaging-it"));
        Path logFile = logs.resolve("connect-worker-" + port + ".log");

        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = String.join(File.pathSeparator, classpath().stream().map(Path::toString).toList());
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlog4j2.configurationFile=" + log4j.toUri(), "-Djava.io.tmpdir=" + workDir,
                "-cp", cp, MAIN_CLASS, workerFile.toString()));
        Process process = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        ConnectWorkerProcess worker = new ConnectWorkerProcess(process, logFile, port);
        try {
            await("Connect worker REST API on port " + port).atMost(START_TIMEOUT).pollDelay(Duration.ofMillis(300))
                    .pollInterval(Duration.ofMillis(250)).ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("The Connect worker exited with code " + process.exitValue()
                                    + " before its REST API answered; log " + logFile + ":\n" + worker.logTail());
                        }
                        return worker.get("/").statusCode() == 200;
                    });
        } catch (ConditionTimeoutException e) {
            worker.close();
            throw new IllegalStateException("The Connect worker's REST API did not answer within "
                    + START_TIMEOUT.toSeconds() + " s; log " + logFile + ":\n" + worker.logTail(), e);
        }
        return worker;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    Path logFile() {
        return logFile;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The last lines of the worker's output, for failure messages. */
    String logTail() {
        List<String> lines = log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /** Graceful stop (SIGTERM: the worker stops its connectors), forced after 15 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
