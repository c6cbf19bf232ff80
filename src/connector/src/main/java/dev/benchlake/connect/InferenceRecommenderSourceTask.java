package dev.benchlake.connect;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.api.RecommenderApi;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.config.Version;
import dev.benchlake.discovery.JobShard;
import dev.benchlake.engine.EngineDeps;
import dev.benchlake.engine.EngineSettings;
import dev.benchlake.engine.SourceEngine;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.sagemaker.SdkRecommenderApi;

/** Reads the jobs of one shard. All the work is in {@link SourceEngine}; this class wires it to Connect. */
public class InferenceRecommenderSourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(InferenceRecommenderSourceTask.class);
    /** How long one poll() waits for the schemas to be registered before it returns nothing (and is called again). */
    static final long WARMUP_WAIT_MS = 1_000L;

    private final TaskStats stats = new TaskStats();
    private SourceEngine engine;
    private TaskMetrics metrics;
    private PluginMetricsBridge pluginMetrics;
    private MetricsLog metricsLog;
    private SchemaWarmup schemas;

    @Override
    public String version() {
        return Version.get();
    }

    @Override
    public void start(Map<String, String> props) {
        BenchlakeSourceConfig config = new BenchlakeSourceConfig(props);
        int index = Integer.parseInt(props.getOrDefault(InferenceRecommenderSourceConnector.TASK_INDEX, "0"));
        int count = Integer.parseInt(props.getOrDefault(InferenceRecommenderSourceConnector.TASK_COUNT, "1"));
        List<String> mine = config.jobNames().stream().filter(job -> JobShard.of(job, count) == index).toList();
        // before the SDK client exists: its signer and HTTP client must not print credentials at DEBUG
        CredentialLoggers.guard();
        RecommenderApi api = SdkRecommenderApi.create(config);
        TransactionContext transactions = context.transactionContext();
        try {
            // this worker's tasks of the connector share one budget per operation (SharedBudgets)
            // the configuration is parsed once, here; the engine and its stages get the parsed values
            EngineDeps.Shard shard = new EngineDeps.Shard(index, count, props.getOrDefault("name", "benchlake"));
            engine = new SourceEngine(new EngineDeps(api, EngineSettings.from(config), shard, Time.SYSTEM, new Random(),
                    context.offsetStorageReader(), transactions, stats));
            engine.start(mine);
        } catch (RuntimeException e) {
            // a malformed stored offset, say: the SDK clients (and their connection pools) must not leak
            if (engine != null) {
                engine.stop();
                engine = null;
            } else {
                api.close();
            }
            throw e;
        }
        String name = props.getOrDefault("name", "benchlake");
        // the schemas registered ahead, outside any transaction: no record waits for the registry inside one
        schemas = SchemaWarmup.start(props, config, name + "-" + index);
        metrics = TaskMetrics.register(name, index, stats, engine);
        pluginMetrics = PluginMetricsBridge.register(context, metrics.attributes());
        metricsLog = new MetricsLog(name, index, metrics.attributes(), config.metricsLogInterval().toMillis(),
                System.currentTimeMillis());
        log.info("task {}/{} reading {} jobs", index + 1, count, mine.size());
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (!schemas.awaitReady(WARMUP_WAIT_MS)) {
            // the registry has not answered yet: records held back (the task stays RUNNING, nothing is lost)
            return null;
        }
        long started = System.nanoTime();
        try {
            return engine.poll();
        } finally {
            stats.pollReturned((System.nanoTime() - started) / 1_000_000);
            metricsLog.maybeLog(System.currentTimeMillis());
        }
    }

    @Override
    public void stop() {
        if (schemas != null) {
            schemas.close();
        }
        if (engine != null) {
            engine.stop();
        }
        if (pluginMetrics != null) {
            pluginMetrics.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
