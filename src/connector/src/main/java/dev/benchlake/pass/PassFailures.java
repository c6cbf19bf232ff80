package dev.benchlake.pass;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.api.ApiErrorKind;
import dev.benchlake.api.ApiException;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.retry.Backoff;
import dev.benchlake.retry.CredentialsWatch;
import dev.benchlake.retry.ErrorPolicy;

/**
 * How a job's pass reacts to a failed call, as {@link ErrorPolicy} classifies it: back off, restart the pass, wait for a
 * denied policy, check a missing job again over time or close it; and a pass restarted for a token that makes no
 * progress.
 */
final class PassFailures {

    private static final Logger log = LoggerFactory.getLogger(JobReader.class);

    private final ReaderSettings settings;
    private final TaskStats stats;
    private final Backoff backoff;
    /** Rechecks of a job never read yet: from the poll interval up to errors.not.found.recheck.max.ms. */
    private final Backoff notFoundRecheck;
    private final CredentialsWatch credentials;
    private final PassRecords records;

    PassFailures(ReaderSettings settings, TaskStats stats, Backoff backoff, Backoff notFoundRecheck,
            CredentialsWatch credentials, PassRecords records) {
        this.settings = settings;
        this.stats = stats;
        this.backoff = backoff;
        this.notFoundRecheck = notFoundRecheck;
        this.credentials = credentials;
        this.records = records;
    }

    void restartPass(JobState s, long now, String why) {
        stats.tokenRestarts.incrementAndGet();
        s.offset = s.offset.withNextToken(null, 0L);
        s.passRestarts++;
        if (s.passRestarts > JobReader.MAX_PASS_RESTARTS) {
            log.warn("job {}: {}; pass restarted {} times, trying again in {} ms", s.name(), why, s.passRestarts - 1,
                    settings.pollInterval().toMillis());
            s.endPass();
            s.dueAtMs = now + settings.pollInterval().toMillis();
        } else {
            log.info("job {}: {}; reading the job again from page 1 (emitted steps are not emitted twice)", s.name(), why);
            int restarts = s.passRestarts;
            s.startPass(false);
            s.passRestarts = restarts;
            s.dueAtMs = now;
        }
    }

    /**
     * @param now ms of the task's monotonic clock, which the job's schedule is on
     * @param wall ms of the wall clock, which records and the NextToken's age are on
     */
    JobReader.Result failed(JobState s, ApiException e, long now, long wall) {
        switch (ErrorPolicy.reactionTo(e.kind())) {
            case FAIL_TASK -> throw new ConnectException("Benchlake cannot read job " + s.name() + ": " + e.getMessage(), e);
            case RESTART_PASS -> {
                restartPass(s, now, "the API rejected the NextToken (" + e.getMessage() + ")");
                return new JobReader.Result(List.of(), true);
            }
            case NOT_FOUND -> {
                return notFound(s, now, wall);
            }
            case DENIED -> {
                return denied(s, e, now, wall);
            }
            case CREDENTIALS -> {
                credentials.failed(now, e);
                stats.transientErrors.incrementAndGet();
            }
            case BACK_OFF -> stats.countRetried(e.kind());
            default -> throw new IllegalStateException("unhandled " + e.kind());
        }
        s.consecutiveFailures++;
        long waitMs = backoff.delayMs(s.consecutiveFailures);
        String token = s.passStarted ? s.offset.nextToken() : null;
        if (token != null && e.kind() != ApiErrorKind.THROTTLED && ++s.tokenFailures >= settings.errors().tokenMaxFailures()) {
            restartPass(s, now, "the page of the NextToken failed " + s.tokenFailures + " times in a row (" + e.getMessage() + ")");
            s.dueAtMs = now + waitMs;
            return new JobReader.Result(List.of(), true);
        }
        if (token != null && wall + waitMs - s.offset.tokenIssuedAtMs() > settings.tokenMaxAge().toMillis()) {
            // the token would be older than pagination.token.max.age.ms when tried again
            restartPass(s, now, "the NextToken would be older than " + settings.tokenMaxAge().toMillis() + " ms");
            s.dueAtMs = now + waitMs;
            return new JobReader.Result(List.of(), true);
        }
        if (e.kind() == ApiErrorKind.JOB_ERROR) {
            log.warn("job {}: {}; trying again in {} ms, other jobs go on", s.name(), e.getMessage(), waitMs);
        } else {
            log.debug("job {}: {} ({}); backing off {} ms", s.name(), e.kind(), e.getMessage(), waitMs);
        }
        s.dueAtMs = now + waitMs;
        return new JobReader.Result(List.of(), true);
    }

    /**
     * IAM denies a call about this job (a policy scoped by resource ARN): the job alone waits, long; it is logged
     * once, counted, and its record on the jobs topic says why. The task goes on with the other jobs.
     */
    private JobReader.Result denied(JobState s, ApiException e, long now, long wall) {
        long retryMs = settings.errors().accessDeniedRetry().toMillis();
        List<PassRecords.Pending> out = new ArrayList<>();
        if (s.readError == null) {
            log.warn("job {}: access denied, other jobs go on; trying it again in {} ms: {}", s.name(), retryMs,
                    e.getMessage());
            stats.jobsDenied.incrementAndGet();
        }
        s.readError = "access denied: " + e.getMessage();
        s.consecutiveFailures = 0;
        records.emitJobIfChanged(s, false, null, wall, out);
        s.endPass();
        s.dueAtMs = now + retryMs;
        return new JobReader.Result(records.toRecords(s, out, s.offset), true);
    }

    /**
     * The job answered not found. AWS's control plane is eventually consistent, so one answer is a signal: a job read
     * before is closed only after several answers spread over time; one never read is checked again with backoff.
     */
    private JobReader.Result notFound(JobState s, long now, long wall) {
        boolean seenBefore = s.job != null || s.offset.jobHash() != null;
        s.endPass();
        if (!seenBefore) {
            s.notFoundAnswers++;
            long waitMs = notFoundRecheck.delayMs(s.notFoundAnswers);
            if (!s.notFoundLogged) {
                log.warn("job {} does not exist in {}; other jobs go on, and this one is checked again with backoff "
                        + "(next in {} ms, at most every {} ms)", s.name(), settings.context().region(), waitMs,
                        settings.errors().notFoundRecheckMax().toMillis());
                s.notFoundLogged = true;
                stats.jobsNotFound.incrementAndGet();
            }
            s.dueAtMs = now + waitMs;
            return JobReader.Result.NOTHING;
        }
        if (s.notFoundAnswers++ == 0) {
            s.notFoundSinceMs = now;
        }
        int answers = settings.errors().notFoundCloseAnswers();
        long span = settings.errors().notFoundCloseAfter().toMillis();
        if (s.notFoundAnswers < answers || now - s.notFoundSinceMs < span) {
            // spread the answers over the span: a job that vanished for a minute comes back before it closes
            long waitMs = Math.max(Backoff.BASE_MS, span / Math.max(1, answers - 1));
            log.info("job {} answered not found ({} of {} answers over {} ms before it closes); checking again in {} ms",
                    s.name(), s.notFoundAnswers, answers, span, waitMs);
            s.dueAtMs = now + waitMs;
            return new JobReader.Result(List.of(), true);
        }
        log.info("job {} no longer exists ({} not-found answers over {} ms): closed after {} steps", s.name(),
                s.notFoundAnswers, now - s.notFoundSinceMs, s.offset.stepsEmitted());
        stats.jobsNotFound.incrementAndGet();
        stats.jobsClosed.incrementAndGet();
        s.offset = s.offset.withNextToken(null, 0L);
        List<PassRecords.Pending> out = new ArrayList<>();
        records.emitJobIfChanged(s, true, JobReader.CLOSE_NOT_FOUND, wall, out);
        if (!s.offset.closed()) {
            s.offset = s.offset.withClosed(true);
        }
        return new JobReader.Result(records.toRecords(s, out, s.offset), true);
    }

    /**
     * The job's offset would grow past offset.max.bytes: past the producer's request size, it could never be
     * committed (under exactly-once the transaction would fail forever). The job stops here, with an error that
     * names it; what was emitted before stays committed.
     */
    JobReader.Result offsetTooLarge(JobState s, long now) {
        int size = s.offset.encodedSizeBytes();
        s.readError = "offset of " + size + " bytes would exceed offset.max.bytes=" + settings.offsetMaxBytes()
                + " after " + s.offset.stepsEmitted() + " steps: raise producer.override.max.request.size, the offsets "
                + "topic's max.message.bytes and offset.max.bytes together to read this job";
        log.error("job {} is not read any more: {}", s.name(), s.readError);
        s.stopped = true;
        s.endPass();
        s.dueAtMs = Long.MAX_VALUE;
        return new JobReader.Result(List.of(), true);
    }

    /**
     * A describe made beside the passes failed: true when its input configuration is given up (IAM denies it, or it
     * answered not found over errors.not.found.close.after.ms), false when it is asked again later.
     */
    boolean describeGivesUp(JobState s, ApiException e, long now) {
        ErrorPolicy.Reaction reaction = ErrorPolicy.reactionTo(e.kind());
        if (reaction == ErrorPolicy.Reaction.FAIL_TASK) {
            throw new ConnectException("Benchlake cannot describe job " + s.name() + ": " + e.getMessage(), e);
        }
        boolean notFound = reaction == ErrorPolicy.Reaction.NOT_FOUND;
        if (notFound && s.describeNotFoundSinceMs == JobState.NEVER) {
            s.describeNotFoundSinceMs = now;
        }
        int answers = settings.errors().notFoundCloseAnswers();
        long span = settings.errors().notFoundCloseAfter().toMillis();
        // a job listed right after its creation may answer not found for a while: the answers must span
        // errors.not.found.close.after.ms before its input configuration is given up
        boolean giveUp = reaction == ErrorPolicy.Reaction.DENIED || reaction == ErrorPolicy.Reaction.RESTART_PASS
                || notFound && s.describeFailures + 1 >= answers && now - s.describeNotFoundSinceMs >= span;
        if (notFound && !giveUp) {
            s.describeFailures++;
            s.describeDueAtMs = now + Math.max(Backoff.BASE_MS, span / Math.max(1, answers - 1));
            log.info("job {}: describe answered not found ({} answers in {} ms); asking again in {} ms", s.name(),
                    s.describeFailures, now - s.describeNotFoundSinceMs, s.describeDueAtMs - now);
            return false;
        }
        if (!giveUp) {
            if (reaction == ErrorPolicy.Reaction.CREDENTIALS) {
                credentials.failed(now, e);
                stats.transientErrors.incrementAndGet();
            } else if (reaction == ErrorPolicy.Reaction.BACK_OFF) {
                stats.countRetried(e.kind());
            }
            s.describeDueAtMs = now + backoff.delayMs(++s.describeFailures);
            return false;
        }
        log.warn("job {}: {}; its input configuration stays empty on the jobs topic", s.name(), e.getMessage());
        return true;
    }
}
