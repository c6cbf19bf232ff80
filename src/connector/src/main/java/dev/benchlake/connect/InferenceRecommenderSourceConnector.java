package dev.benchlake.connect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.config.DeliveryCheck;
import dev.benchlake.config.Version;
import dev.benchlake.offset.JobOffset;
import dev.benchlake.offset.JobPartition;
import dev.benchlake.sagemaker.AccessCheck;
import dev.benchlake.sagemaker.SageMakerClientFactory;

/**
 * Reads Amazon SageMaker Inference Recommender benchmark steps into Kafka. Tasks own disjoint shards of the
 * jobs by a stable hash of the job name, so task configs stay small and need no rebalance when jobs change.
 */
public class InferenceRecommenderSourceConnector extends SourceConnector {

    private static final Logger log = LoggerFactory.getLogger(InferenceRecommenderSourceConnector.class);

    static final String TASK_INDEX = "benchlake.task.index";
    static final String TASK_COUNT = "benchlake.task.count";
    static final String NOTHING_TO_READ = BenchlakeSourceConfig.JOB_NAMES + " is empty and "
            + BenchlakeSourceConfig.DISCOVERY_ENABLED + " is false: name jobs, enable discovery, or both";

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        BenchlakeSourceConfig config = new BenchlakeSourceConfig(props);
        List<String> problems = new ArrayList<>(SageMakerClientFactory.credentialProblems(config));
        config.endpointProblem().ifPresent(problems::add);
        if (!problems.isEmpty()) {
            throw new ConnectException("Invalid Benchlake configuration: " + String.join("; ", problems));
        }
        if (config.jobNames().isEmpty() && !config.discoveryEnabled()) {
            throw new ConnectException("Invalid Benchlake configuration: " + NOTHING_TO_READ);
        }
        this.props = Map.copyOf(props);
        log.info("Benchlake {} reading {} named jobs in {}, discovery {}", version(), config.jobNames().size(),
                config.region(), config.discoveryEnabled() ? "on" : "off");
        DeliveryCheck.warnings(props).forEach(w -> log.warn("connector config: {}", w));
    }

    @Override
    public Class<? extends Task> taskClass() {
        return InferenceRecommenderSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        BenchlakeSourceConfig config = new BenchlakeSourceConfig(props);
        // with discovery every task lists jobs and keeps its shard; with names only, no task without a job
        int count = config.discoveryEnabled() ? maxTasks : Math.max(1, Math.min(maxTasks, config.jobNames().size()));
        List<Map<String, String>> configs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(TASK_INDEX, Integer.toString(i));
            task.put(TASK_COUNT, Integer.toString(count));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
        props = null;
    }

    @Override
    public ConfigDef config() {
        return BenchlakeSourceConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        boolean singleFieldErrors = config.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty());
        if (singleFieldErrors) {
            return config;
        }
        Map<String, ConfigValue> byName = new HashMap<>();
        config.configValues().forEach(v -> byName.put(v.name(), v));
        BenchlakeSourceConfig parsed = new BenchlakeSourceConfig(connectorConfigs);
        for (String problem : SageMakerClientFactory.credentialProblems(parsed)) {
            byName.get(BenchlakeSourceConfig.CREDENTIALS_PROVIDER).addErrorMessage(problem);
        }
        if (parsed.jobNames().isEmpty() && !parsed.discoveryEnabled()) {
            byName.get(BenchlakeSourceConfig.JOB_NAMES).addErrorMessage(NOTHING_TO_READ);
        }
        parsed.endpointProblem().ifPresent(byName.get(BenchlakeSourceConfig.ENDPOINT_OVERRIDE)::addErrorMessage);
        SchemaPreflight.check(connectorConfigs, parsed).forEach(config.configValues()::add);
        boolean configErrors = config.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty());
        if (!configErrors && parsed.validateAccess()) {
            // only a configuration that is otherwise valid is worth the calls; each problem names its remedy
            for (AccessCheck.Problem problem : AccessCheck.check(parsed)) {
                byName.get(problem.key()).addErrorMessage(problem.message());
            }
        }
        // a warning, not an error: these are the operator's choice, but they should make it knowingly
        DeliveryCheck.warnings(connectorConfigs).forEach(w -> log.warn("connector config: {}", w));
        return config;
    }

    /**
     * Validates offsets an operator writes through the REST API (KIP-875). Removing a job's offset (a null value)
     * makes the connector read that job again from scratch; an edited offset must be a Benchlake job offset.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        for (Map.Entry<Map<String, ?>, Map<String, ?>> e : offsets.entrySet()) {
            JobPartition partition;
            try {
                partition = JobPartition.fromMap(e.getKey());
            } catch (IllegalArgumentException bad) {
                throw new ConnectException("Not a Benchlake source partition " + e.getKey() + ": " + bad.getMessage()
                        + ". Expected {protocol: 1, region, account, job}.");
            }
            if (e.getValue() == null) {
                log.info("offset of job {} removed: the job will be read again from page 1 and re-emitted", partition.job());
                continue;
            }
            try {
                JobOffset.fromMap(e.getValue());
            } catch (IllegalArgumentException bad) {
                throw new ConnectException("Invalid offset for job " + partition.job() + ": " + bad.getMessage());
            }
            log.info("offset of job {} altered", partition.job());
        }
        return true;
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        // offsets are exact per record: every record carries the cursor and the emitted step hashes of its job
        return ExactlyOnceSupport.SUPPORTED;
    }

    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> connectorConfig) {
        return ConnectorTransactionBoundaries.SUPPORTED;
    }
}
