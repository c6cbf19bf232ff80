package dev.benchlake.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.awaitility.Awaitility;

import dev.benchlake.it.ConnectHarness;
import dev.benchlake.quickstart.stack.SchemaRegistryProcess;

/**
 * Issue 22's registry outage, shared by {@link RegistryOutageIT} (a short outage, shortened timeouts) and the
 * hand-run harness {@code dev.benchlake.bench.RegistryOutageHarness} (a 10-minute outage, the shipped settings).
 * <p>
 * The registry is paused (SIGSTOP: connections open, no answer) or refuses connections (a relay in front of it,
 * {@link RegistryFront}, stops listening, then listens again on the same port; restarting the test registry's process
 * would empty its in-memory store). Each outage runs an exactly-once pipeline (a worker with
 * {@code exactly.once.source.support=enabled}) and an at-least-once one (a second worker) side by side
 * ({@link OutagePipeline}), completes every job's steps during it, and restarts one sink during it. Every check
 * fails the run with an {@link AssertionError}.
 */
public final class RegistryOutageScenario implements AutoCloseable {

    /**
     * What the pipelines run with. {@code shipped}: config/benchlake-source.json and config/benchlake-sink-postgres.json
     * as shipped; otherwise the timeouts the outage must outlast shortened ({@link RegistryOutageIT}).
     * {@code minRetries}: how often the restarted sink must have retried during the outage.
     */
    public record Settings(boolean shipped, Duration outage, Duration dataTimeout, long minRetries) {
        /** Converter {@code cache.ttl 5 s, retry.timeout 2 s, request.timeout 2 s}, transaction timeout 10 s, retry delay 1 s. */
        public static Settings shortened(Duration outage) {
            return new Settings(false, outage, Duration.ofSeconds(120), 5);
        }

        /** The shipped configs: Connect's retry delay grows to 60 s, the source polls every 60 s. */
        public static Settings shipped(Duration outage) {
            return new Settings(true, outage, Duration.ofMinutes(10), 1);
        }
    }

    /** One pipeline's figures after the outage. */
    public record Landed(String prefix, int versions, long duplicates, long rows, long terminalRows, long deadLettered) {
    }

    /** What a run measured. */
    public record Result(String mode, long outageSeconds, long recoverySeconds, long taskSamples, List<String> notRunning,
            String restartedSink, long restartedSinkRetries, List<Landed> pipelines) {
    }

    private final WarehouseStack stack;
    private final ConnectHarness atLeastOnce;
    private final RegistryFront front;
    private final Settings settings;

    private RegistryOutageScenario(WarehouseStack stack, ConnectHarness atLeastOnce, RegistryFront front, Settings settings) {
        this.stack = stack;
        this.atLeastOnce = atLeastOnce;
        this.front = front;
        this.settings = settings;
    }

    /** Starts PostgreSQL, the registry and its relay, an exactly-once worker and an at-least-once one. */
    public static RegistryOutageScenario start(String name, Settings settings) throws IOException {
        WarehouseStack stack = WarehouseStack.start(name + "-eos", List.of(), Map.of(
                "exactly.once.source.support", "enabled", "connector.client.config.override.policy", "All"));
        ConnectHarness alos = null;
        try {
            alos = ConnectHarness.start(name + "-alos", 1, Map.of("plugin.path", WarehouseStack.pluginsDir().toString()));
            return new RegistryOutageScenario(stack, alos, new RegistryFront(stack.registry.port()), settings);
        } catch (IOException | RuntimeException e) {
            if (alos != null) {
                alos.close();
            }
            stack.close();
            throw e;
        }
    }

    /** The registry process stopped (SIGSTOP) and continued; the at-least-once pipeline's sink restarted. */
    public Result paused() throws Exception {
        long pid = registryPid();
        return outage("paused", () -> signal(pid, "STOP"), () -> signal(pid, "CONT"), false);
    }

    /** The registry's relay refusing connections, then accepting them; the exactly-once pipeline's sink restarted. */
    public Result refused() throws Exception {
        return outage("refused", front::refuse, front::accept, true);
    }

    private String frontUrl() {
        return "http://127.0.0.1:" + front.port() + "/api/v1/confluent";
    }

    private interface Step {
        void run() throws Exception;
    }

    /**
     * Both pipelines read every step's first version; the outage begins; one sink is restarted (its task starts with
     * no schema known); every step completes (second versions); the outage lasts its time; it ends.
     */
    private Result outage(String name, Step begin, Step end, boolean restartTheExactlyOnceSide) throws Exception {
        List<OutagePipeline> both = new ArrayList<>();
        try {
            both.add(new OutagePipeline(stack, name + "_eos", stack.connect, true, settings, frontUrl()));
            both.add(new OutagePipeline(stack, name + "_alos", atLeastOnce, false, settings, frontUrl()));
            return outage(name, both, begin, end, restartTheExactlyOnceSide ? both.get(0) : both.get(1),
                    restartTheExactlyOnceSide ? both.get(1) : both.get(0));
        } finally {
            for (OutagePipeline p : both) {
                p.close();
            }
        }
    }

    private Result outage(String name, List<OutagePipeline> both, Step begin, Step end, OutagePipeline restarted,
            OutagePipeline kept) throws Exception {
        int steps = OutagePipeline.JOBS * OutagePipeline.STEPS;
        for (OutagePipeline p : both) {
            await(p.prefix + ": every step's first version in PostgreSQL", () -> assertThat(p.rows()).isEqualTo(steps));
        }
        long started = System.nanoTime();
        OutageWatch watch;
        begin.run();
        long ended;
        long outageSeconds = settings.outage().toSeconds();
        try {
            watch = new OutageWatch(both);
            restarted.restartSink();
            for (OutagePipeline p : both) {
                p.clock.set(Duration.ofSeconds(200)); // every step completes during the outage
            }
            for (OutagePipeline p : both) {
                await(p.prefix + ": sources write every second version with the ids they hold",
                        () -> assertThat(p.stepRecords()).isGreaterThanOrEqualTo(2L * steps));
            }
            await(kept.prefix + ": the running sink lands every second version with the ids it holds",
                    () -> assertThat(kept.terminalRows()).isEqualTo(steps));
            await(restarted.prefix + ": the restarted sink retries (Connect's retry of a RetriableException)",
                    () -> assertThat(totalRetries(restarted.sink)).isGreaterThanOrEqualTo(settings.minRetries()));
            assertThat(restarted.terminalRows()).as("the restarted sink knows no schema yet").isLessThan(steps);
            long left = settings.outage().toMillis() - Duration.ofNanos(System.nanoTime() - started).toMillis();
            if (left > 0) {
                // the outage's length is the scenario, not a wait for a result
                Thread.sleep(left);
            }
            assertThat(restarted.terminalRows()).as("still nothing after " + outageSeconds + " s").isLessThan(steps);
        } finally {
            ended = System.nanoTime();
            end.run();
        }
        await(restarted.prefix + ": every row lands once the registry is back",
                () -> assertThat(restarted.terminalRows()).isEqualTo(steps));
        long recovery = Duration.ofNanos(System.nanoTime() - ended).toSeconds();
        watch.close();
        List<String> restartStates = watch.notRunning.stream().filter(s -> s.startsWith(restarted.sink)).toList();
        assertThat(watch.sampled).as("every connector's tasks were watched").hasSize(4);
        assertThat(watch.notRunning).as("every task RUNNING throughout, but the sink restarted on purpose")
                .allSatisfy(s -> assertThat(s).startsWith(restarted.sink));
        assertThat(restartStates).as("the restarted sink was only ever starting, never failed").allSatisfy(s ->
                assertThat(s).matches(".* (RESTARTING|UNASSIGNED)"));
        List<Landed> landed = new ArrayList<>();
        for (OutagePipeline p : both) {
            Map<String, Long> versions = p.versionsInKafka();
            landed.add(new Landed(p.prefix, versions.size(), versions.values().stream().filter(n -> n > 1).count(),
                    p.rows(), p.terminalRows(), p.deadLettered()));
            assertThat(versions).as(p.prefix + ": every step version in Kafka (read_committed)").hasSize(2 * steps);
            assertThat(versions.values()).as(p.prefix + ": each exactly once").containsOnly(1L);
            assertThat(p.rows()).as(p.prefix + ": one row per step").isEqualTo(steps);
            assertThat(p.terminalRows()).as(p.prefix + ": each at its last version").isEqualTo(steps);
            assertThat(p.deadLettered()).as(p.prefix + ": nothing dead-lettered").isZero();
            for (String c : List.of(p.source, p.sink)) {
                assertThat(p.connect.connect().connectorStatus(c).tasks()).extracting(ConnectorStateInfo.TaskState::state)
                        .as(c).containsOnly("RUNNING");
            }
        }
        return new Result(name, Duration.ofNanos(ended - started).toSeconds(), recovery, watch.samples.get(),
                List.copyOf(watch.notRunning), restarted.sink, totalRetries(restarted.sink), landed);
    }

    private void await(String what, org.awaitility.core.ThrowingRunnable assertion) {
        Awaitility.await(what).atMost(settings.dataTimeout()).pollInterval(Duration.ofMillis(500)).untilAsserted(assertion);
    }

    private static long registryPid() {
        return ProcessHandle.current().descendants().filter(p -> commandLine(p.pid()).contains(SchemaRegistryProcess.MAIN_CLASS))
                .findFirst().orElseThrow(() -> new IllegalStateException("no schema registry child process")).pid();
    }

    /** The whole command line (Linux; ProcessHandle.Info gives up on a long class path). */
    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void signal(long pid, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + signal + " " + pid).isZero();
    }

    /** Connect's count of retried operations of a connector's tasks (task-error-metrics). */
    private static long totalRetries(String connector) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long total = 0;
        for (ObjectName n : server.queryNames(new ObjectName("kafka.connect:type=task-error-metrics,*"), null)) {
            String c = n.getKeyProperty("connector");
            if (connector.equals(c.startsWith("\"") ? ObjectName.unquote(c) : c)) {
                total += ((Number) server.getAttribute(n, "total-retries")).longValue();
            }
        }
        return total;
    }

    @Override
    public void close() throws IOException {
        try {
            front.close();
        } finally {
            try {
                atLeastOnce.close();
            } finally {
                stack.close();
            }
        }
    }
}
