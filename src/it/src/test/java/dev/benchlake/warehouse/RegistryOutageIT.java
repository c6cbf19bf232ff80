package dev.benchlake.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.benchlake.avro.AvroConverter;
import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.emulator.ScenarioJob;
import dev.benchlake.it.ConnectHarness;
import dev.benchlake.quickstart.stack.SchemaRegistryProcess;

/**
 * Issue 22: a schema registry outage longer than every timeout involved, while the jobs change, with the registry
 * paused (SIGSTOP: connections open, no answer) and with it refusing connections (a relay in front of it stops
 * listening, then listens again on the same port; restarting the test registry's process would empty its in-memory
 * store). Each outage runs an exactly-once pipeline (a worker with {@code exactly.once.source.support=enabled}) and an
 * at-least-once one (a second worker) side by side, each a Benchlake source and the shipped PostgreSQL sink
 * (config/benchlake-sink-postgres.json), and restarts one sink during it.
 * <p>
 * Timeouts shortened so that a {@value #OUTAGE_SECONDS} s outage outlasts each several times over:
 * {@code schema.registry.cache.ttl.ms=5000} (held ids due for confirmation), {@code schema.registry.retry.timeout.ms=2000}
 * and {@code schema.registry.request.timeout.ms=2000} (the converter's retry window and each request), the exactly-once
 * producer's {@code transaction.timeout.ms=10000}, and Connect's {@code errors.retry.delay.max.ms=1000} (its retry
 * window is the shipped {@code errors.retry.timeout=-1}: no end).
 */
class RegistryOutageIT {
    static final int OUTAGE_SECONDS = 40;
    private static final int JOBS = 3;
    private static final int STEPS = 4;
    private static final Duration DATA_TIMEOUT = Duration.ofSeconds(120);

    private static WarehouseStack stack;
    private static ConnectHarness atLeastOnce;
    private static RegistryFront front;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        stack = WarehouseStack.start("registry-outage-eos", List.of(), Map.of(
                "exactly.once.source.support", "enabled", "connector.client.config.override.policy", "All"));
        atLeastOnce = ConnectHarness.start("registry-outage-alos", 1,
                Map.of("plugin.path", WarehouseStack.pluginsDir().toString()));
        front = new RegistryFront(stack.registry.port());
    }

    @AfterAll
    static void stop() throws IOException {
        if (front != null) {
            front.close();
        }
        if (atLeastOnce != null) {
            atLeastOnce.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static String frontUrl() {
        return "http://127.0.0.1:" + front.port() + "/api/v1/confluent";
    }

    /** A source reading its own emulator, and the shipped PostgreSQL sink into its own database. */
    private final class Pipeline {
        final String prefix;
        final ConnectHarness connect;
        final ManualClock clock = new ManualClock();
        final SageMakerEmulator emulator;
        final String source;
        final String sink;
        final Map<String, String> sinkConfig;

        Pipeline(String prefix, ConnectHarness connect, boolean exactlyOnce) throws SQLException {
            this.prefix = prefix;
            this.connect = connect;
            this.source = prefix + "-source";
            this.sink = prefix + "-sink";
            List<ScenarioJob> jobs = Fixtures.benchmarkJobs(prefix.replace('_', '-'), JOBS, STEPS).stepDuration(Duration.ofSeconds(100)).build();
            emulator = SageMakerEmulator.start(Scenario.builder().jobs(jobs).build(), clock);
            closeables.add(emulator);
            stack.createDatabase(prefix);
            stack.runSqlFile(prefix, "01_landing_tables.sql");
            Map<String, String> src = stack.sourceConfig(emulator, prefix, jobs.stream().map(ScenarioJob::name).toList());
            shortenTimeouts(src);
            if (exactlyOnce) {
                src.put("exactly.once.support", "required");
                src.put("transaction.boundary", "poll");
                src.put("producer.override.transaction.timeout.ms", "10000");
            }
            Map<String, String> snk = stack.postgresSinkConfig(prefix, prefix);
            shortenTimeouts(snk);
            snk.put("errors.retry.delay.max.ms", "1000");
            this.sinkConfig = snk;
            connect.startConnector(source, src);
            connect.startConnector(sink, snk);
        }

        private void shortenTimeouts(Map<String, String> props) {
            for (String side : List.of("key.converter.", "value.converter.")) {
                props.put(side + "schema.registry.url", frontUrl());
                props.put(side + "schema.registry.cache.ttl.ms", "5000");
                props.put(side + "schema.registry.retry.timeout.ms", "2000");
                props.put(side + "schema.registry.request.timeout.ms", "2000");
            }
        }

        /** (step_id, content_hash) -> how often it is in Kafka, read_committed. */
        Map<String, Long> versionsInKafka() {
            Map<String, Long> out = new HashMap<>();
            AvroConverter values = new AvroConverter();
            values.configure(Map.of("schema.registry.url", frontUrl()), false);
            TopicPartition tp = new TopicPartition(prefix + ".benchmark-steps", 0);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                    connect.bootstrapServers(), "isolation.level", "read_committed", "auto.offset.reset", "earliest"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.assign(List.of(tp));
                long end = consumer.endOffsets(List.of(tp)).get(tp);
                while (consumer.position(tp) < end) {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                        Struct v = (Struct) values.toConnectData(tp.topic(), r.value()).value();
                        out.merge(v.getString("step_id") + "/" + v.getString("content_hash"), 1L, Long::sum);
                    });
                }
            } finally {
                values.close();
            }
            return out;
        }

        /** Step records in Kafka, read_committed, not decoded (decoding needs the registry). */
        long stepRecords() {
            TopicPartition tp = new TopicPartition(prefix + ".benchmark-steps", 0);
            long n = 0;
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                    connect.bootstrapServers(), "isolation.level", "read_committed", "auto.offset.reset", "earliest"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer.assign(List.of(tp));
                long end = consumer.endOffsets(List.of(tp)).get(tp);
                while (consumer.position(tp) < end) {
                    n += consumer.poll(Duration.ofMillis(200)).count();
                }
            }
            return n;
        }

        /**
         * The sink's task replaced by a new one, which starts knowing no schema: the connector deleted and created
         * again under its name (so its consumer group, and its committed offsets, stay).
         */
        void restartSink() throws Exception {
            connect.connect().deleteConnector(sink);
            connect.connect().assertions().assertConnectorDoesNotExist(sink, "the sink is gone");
            connect.startConnector(sink, sinkConfig);
        }

        long terminalRows() throws SQLException {
            return (Long) stack.scalar(prefix, "SELECT count(*) FROM benchmark_steps WHERE is_terminal");
        }

        long rows() throws SQLException {
            return (Long) stack.scalar(prefix, "SELECT count(*) FROM benchmark_steps");
        }

        long deadLettered() throws Exception {
            return connect.connect().kafka().endOffset(new TopicPartition(prefix + ".sink-dlq", 0));
        }

        void delete() {
            connect.connect().deleteConnector(source);
            connect.connect().deleteConnector(sink);
        }
    }

    /** Samples every task's state while an outage lasts: whatever is not RUNNING is kept. */
    private static final class StatusWatch implements AutoCloseable {
        final List<String> notRunning = new CopyOnWriteArrayList<>();
        final Set<String> sampled = ConcurrentHashMap.newKeySet();
        private volatile boolean stopped;
        private final Thread thread;

        StatusWatch(List<Pipeline> pipelines) {
            thread = new Thread(() -> {
                while (!stopped) {
                    for (Pipeline p : pipelines) {
                        for (String name : List.of(p.source, p.sink)) {
                            try {
                                ConnectorStateInfo info = p.connect.connect().connectorStatus(name);
                                info.tasks().forEach(t -> {
                                    sampled.add(name);
                                    if (!"RUNNING".equals(t.state())) {
                                        notRunning.add(name + " task " + t.id() + " " + t.state());
                                    }
                                });
                            } catch (RuntimeException e) {
                                // the REST call failed: no sample
                            }
                        }
                    }
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "outage-status-watch");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stopped = true;
            thread.join();
        }
    }

    private static void await(String what, org.awaitility.core.ThrowingRunnable assertion) {
        Awaitility.await(what).atMost(DATA_TIMEOUT).pollInterval(Duration.ofMillis(500)).untilAsserted(assertion);
    }

    private static long registryPid() {
        return ProcessHandle.current().descendants().filter(p -> commandLine(p.pid()).contains(SchemaRegistryProcess.MAIN_CLASS))
                .findFirst().orElseThrow(() -> new IllegalStateException("no schema registry child process")).pid();
    }

    /** The whole command line (Linux; ProcessHandle.Info gives up on a long class path). */
    private static String commandLine(long pid) {
        try {
            return new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc", Long.toString(pid), "cmdline")),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static void signal(long pid, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + signal + " " + pid).isZero();
    }

    @Test
    void aPausedRegistryStopsNothingUnderExactlyOnceOrAtLeastOnceAndARestartedSinkCatchesUp() throws Exception {
        long pid = registryPid();
        outage("paused", () -> signal(pid, "STOP"), () -> signal(pid, "CONT"), false);
    }

    @Test
    void aRegistryRefusingConnectionsStopsNothingAndARestartedSinkCatchesUp() throws Exception {
        outage("refused", front::refuse, front::accept, true);
    }

    private interface Step {
        void run() throws Exception;
    }

    /**
     * Both pipelines read every step's first version; the outage begins; one sink is restarted (its task starts with
     * no schema known); every step completes (second versions); the outage lasts {@value #OUTAGE_SECONDS} s; it ends.
     */
    private void outage(String name, Step begin, Step end, boolean restartTheExactlyOnceSide) throws Exception {
        Pipeline exactly = new Pipeline(name + "_eos", stack.connect, true);
        Pipeline atLeast = new Pipeline(name + "_alos", atLeastOnce, false);
        List<Pipeline> both = List.of(exactly, atLeast);
        int steps = JOBS * STEPS;
        try {
            for (Pipeline p : both) {
                await(p.prefix + ": every step's first version in PostgreSQL", () -> assertThat(p.rows()).isEqualTo(steps));
            }
            Pipeline restarted = restartTheExactlyOnceSide ? exactly : atLeast;
            Pipeline kept = restartTheExactlyOnceSide ? atLeast : exactly;
            long started = System.nanoTime();
            List<String> restartStates;
            StatusWatch watch = null;
            begin.run();
            try {
                watch = new StatusWatch(both);
                restarted.restartSink();
                for (Pipeline p : both) {
                    p.clock.set(Duration.ofSeconds(200)); // every step completes during the outage
                }
                for (Pipeline p : both) {
                    await(p.prefix + ": sources write every second version with the ids they hold",
                            () -> assertThat(p.stepRecords()).isGreaterThanOrEqualTo(2L * steps));
                }
                await(kept.prefix + ": the running sink lands every second version with the ids it holds",
                        () -> assertThat(kept.terminalRows()).isEqualTo(steps));
                await(restarted.prefix + ": the restarted sink retries (Connect's retry of a RetriableException)",
                        () -> assertThat(totalRetries(restarted.sink)).isGreaterThanOrEqualTo(5));
                assertThat(restarted.terminalRows()).as("the restarted sink knows no schema yet").isLessThan(steps);
                long left = OUTAGE_SECONDS * 1000L - Duration.ofNanos(System.nanoTime() - started).toMillis();
                if (left > 0) {
                    // the outage's length is the scenario, not a wait for a result
                    Thread.sleep(left);
                }
                assertThat(restarted.terminalRows()).as("still nothing after " + OUTAGE_SECONDS + " s").isLessThan(steps);
            } finally {
                end.run();
            }
            await(restarted.prefix + ": every row lands once the registry is back",
                    () -> assertThat(restarted.terminalRows()).isEqualTo(steps));
            assertThat(watch).isNotNull();
            watch.close();
            restartStates = watch.notRunning.stream().filter(s -> s.startsWith(restarted.sink)).toList();
            assertThat(watch.sampled).as("every connector's tasks were watched").hasSize(4);
            assertThat(watch.notRunning).as("every task RUNNING throughout, but the sink restarted on purpose")
                    .allSatisfy(s -> assertThat(s).startsWith(restarted.sink));
            assertThat(restartStates).as("the restarted sink was only ever starting, never failed").allSatisfy(s ->
                    assertThat(s).matches(".* (RESTARTING|UNASSIGNED)"));
            for (Pipeline p : both) {
                Map<String, Long> versions = p.versionsInKafka();
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
            System.out.printf("RegistryOutageIT %s: outage of %d s; the restarted sink (%s) retried %d conversions%n", name,
                    Duration.ofNanos(System.nanoTime() - started).toSeconds(), restarted.sink, totalRetries(restarted.sink));
        } finally {
            for (Pipeline p : both) {
                p.delete();
            }
            for (AutoCloseable c : closeables) {
                c.close();
            }
            closeables.clear();
        }
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
}
