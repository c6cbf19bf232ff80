package dev.benchlake.pass;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
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
    /** Not-found answers in a row (a job read before closes only after several, spread over time). */
    public int notFoundAnswers;
    public long notFoundSinceMs;
    /** A call about the job was answered at least once in this task (so a denial later means a revoked policy). */
    public boolean answeredOnce;
    /** Why the job cannot be read now (access denied, offset too large); null while it reads normally. */
    public String readError;
    /** Failures in a row of the page of the current NextToken, other than throttling. */
    public int tokenFailures;
    /** Why a step of the last pass could not be made a record; null when every step could. */
    public String buildError;
    /** The job's offset grew past offset.max.bytes: it is not read any more until the connector restarts. */
    public boolean stopped;
    /** When the job was first found closeable; it closes after the grace period if it still is. 0: not yet. */
    public long closeableSinceMs;

    /** The job as the last discovery listing saw it; null when discovery is off or has not listed it. */
    public JobObservation listed;
    /** What only a describe call tells (the input configuration), once the job has been described. */
    public JobObservation.InputConfig inputConfig;
    public boolean described;
    /** The last pass found every step terminal while the job's status (from a listing) was not: describe it next. */
    public boolean statusWanted;
    /** When the describe of a listed job (made beside its passes) may be tried next, and its failures in a row. */
    public long describeDueAtMs;
    public int describeFailures;
    /** When that describe first answered not found (AWS is eventually consistent: it may exist soon); 0: it has not. */
    public long describeNotFoundSinceMs;
    /** A pass ended while that describe was still wanted: the job's record waits for it, closing the job if allowed. */
    public boolean jobRecordHeld;
    public boolean heldCloseable;

    // the pass in progress; reset by startPass()
    public boolean passStarted;
    /** A pass resumed from a stored token saw only part of the steps, so it may not close the job. */
    public boolean passPartial;
    public JobObservation job;
    public boolean passAllTerminal;
    public int passUnidentified;
    /** Steps of this pass whose record could not be built (see {@link #buildError}). */
    public int passUnbuildable;
    public int passPages;
    /** Pages in a row that showed no step new to this pass (empty, or only steps seen earlier in it). */
    public int pagesWithoutProgress;
    public int passRestarts;
    public final Set<String> passTokens = new HashSet<>();
    /** What tells this pass's steps apart (ids, or whole observations for steps without one): progress is a new one. */
    public final Set<Object> passStepKeys = new HashSet<>();
    /** Terminal steps without an endpoint seen in this pass, by id, with how many: emitted when the pass ends. */
    public final Map<String, NoEndpointSteps> passNoEndpoint = new LinkedHashMap<>();
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
        passUnbuildable = 0;
        passPages = 0;
        pagesWithoutProgress = 0;
        passStepKeys.clear();
        tokenFailures = 0;
        passTokens.clear();
        passNoEndpoint.clear();
    }

    public void endPass() {
        passStarted = false;
        passRestarts = 0;
        tokenFailures = 0;
        passTokens.clear();
        passNoEndpoint.clear();
        passStepKeys.clear();
    }

    /** Steps of one job that name no endpoint and have equal inputs: the last one seen and how many there are. */
    public static final class NoEndpointSteps {
        public dev.benchlake.api.StepObservation step;
        public int count;
    }
}
