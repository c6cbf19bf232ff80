package dev.benchlake.engine;

import java.util.Random;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.source.TransactionContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

import dev.benchlake.api.RecommenderApi;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.metrics.TaskStats;

/**
 * What a {@link SourceEngine} works with: the API, the settings parsed once, which shard of the connector's jobs it
 * reads, the task's clock and random source, and what Connect gives the task (stored offsets, the transaction context,
 * null without exactly-once) and its counters.
 */
public record EngineDeps(RecommenderApi api, EngineSettings settings, Shard shard, Time time, Random random,
        OffsetStorageReader offsets, TransactionContext transactions, TaskStats stats) {

    /**
     * Which of the connector's tasks this is.
     *
     * @param index this task's shard, in [0, count)
     * @param count the number of tasks; the connector's API budget is split evenly among them
     * @param budgetsKey the key under which this worker's tasks of the connector share their rate budgets; null for
     *     budgets of this task's own
     */
    public record Shard(int index, int count, String budgetsKey) {
        /** The only task, with budgets of its own. */
        public static final Shard ONLY = new Shard(0, 1, null);
    }

    /** The only task of a connector, with budgets of its own: how tests and tools run one engine. */
    public static EngineDeps of(RecommenderApi api, BenchlakeSourceConfig config, Time time, Random random,
            OffsetStorageReader offsets, TransactionContext transactions, TaskStats stats) {
        return new EngineDeps(api, EngineSettings.from(config), Shard.ONLY, time, random, offsets, transactions, stats);
    }
}
