package dev.benchlake.pass;

import java.util.Random;

import org.apache.kafka.common.utils.Time;

import dev.benchlake.api.RecommenderApi;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.retry.CredentialsWatch;

/**
 * What a {@link JobReader} works with: the API, its settings (parsed once, by the task), the task's clock and random
 * source, its counters, and the watch over credential failures it shares with the task's other stages.
 */
public record ReaderDeps(RecommenderApi api, ReaderSettings settings, Time time, Random random, TaskStats stats,
        CredentialsWatch credentials) {

    /** A reader's dependencies with a watch over credential failures of its own. */
    public static ReaderDeps of(RecommenderApi api, ReaderSettings settings, Time time, Random random, TaskStats stats) {
        return new ReaderDeps(api, settings, time, random, stats,
                new CredentialsWatch(settings.errors().credentialsFailureTimeout()));
    }
}
