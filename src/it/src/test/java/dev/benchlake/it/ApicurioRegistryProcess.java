package dev.benchlake.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import dev.benchlake.quickstart.stack.ChildJvm;
import dev.benchlake.quickstart.stack.Layout;

/**
 * Apicurio Registry 2.6 (a second schema registry implementation, beside the Hortonworks registry of
 * {@link dev.benchlake.quickstart.stack.SchemaRegistryProcess}) in its own JVM, from its runnable distribution
 * ({@link Layout#apicurioRegistryHome()}), with in-memory storage and HTTP on a loopback port. It serves Apicurio's own
 * API ({@link #apiUrl()}, which Apicurio's converter reads) and a Confluent-compatible one ({@link #confluentUrl()},
 * which Benchlake's converter reads and writes); the ids of the latter are Apicurio's content ids (the registry's
 * default, {@code registry.ccompat.legacy-id-mode.enabled=false}).
 */
public final class ApicurioRegistryProcess implements AutoCloseable {
    private static final String MAIN_CLASS = "io.quarkus.runner.GeneratedMain";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final int port;
    private final ChildJvm jvm;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private ApicurioRegistryProcess() throws IOException {
        this.port = freePort();
        Path workDir = Files.createTempDirectory(Layout.work("registry-work"), "apicurio-");
        this.jvm = ChildJvm.of("apicurio-registry-" + port, runnerJar().toString(),
                List.of("-Xmx384m", "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                        "-Dregistry.ccompat.legacy-id-mode.enabled=false"),
                MAIN_CLASS, List.of(), workDir, Layout.work("registry-logs").resolve("apicurio-" + port + ".log"));
    }

    /** Starts a registry and waits until both of its APIs answer. */
    public static ApicurioRegistryProcess startNew() throws IOException {
        return launch().awaitReady();
    }

    /** Starts a registry's JVM without waiting: {@link #awaitReady()} waits, so a test can start more meanwhile. */
    public static ApicurioRegistryProcess launch() throws IOException {
        ApicurioRegistryProcess p = new ApicurioRegistryProcess();
        p.jvm.start();
        return p;
    }

    /** Waits until both of the registry's APIs answer (at most 120 s), closing it when they do not. */
    public ApicurioRegistryProcess awaitReady() {
        try {
            jvm.awaitReady("Apicurio Registry answering on port " + port, START_TIMEOUT, this::answers);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /** The runner jar: its manifest's Class-Path names the jars of lib/ beside it. */
    private static Path runnerJar() {
        try (Stream<Path> files = Files.list(Layout.apicurioRegistryHome())) {
            return files.filter(f -> f.getFileName().toString().endsWith("-runner.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no *-runner.jar in " + Layout.apicurioRegistryHome()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean answers() throws IOException, InterruptedException {
        for (String url : List.of(confluentUrl() + "/subjects", apiUrl() + "/system/info")) {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2))
                    .GET().build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) {
                return false;
            }
        }
        return true;
    }

    /** Base URL of the Confluent-compatible API (Confluent's v7 paths). */
    public String confluentUrl() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    /** Base URL of Apicurio's own API, v2: what its serdes and converter call {@code apicurio.registry.url}. */
    public String apiUrl() {
        return "http://127.0.0.1:" + port + "/apis/registry/v2";
    }

    /** The last lines of the child's output, for failure messages. */
    public String logTail() {
        return jvm.logTail(40);
    }

    @Override
    public void close() {
        jvm.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }
}
