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
import dev.benchlake.sagemaker.SageMakerClientFactory;

/**
 * Reads Amazon SageMaker Inference Recommender benchmark steps into Kafka. Tasks own disjoint shards of the
 * jobs by a stable hash of the job name, so task configs stay small and need no rebalance when jobs change.
 */
public class InferenceRecommenderSourceConnector extends SourceConnector {

    private static final Logger log = LoggerFactory.getLogger(InferenceRecommenderSourceConnector.class);

    static final String TASK_INDEX = "benchlake.task.index";
    static final String TASK_COUNT = "benchlake.task.count";

    private Map<String, String> props;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        BenchlakeSourceConfig config = new BenchlakeSourceConfig(props);
        List<String> problems = SageMakerClientFactory.credentialProblems(config);
        if (!problems.isEmpty()) {
            throw new ConnectException("Invalid Benchlake configuration: " + String.join("; ", problems));
        }
        this.props = Map.copyOf(props);
        log.info("Benchlake {} reading {} jobs in {}", version(), config.jobNames().size(), config.region());
    }

    @Override
    public Class<? extends Task> taskClass() {
        return InferenceRecommenderSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        int jobs = new BenchlakeSourceConfig(props).jobNames().size();
        int count = Math.max(1, Math.min(maxTasks, jobs));
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
        SchemaPreflight.check(connectorConfigs, parsed).forEach(config.configValues()::add);
        return config;
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
