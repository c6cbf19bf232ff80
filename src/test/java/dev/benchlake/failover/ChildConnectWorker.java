package dev.benchlake.failover;

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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

import dev.benchlake.packaging.PluginArchive;

/**
 * A Kafka Connect worker in <em>distributed</em> mode ({@code org.apache.kafka.connect.cli.ConnectDistributed}) in its
 * own JVM, so that a test can kill it for real ({@link #kill()}: {@code destroyForcibly}, SIGKILL on Linux). It joins
 * the group of an in-process {@code EmbeddedConnectCluster} when given the same {@code group.id} and storage topics.
 *
 * <p>Its classpath is a plain Connect installation ({@code target/connect-worker-classpath.txt}, resolved by the build
 * in phase pre-integration-test from src/test/connect-worker/pom.xml, the same file as the packaging tests' standalone
 * worker); the connector comes from the plugin archive {@code target/benchlake-connect-*-plugin.zip}, unpacked into a
 * {@code plugin.path} folder of its own. (A sibling of {@code dev.benchlake.packaging.ConnectWorkerProcess}, which is
 * standalone-only and package-private.)
 */
final class ChildConnectWorker implements AutoCloseable {

    static final String MAIN_CLASS = "org.apache.kafka.connect.cli.ConnectDistributed";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Process process;
    private final Path logFile;
    private final int port;
    private final Thread shutdownHook;

    private ChildConnectWorker(Process process, Path logFile, int port) {
        this.process = process;
        this.logFile = logFile;
        this.port = port;
        this.shutdownHook = new Thread(process::destroyForcibly, "child-connect-worker-" + port);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    static Path projectDir() {
        return PluginArchive.projectDir();
    }

    /**
     * Starts the worker with these settings (plus a REST listener on a free loopback port and
     * {@code plugin.path} = the unpacked plugin archive) and waits until it has joined its group.
     */
    static ChildConnectWorker start(Path workDir, Map<String, String> workerProps) throws IOException {
        Files.createDirectories(workDir);
        Path pluginPath = workDir.resolve("plugins");
        PluginArchive.unpackInto(pluginPath);
        int port = freePort();
        Map<String, String> props = new TreeMap<>(workerProps);
        props.put("listeners", "http://127.0.0.1:" + port);
        props.put("rest.advertised.host.name", "127.0.0.1");
        props.put("plugin.path", pluginPath.toString());
        Path workerFile = workDir.resolve("worker.properties");
        Properties p = new Properties();
        p.putAll(props);
        try (OutputStream out = Files.newOutputStream(workerFile)) {
            p.store(out, "Benchlake failover test: child-JVM distributed worker");
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
                    <Logger name="org.apache.kafka.connect.runtime.distributed.DistributedHerder" level="INFO"/>
                    <Logger name="org.apache.kafka.connect" level="WARN"/>
                    <Logger name="org.eclipse.jetty" level="WARN"/>
                    <Logger name="org.reflections" level="ERROR"/>
                    <Logger name="dev.benchlake" level="INFO"/>
                    <Root level="WARN"><AppenderRef ref="out"/></Root>
                  </Loggers>
                </Configuration>
                """, StandardCharsets.UTF_8);
        Path logs = Files.createDirectories(projectDir().resolve("target/failover-it"));
        Path logFile = logs.resolve("child-worker-" + port + ".log");

        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = String.join(File.pathSeparator, workerClasspath());
        List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dlog4j2.configurationFile=" + log4j.toUri(), "-Djava.io.tmpdir=" + workDir,
                "-cp", cp, MAIN_CLASS, workerFile.toString()));
        Process process = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        ChildConnectWorker worker = new ChildConnectWorker(process, logFile, port);
        try {
            await("child Connect worker on port " + port + " joins its group").atMost(START_TIMEOUT)
                    .pollDelay(Duration.ofMillis(500)).pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("The child Connect worker exited with code "
                                    + process.exitValue() + "; log " + logFile + ":\n" + worker.logTail());
                        }
                        return worker.log().contains("Joined group at generation");
                    });
        } catch (ConditionTimeoutException e) {
            worker.close();
            throw new IllegalStateException("The child Connect worker did not join its group within "
                    + START_TIMEOUT.toSeconds() + " s; log " + logFile + ":\n" + worker.logTail(), e);
        }
        return worker;
    }

    /** The worker id Connect reports in connector and task status: {@code 127.0.0.1:<port>}. */
    String workerId() {
        return "127.0.0.1:" + port;
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

    /** SIGKILL: no shutdown hook, no offset flush, no transaction abort, no LeaveGroup. Waits until it is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the child worker did not die within 10 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    String logTail() {
        List<String> lines = log().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }

    /** Graceful stop (SIGTERM), forced after 15 s; nothing to do if already killed. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway
        }
    }

    /** The plain Connect worker's classpath, as the build resolved it. */
    private static List<String> workerClasspath() {
        Path file = projectDir().resolve("target/connect-worker-classpath.txt");
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " does not exist: `mvn verify` writes it in phase pre-integration-test; "
                    + "by hand: mvn -q -f src/test/connect-worker/pom.xml dependency:build-classpath "
                    + "-DincludeScope=runtime -Dmdep.outputFile=$PWD/target/connect-worker-classpath.txt");
        }
        try {
            String cp = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (cp.isEmpty()) {
                throw new IllegalStateException(file + " is empty");
            }
            return List.of(cp.split(File.pathSeparator));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
