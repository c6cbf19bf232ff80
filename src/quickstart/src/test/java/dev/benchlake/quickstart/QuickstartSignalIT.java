package dev.benchlake.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.benchlake.quickstart.stack.Layout;

/**
 * Ctrl-C and SIGTERM end the real ./quickstart.sh process and every process it started within seconds: the signal goes
 * to the JVM the script exec'd into, as a terminal's Ctrl-C would; afterwards no process it had started (the registry's
 * JVM, PostgreSQL's server and workers) is alive and no port of its READY line answers.
 */
class QuickstartSignalIT {

    /** The quickstart's own deadline (20 s) and a margin for a busy 2-core machine. */
    private static final Duration ENDS_WITHIN = Quickstart.STOP_DEADLINE.plusSeconds(10);
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    private static final Pattern PORT = Pattern.compile("127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path work;
    private Process process;
    private Thread output;
    private BlockingQueue<String> lines;

    @AfterEach
    void noLeftovers() {
        if (process != null && process.isAlive()) {
            process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Test
    void ctrlCWhileRowsLandEndsTheProcessAndEveryChildAndClosesEveryPort() throws Exception {
        BlockingQueue<String> lines = start("--keep-running");
        String ready = awaitLine(lines, "BENCHLAKE_READY");
        List<Integer> ports = ports(ready);
        assertThat(ports).as(ready).hasSizeGreaterThanOrEqualTo(4);
        List<ProcessHandle> children = process.toHandle().descendants().toList();
        assertThat(children).as("the registry's JVM and PostgreSQL run as children").isNotEmpty();

        long signalled = System.nanoTime();
        signal("INT");
        assertEnded(signalled, children, QuickstartException.INTERRUPTED);
        for (int port : ports) {
            assertThat(answers(port)).as("port %d of %s", port, ready).isFalse();
        }
    }

    @Test
    void sigtermWhileStartingEndsTheProcessAndEveryChild() throws Exception {
        BlockingQueue<String> lines = start();
        // Kafka is up, Connect not yet: the signal comes in the middle of starting the stack
        awaitLine(lines, "Kafka (KRaft)");
        List<ProcessHandle> children = process.toHandle().descendants().toList();

        long signalled = System.nanoTime();
        signal("TERM");
        assertEnded(signalled, children, 128 + 15);
    }

    private BlockingQueue<String> start(String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", Layout.file("quickstart.sh").toString(), "--no-build",
                "--report", work.resolve("report.html").toString()));
        Collections.addAll(command, options);
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        lines = new LinkedBlockingQueue<>();
        Path log = work.resolve("quickstart-output.txt");
        output = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                    Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "quickstart-output");
        output.setDaemon(true);
        output.start();
        return lines;
    }

    private String awaitLine(BlockingQueue<String> lines, String contains) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(1, TimeUnit.SECONDS);
            if (line != null && line.contains(contains)) {
                return line;
            }
            assertThat(line != null || process.isAlive()).as("the quickstart ended before '%s': %s", contains,
                    Files.exists(work.resolve("quickstart-output.txt")) ? Files.readString(work.resolve("quickstart-output.txt")) : "")
                    .isTrue();
        }
        throw new AssertionError("no line with '" + contains + "' within " + START_TIMEOUT);
    }

    /** Sends the signal to the JVM, the pid the script exec'd into (as Ctrl-C reaches the foreground process). */
    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    private void assertEnded(long signalledNanos, List<ProcessHandle> children, int exitCode) throws Exception {
        assertThat(process.waitFor(ENDS_WITHIN.toMillis(), TimeUnit.MILLISECONDS))
                .as("the quickstart ended within %s of the signal", ENDS_WITHIN).isTrue();
        Duration took = Duration.ofNanos(System.nanoTime() - signalledNanos);
        System.out.println("quickstart ended " + took.toMillis() + " ms after the signal, exit " + process.exitValue());
        assertThat(process.exitValue()).isEqualTo(exitCode);
        // each component stopped once, by the quickstart, in time: not the deadline's forced end
        output.join(5_000);
        List<String> after = new ArrayList<>(lines);
        assertThat(after).anyMatch(l -> l.contains("Stopped: Kafka Connect, Kafka, schema registry, PostgreSQL"))
                .noneMatch(l -> l.contains("Not every component stopped"));
        assertThat(took).isLessThan(Quickstart.STOP_DEADLINE);
        for (ProcessHandle child : children) {
            long left = ENDS_WITHIN.toNanos() - (System.nanoTime() - signalledNanos);
            child.onExit().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            assertThat(child.isAlive()).as("child %s (%s)", child.pid(), child.info().command().orElse("?")).isFalse();
        }
    }

    private static List<Integer> ports(String ready) {
        List<Integer> ports = new ArrayList<>();
        Matcher m = PORT.matcher(ready);
        while (m.find()) {
            ports.add(Integer.parseInt(m.group(1)));
        }
        return ports;
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
