package dev.benchlake.pass;

import java.util.HashSet;
import java.util.Set;

import dev.benchlake.api.JobObservation;
import dev.benchlake.offset.JobOffset;
import dev.benchlake.offset.JobPartition;

/** Everything a task knows about one job: its offset and the pass in progress. Owned by the task's thread. */
public final class JobState {

    public final JobPartition partition;
    /** The offset as of the last record handed to Connect, plus cursor moves made since. */
    public JobOffset offset;
    public long dueAtMs;
    public int consecutiveFailures;
    public boolean notFoundLogged;
    /** When the job was first found closeable; it closes after the grace period if it still is. 0: not yet. */
    public long closeableSinceMs;

    /** The job as the last discovery listing saw it; null when discovery is off or has not listed it. */
    public JobObservation listed;
    /** What only a describe call tells (the input configuration), once the job has been described. */
    public JobObservation.InputConfig inputConfig;
    public boolean described;

    // the pass in progress; reset by startPass()
    public boolean passStarted;
    /** A pass resumed from a stored token saw only part of the steps, so it may not close the job. */
    public boolean passPartial;
    public JobObservation job;
    public boolean passAllTerminal;
    public int passUnidentified;
    public int passPages;
    public int consecutiveEmptyPages;
    public int passRestarts;
    public final Set<String> passTokens = new HashSet<>();
    /** Records emitted in this pass and not yet covered by a transaction commit request. */
    public boolean uncommittedRecords;

    public JobState(JobPartition partition, JobOffset offset) {
        this.partition = partition;
        this.offset = offset;
    }

    public String name() {
        return partition.job();
    }

    public void startPass(boolean partial) {
        passStarted = true;
        passPartial = partial;
        passAllTerminal = true;
        passUnidentified = 0;
        passPages = 0;
        consecutiveEmptyPages = 0;
        passTokens.clear();
    }

    public void endPass() {
        passStarted = false;
        passRestarts = 0;
        passTokens.clear();
    }
}
