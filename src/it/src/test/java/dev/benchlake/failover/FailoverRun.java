package dev.benchlake.failover;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.awaitility.Awaitility;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.discovery.JobShard;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.it.ConnectHarness;
import dev.benchlake.it.ConnectWorker;
import dev.benchlake.it.TopicReader;
import dev.benchlake.quickstart.stack.Layout;

/**
 * One failover run: a Connect cluster of three distributed workers (two in this JVM, one in a child JVM that can be
 * killed for real), the connector with three tasks and discovery on, the {@link FleetScenario} read in three stages:
 * <ol>
 *   <li>stage 1, all three workers;</li>
 *   <li>stage 2: the child worker is killed with SIGKILL while its task has work in flight;</li>
 *   <li>stage 3: an in-process worker is stopped gracefully ({@code removeWorker}) while its task has work in flight.</li>
 * </ol>
 * With exactly-once the kills happen while the task's Kafka transaction is open (made sure of by slowing the emulator
 * down while the test looks at the transaction coordinator), so an aborted transaction is part of every run.
 */
final class FailoverRun implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FailoverRun.class);

    static final int TASKS = 3;
    static final long LATENCY_MS = 50;
    /** Emulator latency while the test waits for a transaction to be open: a pass cannot end meanwhile. */
    static final long STALL_LATENCY_MS = 800;
    static final Duration STAGE_TIMEOUT = Duration.ofSeconds(90);

    final boolean exactlyOnce;
    final String name;
    final String stepsTopic;
    final String jobsTopic;
    private final String groupId;
    private final ManualClock clock = new ManualClock();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    SageMakerEmulator emulator;
    EmbeddedConnectCluster connect;
    ConnectWorker child;
    Admin admin;
    /** read_committed, or plain reads without exactly-once; what a sink sees. */
    TopicReader steps;
    /** read_uncommitted: also shows records of open and aborted transactions. */
    TopicReader stepsUncommitted;
    TopicReader jobs;

    // what happened, for the report
    int childTask = -1;
    long childMovedAfterMs = -1;
    int stoppedTask = -1;
    long stoppedMovedAfterMs = -1;
    final List<String> events = new ArrayList<>();
    private final long startedAt = System.nanoTime();

    FailoverRun(boolean exactlyOnce) {
        this.exactlyOnce = exactlyOnce;
        this.name = exactlyOnce ? "fleet-eos" : "fleet-alo";
        this.stepsTopic = name + ".steps";
        this.jobsTopic = name + ".jobs";
        this.groupId = "benchlake-failover-" + name;
    }

    /** Starts the emulator, Kafka, two in-process workers and the child worker; {@link #close()} stops them. */
    FailoverRun start() throws IOException {
        emulator = SageMakerEmulator.start(FleetScenario.scenario(), clock);
        closeables.add(emulator);
        emulator.faults().latencyMs(LATENCY_MS);

        Map<String, String> worker = workerProps();
        Map<String, String> inProcess = new HashMap<>(worker);
        inProcess.put(WorkerConfig.PLUGIN_DISCOVERY_CONFIG, "service_load");
        Properties broker = new Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        broker.put("transaction.state.log.num.partitions", "4");
        // lets the workers use a short session timeout, so that the group notices a killed worker within seconds
        broker.put("group.min.session.timeout.ms", "1000");
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder().name(name).numWorkers(2).numBrokers(1)
                .brokerProps(broker).workerProps(inProcess).build();
        connect = cluster;
        cluster.start();
        event("in-process workers started");

        Map<String, String> childProps = new HashMap<>(worker);
        childProps.put(WorkerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers());
        childProps.put(WorkerConfig.PLUGIN_DISCOVERY_CONFIG, "service_load");
        child = ConnectWorker.start(ConnectWorker.Mode.DISTRIBUTED,
                Layout.work("failover-it").resolve(name + "-" + System.currentTimeMillis()),
                childProps);
        event("child worker " + child.workerId() + " joined the group");

        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, connect.kafka().bootstrapServers()));
        steps = new TopicReader(connect.kafka().bootstrapServers(), stepsTopic, exactlyOnce);
        stepsUncommitted = new TopicReader(connect.kafka().bootstrapServers(), stepsTopic, false);
        jobs = new TopicReader(connect.kafka().bootstrapServers(), jobsTopic, exactlyOnce);
        return this;
    }

    private Map<String, String> workerProps() {
        Map<String, String> w = new HashMap<>();
        w.put(DistributedConfig.GROUP_ID_CONFIG, groupId);
        w.put(DistributedConfig.OFFSET_STORAGE_TOPIC_CONFIG, groupId + "-offsets");
        w.put(DistributedConfig.CONFIG_TOPIC_CONFIG, groupId + "-configs");
        w.put(DistributedConfig.STATUS_STORAGE_TOPIC_CONFIG, groupId + "-status");
        w.put(DistributedConfig.OFFSET_STORAGE_REPLICATION_FACTOR_CONFIG, "1");
        w.put(DistributedConfig.CONFIG_STORAGE_REPLICATION_FACTOR_CONFIG, "1");
        w.put(DistributedConfig.STATUS_STORAGE_REPLICATION_FACTOR_CONFIG, "1");
        w.put(DistributedConfig.OFFSET_STORAGE_PARTITIONS_CONFIG, "5");
        w.put(WorkerConfig.KEY_CONVERTER_CLASS_CONFIG, "org.apache.kafka.connect.json.JsonConverter");
        w.put(WorkerConfig.VALUE_CONVERTER_CLASS_CONFIG, "org.apache.kafka.connect.json.JsonConverter");
        // without exactly-once, offsets are flushed on this interval: what a killed worker produced since its last
        // flush is produced again by the task's next owner. 5 s (production default: 60 s).
        w.put(WorkerConfig.OFFSET_COMMIT_INTERVAL_MS_CONFIG, "5000");
        // a lost worker's tasks wait this long for it to come back, after the group noticed it was gone
        w.put(DistributedConfig.SCHEDULED_REBALANCE_MAX_DELAY_MS_CONFIG, "1000");
        w.put(DistributedConfig.SESSION_TIMEOUT_MS_CONFIG, "4000");
        w.put(DistributedConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
        w.put("producer.linger.ms", "5");
        if (exactlyOnce) {
            w.put(DistributedConfig.EXACTLY_ONCE_SOURCE_SUPPORT_CONFIG, "enabled");
        }
        return w;
    }

    /** Discovery on (no job.names), three tasks; with exactly-once, one transaction per job pass. */
    Map<String, String> connectorConfig() {
        Map<String, String> props = ConnectHarness.connectorConfig(emulator, name);
        props.remove("job.names");
        props.put("discovery.enabled", "true");
        props.put("discovery.interval.ms", "1000");
        props.put("discovery.overlap.ms", "60000");
        props.put(ConnectorConfig.TASKS_MAX_CONFIG, Integer.toString(TASKS));
        props.put("page.size", "2");
        props.put("poll.interval.ms", "500");
        props.put("api.max.requests.per.second", "300");
        if (exactlyOnce) {
            props.put("exactly.once.support", "required");
            props.put("transaction.boundary", "connector");
        }
        return props;
    }

    void event(String what) {
        String line = String.format("%6.1f s  %s", (System.nanoTime() - startedAt) / 1e9, what);
        events.add(line);
        log.info("[{}] {}", name, line);
    }

    /** Creates the connector and waits until its three tasks run, one of them on the child worker. */
    void startConnector() {
        connect.configureConnector(name, connectorConfig());
        Awaitility.await("three tasks running, one on the child worker " + child.workerId())
                .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    ConnectorStateInfo status = connect.connectorStatus(name);
                    return status.tasks().size() == TASKS
                            && status.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()))
                            && status.tasks().stream().anyMatch(t -> child.workerId().equals(t.workerId()));
                });
        childTask = taskOn(child.workerId());
        event("connector running: " + tasksByWorker() + "; child runs task " + childTask);
    }

    String tasksByWorker() {
        return connect.connectorStatus(name).tasks().stream()
                .map(t -> t.id() + "@" + t.workerId() + ":" + t.state()).sorted().collect(Collectors.joining(", "));
    }

    int taskOn(String workerId) {
        return connect.connectorStatus(name).tasks().stream().filter(t -> workerId.equals(t.workerId()))
                .mapToInt(ConnectorStateInfo.TaskState::id).findFirst().orElse(-1);
    }

    /** Sets the emulator clock to the stage's scenario time. */
    void enterStage(int stage) {
        clock.set(Duration.ofSeconds(FleetScenario.STAGE_SECONDS.get(stage)));
        event("stage " + (stage + 1) + ": scenario time " + FleetScenario.STAGE_SECONDS.get(stage) + " s, "
                + FleetScenario.newAt(stage).size() + " new step versions");
    }

    static Set<FleetScenario.Version> versions(List<TopicReader.Rec> records) {
        return records.stream().map(r -> new FleetScenario.Version(r.text("job_name"), r.text("endpoint_name"),
                r.text("status"))).collect(Collectors.toSet());
    }

    private static long countOf(List<TopicReader.Rec> records, Set<FleetScenario.Version> wanted) {
        return records.stream().filter(r -> wanted.contains(new FleetScenario.Version(r.text("job_name"),
                r.text("endpoint_name"), r.text("status")))).count();
    }

    /** Waits until every version of the stage is in the topic (read_committed with exactly-once). */
    void awaitStage(int stage) {
        Set<FleetScenario.Version> wanted = FleetScenario.upTo(stage);
        Awaitility.await("every step version up to stage " + (stage + 1) + " (" + wanted.size() + ")")
                .atMost(STAGE_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(() -> versions(steps.drain()).containsAll(wanted));
        event("stage " + (stage + 1) + " complete: " + steps.drain().size() + " step records");
    }

    /**
     * Waits until {@code task} has work of {@code stage} in flight: some but not all of its shard's new versions have
     * been produced; with exactly-once also its transaction open, holding records of the steps topic. In that case
     * the emulator is slowed down ({@link #STALL_LATENCY_MS} a call) and stays so until {@link #unstall()}, so that the
     * transaction is still open when the caller kills or stops the worker.
     */
    void awaitWorkInFlight(int task, int stage) {
        if (exactlyOnce) {
            // slowed from the start: answers made ahead (CallPipeline) could otherwise finish a pass, and commit its
            // transaction, between the check below and the kill
            emulator.faults().latencyMs(STALL_LATENCY_MS);
        }
        Set<String> shard = FleetScenario.shard(task, TASKS);
        Set<FleetScenario.Version> shardNew = FleetScenario.newAt(stage).stream()
                .filter(v -> shard.contains(v.jobName())).collect(Collectors.toSet());
        Awaitility.await("task " + task + " has produced part of its " + shardNew.size() + " new versions")
                .atMost(STAGE_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    long produced = countOf(stepsUncommitted.drain(), shardNew);
                    return produced > 0 && produced < shardNew.size();
                });
        if (!exactlyOnce) {
            event("task " + task + " has produced " + countOf(stepsUncommitted.drain(), shardNew) + " of "
                    + shardNew.size() + " new versions of its shard");
            return;
        }
        emulator.faults().latencyMs(STALL_LATENCY_MS);
        String txId = String.format("%s-%s-%d", groupId, name, task);
        TopicPartition stepsPartition = new TopicPartition(stepsTopic, 0);
        Awaitility.await("transaction " + txId + " open with records in " + stepsPartition)
                .atMost(STAGE_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    TransactionDescription tx = transaction(txId);
                    return tx != null && tx.state() == TransactionState.ONGOING
                            && tx.topicPartitions().contains(stepsPartition)
                            && countOf(stepsUncommitted.drain(), shardNew) > countOf(steps.drain(), shardNew);
                });
        event("transaction " + txId + " is open (ONGOING) and holds records of " + stepsPartition
                + "; emulator stalled at " + STALL_LATENCY_MS + " ms a call");
    }

    void unstall() {
        emulator.faults().latencyMs(LATENCY_MS);
    }

    private TransactionDescription transaction(String txId) {
        try {
            return admin.describeTransactions(List.of(txId)).description(txId).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Kills the child worker's JVM (SIGKILL) and measures how long until its task runs on another worker. */
    void killChild() {
        long at = System.nanoTime();
        child.kill();
        event("child worker killed (SIGKILL, destroyForcibly); it ran task " + childTask);
        unstall();
        childMovedAfterMs = awaitMoved(childTask, child.workerId(), at);
        event("task " + childTask + " moved after " + childMovedAfterMs + " ms: " + tasksByWorker());
    }

    /** Stops an in-process worker that runs a task (not the connector's last worker) gracefully. */
    WorkerHandle workerWithATask() {
        for (WorkerHandle w : connect.workers()) {
            if (taskOn(workerId(w)) >= 0) {
                return w;
            }
        }
        throw new IllegalStateException("no in-process worker runs a task: " + tasksByWorker());
    }

    static String workerId(WorkerHandle w) {
        return w.url().getHost() + ":" + w.url().getPort();
    }

    void stopGracefully(WorkerHandle w, int task) {
        long at = System.nanoTime();
        String id = workerId(w);
        connect.removeWorker(w);
        event("in-process worker " + id + " stopped gracefully (removeWorker); it ran task " + task);
        unstall();
        stoppedMovedAfterMs = awaitMoved(task, id, at);
        event("task " + task + " moved after " + stoppedMovedAfterMs + " ms: " + tasksByWorker());
    }

    private long awaitMoved(int task, String fromWorker, long sinceNanos) {
        Awaitility.await("task " + task + " running on another worker than " + fromWorker)
                .atMost(STAGE_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> connect.connectorStatus(name).tasks().stream().anyMatch(t -> t.id() == task
                        && "RUNNING".equals(t.state()) && !fromWorker.equals(t.workerId())));
        return (System.nanoTime() - sinceNanos) / 1_000_000;
    }

    /** Waits until every job has a closed=true job record. */
    void awaitAllJobsClosed() {
        Awaitility.await("all " + FleetScenario.JOBS + " jobs closed").atMost(STAGE_TIMEOUT)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                .until(() -> closedJobs(jobs.drain()).size() == FleetScenario.JOBS);
        event("all jobs closed");
    }

    static Map<String, Long> closedJobs(List<TopicReader.Rec> records) {
        return records.stream().filter(r -> r.value().get("closed").asBoolean())
                .collect(Collectors.groupingBy(r -> r.text("job_name"), Collectors.counting()));
    }

    /** Reads whatever is still arriving until two consecutive reads a second apart see nothing new. */
    void awaitQuiet() {
        int[] last = {-1};
        Awaitility.await("no more records").atMost(STAGE_TIMEOUT).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofSeconds(1)).until(() -> {
                    int n = stepsUncommitted.drain().size() + steps.drain().size() + jobs.drain().size();
                    boolean quiet = n == last[0];
                    last[0] = n;
                    return quiet;
                });
    }

    /** Records of the read_uncommitted view that the read_committed view does not have (by offset): aborted ones. */
    static List<TopicReader.Rec> aborted(List<TopicReader.Rec> uncommitted, List<TopicReader.Rec> committed) {
        Set<Long> committedOffsets = committed.stream().map(TopicReader.Rec::offset).collect(Collectors.toSet());
        return uncommitted.stream().filter(r -> !committedOffsets.contains(r.offset())).toList();
    }

    /** How many of these records belong to the task's shard and are versions new at the stage. */
    static long ofTaskAndStage(List<TopicReader.Rec> records, int task, int stage) {
        Set<FleetScenario.Version> stageNew = FleetScenario.newAt(stage);
        return records.stream().filter(r -> JobShard.of(r.text("job_name"), TASKS) == task)
                .filter(r -> stageNew.contains(new FleetScenario.Version(r.text("job_name"), r.text("endpoint_name"),
                        r.text("status")))).count();
    }

    /** How many times each (step_id, content_hash) arrived. */
    static Map<String, Long> perContent(List<TopicReader.Rec> records) {
        return records.stream().collect(Collectors.groupingBy(r -> r.text("step_id") + "/" + r.text("content_hash"),
                Collectors.counting()));
    }

    /** Each (endpoint, status) version with the distinct (step_id, content_hash) pairs that carried it. */
    static Map<FleetScenario.Version, Set<String>> contentPerVersion(List<TopicReader.Rec> records) {
        Map<FleetScenario.Version, Set<String>> out = new HashMap<>();
        for (TopicReader.Rec r : records) {
            out.computeIfAbsent(new FleetScenario.Version(r.text("job_name"), r.text("endpoint_name"), r.text("status")),
                    k -> new HashSet<>()).add(r.text("step_id") + "/" + r.text("content_hash"));
        }
        return out;
    }

    void writeReport(String summary) {
        try {
            Path file = Layout.work("failover-it")
                    .resolve(name + "-summary.txt");
            Files.writeString(file, summary + "\n\n" + String.join("\n", events) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("cannot write the failover report: {}", e.toString());
        }
        log.info("[{}] {}", name, summary);
        System.out.println("[" + name + "] " + summary);
    }

    @Override
    public void close() {
        List<AutoCloseable> all = new ArrayList<>();
        all.add(child);
        all.add(steps);
        all.add(stepsUncommitted);
        all.add(jobs);
        all.add(admin);
        EmbeddedConnectCluster cluster = connect;
        all.add(cluster == null ? null : cluster::stop);
        all.addAll(closeables);
        for (AutoCloseable c : all) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                log.warn("cleanup: {}", e.toString());
            }
        }
    }
}
