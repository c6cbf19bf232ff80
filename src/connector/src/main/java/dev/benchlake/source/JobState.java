package dev.benchlake.source;

import java.util.HashSet;
import java.util.Set;

import dev.benchlake.offset.JobOffset;
import dev.benchlake.offset.JobPartition;
import dev.benchlake.record.JobObservation;

/** Everything a task knows about one job: its offset and the pass in progress. Owned by the task's thread. */
final class JobState {

    final JobPartition partition;
    /** The offset as of the last record handed to Connect, plus cursor moves made since. */
    JobOffset offset;
    long dueAtMs;
    int consecutiveFailures;
    boolean notFoundLogged;
    /** When the job was first found closeable; it closes after the grace period if it still is. 0: not yet. */
    long closeableSinceMs;

    /** The job as the last discovery listing saw it; null when discovery is off or has not listed it. */
    JobObservation listed;
    /** What only a describe call tells (the input configuration), once the job has been described. */
    JobObservation.InputConfig inputConfig;
    boolean described;

    // the pass in progress; reset by startPass()
    boolean passStarted;
    /** A pass resumed from a stored token saw only part of the steps, so it may not close the job. */
    boolean passPartial;
    JobObservation job;
    boolean passAllTerminal;
    int passUnidentified;
    int passPages;
    int consecutiveEmptyPages;
    int passRestarts;
    final Set<String> passTokens = new HashSet<>();
    /** Records emitted in this pass and not yet covered by a transaction commit request. */
    boolean uncommittedRecords;

    JobState(JobPartition partition, JobOffset offset) {
        this.partition = partition;
        this.offset = offset;
    }

    String name() {
        return partition.job();
    }

    void startPass(boolean partial) {
        passStarted = true;
        passPartial = partial;
        passAllTerminal = true;
        passUnidentified = 0;
        passPages = 0;
        consecutiveEmptyPages = 0;
        passTokens.clear();
    }

    void endPass() {
        passStarted = false;
        passRestarts = 0;
        passTokens.clear();
    }
}
