package dev.benchlake.pass;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.api.ApiException;
import dev.benchlake.api.JobObservation;
import dev.benchlake.api.JobStatuses;
import dev.benchlake.api.RecommenderApi;
import dev.benchlake.api.StepObservation;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.offset.JobOffset;
import dev.benchlake.record.StepIdentity;
import dev.benchlake.retry.Backoff;
import dev.benchlake.retry.CredentialsWatch;

/**
 * Reads jobs one API call at a time: {@link #nextCall} says which call a job needs, {@link #call} makes it (on any
 * thread), {@link #apply} takes the answer in. A pass over a job is: describe the job, then list its steps page by
 * page.
 * Each step whose content changed becomes a record whose offset says where the pass stands and which step
 * contents were emitted, so a restart resumes mid-pass and never emits a content twice.
 */
public final class JobReader {

    private static final Logger log = LoggerFactory.getLogger(JobReader.class);

    /**
     * Pages in a row without a step new to the pass after which the pass ends and the job backs off: AWS's tokens are
     * opaque and may differ on every call, so progress is new step content, not new tokens.
     */
    public static final int MAX_PAGES_WITHOUT_PROGRESS = 50;
    /** Restarts of one pass after which the job waits for the next poll interval. */
    public static final int MAX_PASS_RESTARTS = 3;
    public static final String CLOSE_COMPLETE = "COMPLETE";
    public static final String CLOSE_NOT_FOUND = "NOT_FOUND";

    private final RecommenderApi api;
    private final ReaderSettings settings;
    private final Time time;
    private final CredentialsWatch credentials;
    private final TaskStats stats;
    private final PassRecords records;
    private final PassFailures failures;
    private final AwsClock awsClock;

    public JobReader(RecommenderApi api, ReaderSettings settings, Time time, Random random, TaskStats stats) {
        this(ReaderDeps.of(api, settings, time, random, stats));
    }

    public JobReader(ReaderDeps deps) {
        this.api = deps.api();
        this.settings = deps.settings();
        this.time = deps.time();
        // a job retries at least once a poll interval (and never waits less than a second between tries)
        Backoff backoff = new Backoff(Duration.ofMillis(Math.max(1_000L, settings.pollInterval().toMillis())),
                deps.random());
        // rechecks of a job never read yet: from the poll interval up to errors.not.found.recheck.max.ms
        Backoff notFoundRecheck = new Backoff(settings.pollInterval().multipliedBy(2),
                settings.errors().notFoundRecheckMax(), deps.random());
        this.credentials = deps.credentials();
        this.stats = deps.stats();
        this.records = new PassRecords(settings, stats);
        this.failures = new PassFailures(settings, stats, backoff, notFoundRecheck, credentials, records);
        this.awsClock = new AwsClock(api);
    }

    /** What one call produced: records, and whether a pass ended or was interrupted (a transaction boundary). */
    public record Result(List<SourceRecord> records, boolean boundary) {
        static final Result NOTHING = new Result(List.of(), false);
    }

    /** Makes the one API call that is next for this job, applies its answer, and schedules the job's next call. */
    public Result step(JobState s) {
        ApiCall call = nextCall(s);
        return apply(s, call, call(call));
    }

    /** The call this job needs next. Changes nothing. */
    public ApiCall nextCall(JobState s) {
        if (!s.passStarted) {
            // a listed job's describe, for its input configuration only, is made beside its passes (wantsDescribe)
            if (s.listed == null || s.statusWanted) {
                return ApiCall.describe(s.name());
            }
            return ApiCall.listSteps(s.name(), startToken(s));
        }
        return ApiCall.listSteps(s.name(), s.offset.nextToken());
    }

    /**
     * The calls a job that is due would make if they all succeed, as far as they can be known before the first
     * answer: its next call and, after a describe, the first page of the pass it starts.
     */
    public List<ApiCall> openingCalls(JobState s) {
        ApiCall next = nextCall(s);
        if (next.kind() == ApiCall.Kind.DESCRIBE) {
            return List.of(next, ApiCall.listSteps(s.name(), startToken(s)));
        }
        return List.of(next);
    }

    /** Makes one call. Safe from any thread: it touches only the API and the atomic counters. */
    public ApiOutcome call(ApiCall call) {
        stats.apiCalls.incrementAndGet();
        try {
            if (call.kind() == ApiCall.Kind.DESCRIBE) {
                stats.describeCalls.incrementAndGet();
                return ApiOutcome.described(api.describeJob(call.jobName()));
            }
            stats.listStepsCalls.incrementAndGet();
            return ApiOutcome.page(api.listSteps(call.jobName(), settings.statusFilter(), settings.pageSize(),
                    call.token()));
        } catch (ApiException e) {
            return ApiOutcome.failed(e);
        }
    }

    /**
     * Applies the answer to {@code call}, which must be {@link #nextCall} of the job as it stands, and schedules the
     * job's next call.
     */
    public Result apply(JobState s, ApiCall call, ApiOutcome outcome) {
        // the job's schedule is on the monotonic clock; records, token ages and AWS's times are on the wall's
        long now = time.hiResClockMs();
        long wall = time.milliseconds();
        if (s.stopped) {
            return Result.NOTHING;
        }
        if (call.kind() == ApiCall.Kind.DESCRIBE) {
            return outcome.failed() ? failures.failed(s, outcome.error(), now, wall) : described(s, outcome.job(), now);
        }
        String token = call.token();
        if (!s.passStarted) {
            // discovery keeps the job's summary fresh; the input configuration was described once (or not wanted)
            beginPass(s, token);
            s.job = s.listed.withInputConfig(s.inputConfig);
            JobIdentity.identify(s, s.job);
        }
        if (outcome.failed()) {
            return failures.failed(s, outcome.error(), now, wall);
        }
        answered(s);
        JobOffset before = s.offset;
        RecommenderApi.StepPage page = outcome.page();
        s.tokenFailures = 0;
        s.passPages++;
        stats.pages.incrementAndGet();
        if (token != null) {
            s.passTokens.add(token);
        }
        Instant observedAt = Instant.ofEpochMilli(wall);
        List<PassRecords.Pending> out = new ArrayList<>();
        boolean progress = false;
        for (StepObservation step : page.steps()) {
            progress |= s.passStepKeys.add(StepIdentity.identifiable(step) && StepIdentity.namesEndpoint(step)
                    ? StepIdentity.stepId(step) : step);
            if (neverRuns(s, step)) {
                // the job failed or was stopped before this benchmark got an endpoint: it will never run
                continue;
            }
            if (!JobStatuses.isTerminal(step.status())) {
                s.passAllTerminal = false;
            }
            if (!StepIdentity.identifiable(step)) {
                s.passUnidentified++;
                stats.unidentifiedSteps.incrementAndGet();
            } else if (!StepIdentity.namesEndpoint(step)) {
                // counted over the whole pass: steps that cannot be told apart become one row that says how many
                JobState.NoEndpointSteps same = s.passNoEndpoint.computeIfAbsent(StepIdentity.stepId(step),
                        id -> new JobState.NoEndpointSteps());
                same.step = step;
                same.count++;
            } else {
                records.emitIfChanged(s, step, 1, observedAt, wall, out);
            }
        }
        s.pagesWithoutProgress = progress ? 0 : s.pagesWithoutProgress + 1;
        String next = page.nextToken();
        log.debug("job {}: page {} with {} steps, {} changed, more={}", s.name(), s.passPages, page.steps().size(),
                out.size(), next != null);
        boolean boundary = false;
        if (next != null && (next.equals(token) || s.passTokens.contains(next))) {
            failures.restartPass(s, now, "the API returned a NextToken it had already returned in this pass");
            boundary = true;
        } else if (next != null && s.pagesWithoutProgress >= MAX_PAGES_WITHOUT_PROGRESS) {
            // reading on from page 1 would likely meet the same: the pass ends and the job waits a poll interval
            s.passRestarts = MAX_PASS_RESTARTS;
            failures.restartPass(s, now, s.pagesWithoutProgress + " pages in a row without a step new to this pass");
            boundary = true;
        } else if (next != null) {
            s.offset = s.offset.withNextToken(next, wall);
            s.dueAtMs = now;
        } else {
            s.offset = s.offset.withNextToken(null, 0L);
            if (!s.passPartial) {
                // counts are complete only after a pass from page 1
                for (Map.Entry<String, JobState.NoEndpointSteps> e : s.passNoEndpoint.entrySet()) {
                    records.emitIfChanged(s, e.getValue().step, e.getValue().count, observedAt, wall, out);
                }
            }
            endPass(s, now, wall, out);
            boundary = true;
        }
        if (s.offset.encodedSizeBytes() > settings.offsetMaxBytes()) {
            return failures.offsetTooLarge(s, now);
        }
        return new Result(records.toRecords(s, out, before), boundary);
    }

    /**
     * A step of a FAILED or STOPPED job that is still waiting for its endpoint: the job will never run it, so it
     * neither keeps the job open nor becomes a row (it cannot be identified without an endpoint or an end).
     */
    private static boolean neverRuns(JobState s, StepObservation step) {
        return s.job != null && ("FAILED".equals(s.job.status()) || "STOPPED".equals(s.job.status()))
                && !StepIdentity.namesEndpoint(step) && !JobStatuses.isTerminal(step.status());
    }

    /** A call about the job was answered: whatever kept it from being read is over. */
    private void answered(JobState s) {
        credentials.succeeded();
        s.answeredOnce = true;
        s.consecutiveFailures = 0;
        s.notFoundAnswers = 0;
        if (s.readError != null) {
            log.info("job {} can be read again (was: {})", s.name(), s.readError);
            s.readError = null;
            stats.jobsDenied.decrementAndGet();
        }
        if (s.notFoundLogged) {
            log.info("job {} exists now; reading it", s.name());
            s.notFoundLogged = false;
        }
    }

    /** The job was described, which starts a pass; its steps are listed from the next call on. */
    private Result described(JobState s, JobObservation job, long now) {
        answered(s);
        s.job = job;
        JobIdentity.identify(s, job);
        if (s.listed != null) {
            // fresher than the listing: the passes that follow read the job's status from here
            s.listed = job;
        }
        s.statusWanted = false;
        s.described = true;
        // a record held for the describe made beside the passes is emitted by the pass this one starts
        s.jobRecordHeld = false;
        s.heldCloseable = false;
        s.inputConfig = job.inputConfig();
        beginPass(s, startToken(s));
        s.dueAtMs = now;
        return Result.NOTHING;
    }

    /**
     * Where a pass starts: the stored NextToken when it is fresh enough, else page 1 (null). When a token was issued
     * is kept in the offset across restarts, so its age is on the wall clock.
     */
    private String startToken(JobState s) {
        String token = s.offset.nextToken();
        long age = time.milliseconds() - s.offset.tokenIssuedAtMs();
        boolean fresh = token != null && age <= settings.tokenMaxAge().toMillis();
        return fresh ? token : null;
    }

    /** Starts a pass from {@code token}, as {@link #startToken} chose it; a stored token not chosen is dropped. */
    private void beginPass(JobState s, String token) {
        if (token == null && s.offset.nextToken() != null) {
            log.info("job {}: stored NextToken is older than {} ms; reading the job again from page 1",
                    s.name(), settings.tokenMaxAge().toMillis());
            stats.tokenRestarts.incrementAndGet();
            s.offset = s.offset.withNextToken(null, 0L);
        }
        s.startPass(token != null);
    }

    private void endPass(JobState s, long now, long wall, List<PassRecords.Pending> out) {
        if (s.passUnbuildable == 0 && !s.passPartial) {
            s.buildError = null;
        }
        boolean closeable = !s.passPartial && s.passUnidentified == 0 && s.passUnbuildable == 0 && s.passAllTerminal
                && s.job != null && JobStatuses.isTerminal(s.job.status());
        // every step is done but the listing's status is not: the job itself has likely finished since it was listed,
        // and step pages do not say; its next pass starts with a describe instead of waiting for the next listing
        s.statusWanted = !s.passPartial && s.passUnidentified == 0 && s.passAllTerminal && s.job != null
                && !JobStatuses.isTerminal(s.job.status()) && s.listed != null;
        long grace = settings.terminalGrace().toMillis();
        if (!closeable) {
            s.closeableSinceMs = JobState.NEVER;
        } else if (grace > 0 && !finishedBefore(s.job, awsClock.nowMs(wall) - grace)
                && (s.closeableSinceMs == JobState.NEVER || now - s.closeableSinceMs < grace)) {
            // a job that just finished is read once more after the grace period: the API may report last metrics late;
            // "just" is judged on AWS's clock, which stamped the job's CompletionTime, not on the worker's
            if (s.closeableSinceMs == JobState.NEVER) {
                s.closeableSinceMs = now;
            }
            closeable = false;
        }
        String reason = closeable ? CLOSE_COMPLETE : null;
        if (wantsDescribe(s)) {
            // the job's record waits for the input configuration, so that it is emitted once, complete
            s.jobRecordHeld = true;
            s.heldCloseable = closeable;
            closeable = false;
        } else {
            records.emitJobIfChanged(s, closeable, reason, wall, out);
        }
        s.endPass();
        if (closeable) {
            log.info("job {} is {} and all {} of its steps are terminal and emitted: closed, no more API calls for it",
                    s.name(), s.job.status(), s.offset.stepsEmitted());
            stats.jobsClosed.incrementAndGet();
        } else {
            // a job that may close once described is not read again
            s.dueAtMs = s.heldCloseable ? Long.MAX_VALUE
                    : s.closeableSinceMs != JobState.NEVER ? s.closeableSinceMs + grace
                    : now + settings.pollInterval().toMillis();
            if (s.passUnidentified > 0) {
                log.debug("job {}: {} steps name no endpoint yet and were not emitted", s.name(), s.passUnidentified);
            }
        }
    }

    /**
     * Whether the job finished before {@code instantMs}: its CompletionTime, else its LastModifiedTime. A job that
     * finished longer ago than the grace period has long had its last metrics reported.
     */
    private static boolean finishedBefore(JobObservation job, long instantMs) {
        Instant finished = job.completionTime() != null ? job.completionTime() : job.lastModifiedTime();
        return finished != null && finished.toEpochMilli() <= instantMs;
    }

    /**
     * Whether the job waits for a describe made beside its passes: a listed job, when the jobs topic wants its input
     * configuration, until it has been described once. Its passes never wait for it; only its job record does.
     */
    public boolean wantsDescribe(JobState s) {
        return s.listed != null && !s.described && settings.describeListedJobs() && !s.offset.closed() && !s.stopped;
    }

    /**
     * Applies the answer to a describe made beside the passes ({@link #wantsDescribe}). The job record a pass held for
     * it is emitted now, closing the job if that pass allowed it: a transaction boundary of its own. IAM denying the
     * describe, or the job not being found again and again, gives up the input configuration (those fields stay null);
     * other failures are tried again after a backoff ({@code describeDueAtMs}).
     */
    public Result describedAside(JobState s, ApiOutcome outcome) {
        long now = time.hiResClockMs();
        if (outcome.failed()) {
            if (!failures.describeGivesUp(s, outcome.error(), now)) {
                return Result.NOTHING;
            }
        } else {
            credentials.succeeded();
            s.inputConfig = outcome.job().inputConfig();
        }
        s.described = true;
        s.describeFailures = 0;
        s.describeNotFoundSinceMs = JobState.NEVER;
        if (s.job != null) {
            s.job = s.job.withInputConfig(s.inputConfig);
        }
        if (!s.jobRecordHeld) {
            return Result.NOTHING;
        }
        boolean close = s.heldCloseable;
        s.jobRecordHeld = false;
        s.heldCloseable = false;
        List<PassRecords.Pending> out = new ArrayList<>();
        records.emitJobIfChanged(s, close, close ? CLOSE_COMPLETE : null, time.milliseconds(), out);
        if (close) {
            log.info("job {} is {} and all {} of its steps are terminal and emitted: closed, no more API calls for it",
                    s.name(), s.job.status(), s.offset.stepsEmitted());
            stats.jobsClosed.incrementAndGet();
        }
        return new Result(records.toRecords(s, out, s.offset), true);
    }

    /** True while IAM denies calls about this job. */
    public static boolean isDenied(JobState s) {
        return s.readError != null && s.readError.startsWith("access denied");
    }

}
