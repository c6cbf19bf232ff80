package dev.benchlake.it;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import dev.benchlake.connect.InferenceRecommenderSourceConnector;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;

/** Kafka (KRaft) and Connect in-process, with the worker settings that keep integration tests quick. */
public final class ConnectHarness implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final EmbeddedConnectCluster connect;

    private ConnectHarness(EmbeddedConnectCluster connect) {
        this.connect = connect;
    }

    public static ConnectHarness start(String name, int workers, Map<String, String> extraWorkerProps) {
        return start(name, workers, 1, extraWorkerProps);
    }

    /** With {@code brokers} brokers: three run configs that ask for replication factor 3 as they are shipped. */
    public static ConnectHarness start(String name, int workers, int brokers, Map<String, String> extraWorkerProps) {
        Map<String, String> worker = new HashMap<>();
        worker.put(WorkerConfig.PLUGIN_DISCOVERY_CONFIG, "service_load");
        worker.put(WorkerConfig.OFFSET_COMMIT_INTERVAL_MS_CONFIG, "500");
        worker.put(DistributedConfig.SCHEDULED_REBALANCE_MAX_DELAY_MS_CONFIG, "3000");
        worker.put("producer.linger.ms", "5");
        worker.putAll(extraWorkerProps);
        // one broker: the transaction log must fit on it for exactly-once source support
        java.util.Properties broker = new java.util.Properties();
        broker.put("transaction.state.log.replication.factor", "1");
        broker.put("transaction.state.log.min.isr", "1");
        broker.put("transaction.state.log.num.partitions", "4");
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name(name)
                .numWorkers(workers)
                .numBrokers(brokers)
                .brokerProps(broker)
                .workerProps(worker)
                .build();
        cluster.start();
        return new ConnectHarness(cluster);
    }

    public EmbeddedConnectCluster connect() {
        return connect;
    }

    public String bootstrapServers() {
        return connect.kafka().bootstrapServers();
    }

    /** A connector config reading the given jobs from the emulator, with JSON records (no registry needed). */
    public static Map<String, String> connectorConfig(SageMakerEmulator emulator, String topicPrefix, String... jobs) {
        Map<String, String> props = new HashMap<>();
        props.put(ConnectorConfig.CONNECTOR_CLASS_CONFIG, InferenceRecommenderSourceConnector.class.getName());
        props.put(ConnectorConfig.TASKS_MAX_CONFIG, "1");
        props.put(ConnectorConfig.KEY_CONVERTER_CLASS_CONFIG, "org.apache.kafka.connect.json.JsonConverter");
        props.put(ConnectorConfig.VALUE_CONVERTER_CLASS_CONFIG, "org.apache.kafka.connect.json.JsonConverter");
        props.put("key.converter.schemas.enable", "false");
        props.put("value.converter.schemas.enable", "false");
        props.put("aws.region", "us-east-1");
        props.put("aws.endpoint.override", emulator.endpoint().toString());
        props.put("aws.credentials.provider", "static");
        // the keys the emulator serves and knows: it checks every request's SigV4 signature made with them
        props.put("aws.access.key.id", Scenario.Credentials.DEFAULT.accessKeyId());
        props.put("aws.secret.access.key", Scenario.Credentials.DEFAULT.secretAccessKey());
        props.put("job.names", String.join(",", jobs));
        props.put("poll.interval.ms", "500");
        props.put("page.size", "2");
        props.put("topic", topicPrefix + ".steps");
        props.put("jobs.topic", topicPrefix + ".jobs");
        props.put("terminal.grace.period.ms", "200");
        props.put("api.max.requests.per.second", "50");
        props.put("topic.creation.default.replication.factor", "1");
        props.put("topic.creation.default.partitions", "1");
        // the ITs count the emulator's calls and script its faults from the first request: validate()'s own calls
        // (aws.validate.access, on by default) are AwsAccessValidationIT's and ShippedConfigsIT's
        props.put("aws.validate.access", "false");
        return props;
    }

    public void startConnector(String name, Map<String, String> props) {
        connect.configureConnector(name, props);
        int tasks = Integer.parseInt(props.getOrDefault(ConnectorConfig.TASKS_MAX_CONFIG, "1"));
        try {
            connect.assertions().assertConnectorAndAtLeastNumTasksAreRunning(name, 1,
                    "connector " + name + " did not start");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks.max must be positive");
        }
    }

    /** Starts the connector and waits until all of its {@code tasks.max} tasks are RUNNING, not just one. */
    public void startConnectorAndAllTasks(String name, Map<String, String> props) {
        connect.configureConnector(name, props);
        int tasks = Integer.parseInt(props.getOrDefault(ConnectorConfig.TASKS_MAX_CONFIG, "1"));
        try {
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, tasks,
                    "connector " + name + " did not start all " + tasks + " tasks");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every connector's state and its tasks' states, with the first line of a failed task's trace: what a test that
     * timed out waiting for data adds to its failure, since CI keeps only the failure message.
     */
    public String statusReport() {
        StringBuilder out = new StringBuilder();
        for (String name : connect.connectors()) {
            ConnectorStateInfo status = connect.connectorStatus(name);
            out.append(name).append(": ").append(status.connector().state());
            for (ConnectorStateInfo.TaskState task : status.tasks()) {
                out.append(", task ").append(task.id()).append(' ').append(task.state());
                if (task.trace() != null) {
                    out.append(" (").append(task.trace().lines().findFirst().orElse("")).append(')');
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    @Override
    public void close() {
        connect.stop();
    }
}
