package dev.benchlake.pass;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import dev.benchlake.api.JobObservation;
import dev.benchlake.offset.JobOffset;
import dev.benchlake.offset.JobPartition;

/**
 * Everything a task knows about one job: its offset and the pass in progress. Owned by the task's thread. Its fields
 * belong to the pass package, which reads and moves the job; the engine sees the narrow view of public methods below
 * (identity, offset, due time, class, why it cannot be read).
 */
public final class JobState {

    /**
     * A time not reached yet. The times of a job's schedule (due times, since-when) are ms of the task's monotonic
     * clock, whose origin is arbitrary (0 or negative are readings like any other), so "not yet" needs its own value.
     */
    static final long NEVER = Long.MIN_VALUE;

    final JobPartition partition;
    /** The offset as of the last record handed to Connect, plus cursor moves made since. */
    JobOffset offset;
    long dueAtMs;
    int consecutiveFailures;
    boolean notFoundLogged;
    /** Not-found answers in a row (a job read before closes only after several, spread over time). */
    int notFoundAnswers;
    long notFoundSinceMs;
    /** A call about the job was answered at least once in this task (so a denial later means a revoked policy). */
    boolean answeredOnce;
    /** Why the job cannot be read now (access denied, offset too large); null while it reads normally. */
    String readError;
    /** Failures in a row of the page of the current NextToken, other than throttling. */
    int tokenFailures;
    /** Why a step of the last pass could not be made a record; null when every step could. */
    String buildError;
    /** The job's offset grew past offset.max.bytes: it is not read any more until the connector restarts. */
    boolean stopped;
    /** When the job was first found closeable; it closes after the grace period if it still is. NEVER: not yet. */
    long closeableSinceMs = NEVER;

    /** The job as the last discovery listing saw it; null when discovery is off or has not listed it. */
    JobObservation listed;
    /** What only a describe call tells (the input configuration), once the job has been described. */
    JobObservation.InputConfig inputConfig;
    boolean described;
    /** The last pass found every step terminal while the job's status (from a listing) was not: describe it next. */
    boolean statusWanted;
    /** When the describe of a listed job (made beside its passes) may be tried next, and its failures in a row. */
    long describeDueAtMs = NEVER;
    int describeFailures;
    /** When that describe first answered not found (AWS is eventually consistent: it may exist soon); NEVER: not. */
    long describeNotFoundSinceMs = NEVER;
    /** A pass ended while that describe was still wanted: the job's record waits for it, closing the job if allowed. */
    boolean jobRecordHeld;
    boolean heldCloseable;

    // the pass in progress; reset by startPass()
    boolean passStarted;
    /** A pass resumed from a stored token saw only part of the steps, so it may not close the job. */
    boolean passPartial;
    JobObservation job;
    boolean passAllTerminal;
    int passUnidentified;
    /** Steps of this pass whose record could not be built (see {@link #buildError}). */
    int passUnbuildable;
    int passPages;
    /** Pages in a row that showed no step new to this pass (empty, or only steps seen earlier in it). */
    int pagesWithoutProgress;
    int passRestarts;
    final Set<String> passTokens = new HashSet<>();
    /** What tells this pass's steps apart (ids, or whole observations for steps without one): progress is a new one. */
    final Set<Object> passStepKeys = new HashSet<>();
    /** Terminal steps without an endpoint seen in this pass, by id, with how many: emitted when the pass ends. */
    final Map<String, NoEndpointSteps> passNoEndpoint = new LinkedHashMap<>();

    public JobState(JobPartition partition, JobOffset offset) {
        this.partition = partition;
        this.offset = offset;
    }

    public String name() {
        return partition.job();
    }

    // the engine's view

    public JobPartition partition() {
        return partition;
    }

    /** The offset as of the last record handed to Connect, plus cursor moves made since. */
    public JobOffset offset() {
        return offset;
    }

    /** When the job's next call is due, in ms of the task's monotonic clock. */
    public long dueAtMs() {
        return dueAtMs;
    }

    /** Makes the job due at {@code ms} of the task's monotonic clock; for a job not queued. */
    public void dueAt(long ms) {
        dueAtMs = ms;
    }

    /** The job as the last discovery listing saw it; null when discovery is off or has not listed it. */
    public JobObservation listed() {
        return listed;
    }

    /** Discovery listed the job again: the fresher summary. */
    public void listed(JobObservation summary) {
        listed = summary;
    }

    /** Whether a call about the job was answered in this task (a denial after it means a revoked policy). */
    public boolean answeredOnce() {
        return answeredOnce;
    }

    /** Why the job cannot be read now; null while it reads normally. */
    public String readError() {
        return readError;
    }

    /** Whether a pass over the job is in progress (its next call is the page of its NextToken). */
    public boolean passInProgress() {
        return passStarted;
    }

    /** When the describe made beside the job's passes may be tried next, in ms of the task's monotonic clock. */
    public long describeDueAtMs() {
        return describeDueAtMs;
    }

    void startPass(boolean partial) {
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

    void endPass() {
        passStarted = false;
        passRestarts = 0;
        tokenFailures = 0;
        passTokens.clear();
        passNoEndpoint.clear();
        passStepKeys.clear();
    }

    /** Steps of one job that name no endpoint and have equal inputs: the last one seen and how many there are. */
    static final class NoEndpointSteps {
        dev.benchlake.api.StepObservation step;
        int count;
    }
}
