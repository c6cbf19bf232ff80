package dev.benchlake.engine;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.api.ApiErrorKind;
import dev.benchlake.api.ApiException;
import dev.benchlake.api.ApiOperation;
import dev.benchlake.api.JobObservation;
import dev.benchlake.api.RecommenderApi;
import dev.benchlake.discovery.JobDiscovery;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.pass.ApiCall;
import dev.benchlake.pass.ApiOutcome;
import dev.benchlake.pass.JobReader;
import dev.benchlake.pass.JobState;
import dev.benchlake.pass.ReaderDeps;
import dev.benchlake.retry.ApiBudgets;
import dev.benchlake.retry.CredentialsWatch;
import dev.benchlake.retry.SharedBudgets;

/**
 * The task's loop: it picks one unit of work at a time (a listing page, a job's call, an answered describe) in order of
 * priority, and returns a batch within a bounded time. The jobs wait in a {@link DueQueue}, the listing is driven by a
 * {@link ListingDriver}, the describes of listed jobs run beside the passes ({@link SideDescribes}), calls are made on
 * a {@link CallPipeline}'s threads, which also make the opening calls of the next due jobs ahead, and commits are asked
 * for by {@link TransactionBounds}. Answers are applied one call at a time, and a job whose pass is in progress is read
 * to the end of the pass before another job's answers are applied.
 */
public final class SourceEngine {

    private static final Logger log = LoggerFactory.getLogger(SourceEngine.class);

    /** poll() returns a batch within about this long. */
    static final long MAX_POLL_MS = 1_000;
    /**
     * poll() returns null after waiting this long with nothing due. Connect stops a source task only once poll()
     * has returned, so this bounds how long a stop (and so a rebalance) waits for an idle task.
     */
    static final long MAX_IDLE_WAIT_MS = 200;
    /**
     * Under connector-defined transaction boundaries, a transaction is committed once it is older than this share of
     * the producer's {@code transaction.timeout.ms}, even mid-pass: a long pass becomes several transactions instead
     * of one the transaction coordinator aborts. Each commit carries the job's offset, which holds the pass's cursor,
     * so a restart resumes where the last committed transaction ended.
     */
    public static final int TRANSACTION_TIMEOUT_SHARE = 3;

    private final RecommenderApi api;
    private final JobReader reader;
    private final ListingDriver listing;
    private final ApiBudgets budgets;
    private final BudgetShare budgetShare;
    private final String sharedBudgetsKey;
    private final SideDescribes describes;
    private final Time time;
    private final TransactionBounds transactions;
    private final TaskStats stats;
    /** Open jobs waiting for their next call, live ones before the backlog; a job's due time does not change here. */
    private final DueQueue queue = new DueQueue();
    private final JobBook jobs;
    private final CallPipeline pipeline;
    private final Lookahead lookahead;
    private final StopSignal signal;
    /** The job whose pass is in progress; it is not in the queue. */
    private JobState current;
    /** Whether a unit of higher priority went since the current pass's last page: its next page goes next. */
    private boolean passYielded;
    // read by the JMX thread; written by the poll thread at the end of each poll
    private volatile int openJobsSnapshot;
    private volatile int knownSnapshot;
    private volatile long oldestDueAtSnapshot = Long.MAX_VALUE;

    public SourceEngine(EngineDeps deps) {
        EngineSettings settings = deps.settings();
        EngineDeps.Shard shard = deps.shard();
        this.api = deps.api();
        this.time = deps.time();
        this.signal = new StopSignal(time);
        this.stats = deps.stats();
        this.transactions = new TransactionBounds(deps.transactions(),
                settings.transactionTimeout().toMillis() / TRANSACTION_TIMEOUT_SHARE);
        this.jobs = new JobBook(settings.region(), settings.account(), deps.offsets());
        CredentialsWatch credentials = new CredentialsWatch(settings.reader().errors().credentialsFailureTimeout());
        this.reader = new JobReader(new ReaderDeps(api, settings.reader(), time, deps.random(), stats, credentials));
        this.budgetShare = BudgetShare.of(settings, shard.count());
        this.sharedBudgetsKey = shard.budgetsKey();
        this.budgets = sharedBudgetsKey == null
                ? new ApiBudgets(budgetShare.ceilings(), budgetShare.total(), now())
                : SharedBudgets.join(sharedBudgetsKey, budgetShare.ceilings(), budgetShare.total(), now());
        // one call the poll thread waits for, the others made ahead; all of them on the pipeline's threads
        int threads = settings.maxConcurrentRequests();
        String name = "benchlake-task-" + shard.index();
        this.pipeline = new CallPipeline(reader::call, threads, Lookahead.depth(threads - 1,
                Math.min(budgetShare.total(), budgetShare.ceilings().get(ApiOperation.LIST_STEPS))),
                name + "-api", time, stats);
        // an answer fetched ahead and thrown away still spent a call of the quota, and a throttle still says so
        pipeline.onDiscarded((call, outcome, startedAtMs) ->
                feedBudget(Lookahead.operation(call), outcome.error(), startedAtMs));
        this.lookahead = new Lookahead(pipeline, budgets, reader, queue);
        this.describes = new SideDescribes(reader, Math.max(1, threads / 2), name + "-describe");
        this.listing = settings.discovery() == null ? null
                : new ListingDriver(new JobDiscovery(api, settings.discovery(), shard.index(), shard.count(),
                        deps.random(), stats, credentials), budgets, this::now, name + "-listing");
    }

    /**
     * The task's clock for due times, waits and budgets: monotonic, so a wall clock stepped back or forward neither
     * freezes nor bursts them. Records, token ages and AWS's times stay on the wall clock (in the pass).
     */
    private long now() {
        return time.hiResClockMs();
    }

    /** Loads the stored offsets of these jobs and schedules every job that is not closed. */
    public void start(Collection<String> jobNames) {
        jobs.add(jobNames, Map.of(), now()).forEach(queue::add);
        log.info("{} named jobs to read, {} already closed; discovery {}", queue.size(), jobs.knownCount() - queue.size(),
                listing == null ? "off" : "on");
    }

    /** Jobs found by discovery: new ones are queued, with their describes when the jobs topic wants them. */
    private void addListed(List<JobObservation> listed) {
        for (JobState s : jobs.listed(listed, now())) {
            queue.add(s);
            if (reader.wantsDescribe(s)) {
                describes.add(s);
            }
        }
    }

    /**
     * One batch: until it is full or about a second has passed, one unit of work after another (a listing page, one
     * job's call, an answered describe); returns early (null when empty) once nothing is due, so that Connect can stop
     * the task.
     */
    public List<SourceRecord> poll() {
        long started = now();
        Batch batch = new Batch(started + MAX_POLL_MS, started + MAX_IDLE_WAIT_MS);
        try {
            boolean more = true;
            while (more && !signal.stopping() && !batch.full(now())) {
                more = unit(now(), batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!signal.stopping()) {
                // not a stop: a task that swallowed it would show RUNNING and read nothing
                throw new ConnectException("Benchlake's task thread was interrupted while polling; restart the task", e);
            }
        }
        snapshot();
        return batch.isEmpty() ? null : batch.records;
    }

    /**
     * One unit of work, in order of priority: a listing page when discovery is due (its own operation's budget: live
     * jobs that keep the step budget busy must not keep new jobs from being found; while step work is due, a listing
     * page waiting for its budget or its answer is not waited for), a live job due for its poll (or,
     * by {@link DueQueue}'s aging, a backlog job), the next page of the pass in progress, an answered describe of a
     * listed job, the backlog. The pass in progress yields between its pages to one unit before it, then takes its
     * next page: the listing and live jobs due wait at most one of its pages, and the pass goes on at least at every
     * other call. False when the poll should return.
     */
    private boolean unit(long now, Batch batch) throws InterruptedException {
        boolean mayGoFirst = current == null || !passYielded;
        if (listing != null && listing.due(now) && mayGoFirst) {
            if (current == null && queue.nextDueAtMs() > now) {
                return listJobs(now, batch);
            }
            // step work is due: the listing page is asked for if its own budget allows, and taken in when answered,
            // but never waited for (neither its budget nor its answer): the step budget works meanwhile, so the first
            // step records come while a long first listing is still read
            ListingDriver.Step step = listing.step(now, now, signal::stopping);
            if (step.answered()) {
                passYielded = current != null;
                addListed(step.jobs());
                return true;
            }
        }
        if (queue.liveDue(now) && mayGoFirst) {
            passYielded = current != null;
            return readJob(queue.pollDue(now), now, batch);
        }
        if (current != null) {
            passYielded = false;
            return readJob(current, now, batch);
        }
        describes.start(budgets, now);
        if (applyDescribe(batch)) {
            return true;
        }
        JobState job = queue.pollDue(now);
        return job != null ? readJob(job, now, batch) : idle(batch);
    }

    /** One page of the job listing; new jobs of this shard join the queue. */
    private boolean listJobs(long now, Batch batch) throws InterruptedException {
        ListingDriver.Step step = listing.step(now, batch.deadline, signal::stopping);
        if (step.budgetWaitMs() > 0) {
            return waitForBudget(now + step.budgetWaitMs(), batch);
        }
        if (!step.answered()) {
            return false;
        }
        addListed(step.jobs());
        return true;
    }

    /**
     * The job's next call: its answer made ahead when there is one, else made now if the rate budget allows; the
     * answer applied, its records added, the pass's transaction committed when it ends, the job scheduled again.
     */
    private boolean readJob(JobState job, long now, Batch batch) throws InterruptedException {
        ApiCall call = reader.nextCall(job);
        if (!pipeline.holds(job.name(), call)) {
            // this job's call takes the budget's next token, before any call made ahead: under a tight quota a pass in
            // progress goes on at the budget's pace, and its NextToken does not age while other jobs' calls go first
            long wait = budgets.tryAcquire(Lookahead.operation(call), now);
            if (wait > 0) {
                putBack(job);
                return waitForBudget(now + wait, batch);
            }
            pipeline.startNow(job.name(), call);
        }
        // other due jobs' calls go out before this one is waited for
        lookahead.callAhead(now);
        long grantedAtMs = pipeline.startedAtMs(job.name());
        ApiOutcome outcome = pipeline.await(job.name(), call, batch.deadline, signal::stopping);
        if (outcome == null) {
            // not answered by the poll's deadline: the call goes on, and a later unit takes its answer up (the next
            // one, unless another job's pass is in progress: then this job waits in the queue, due, its call held)
            if (current == null) {
                current = job;
            } else if (current != job) {
                queue.add(job);
            }
            return false;
        }
        feedBudget(Lookahead.operation(call), outcome.error(), grantedAtMs);
        JobReader.Result result = reader.apply(job, call, outcome);
        transactions.emit(batch, result, now());
        reschedule(job);
        jobs.failIfEveryJobIsDenied(stats.jobsDenied.get(), listing == null || listing.listedOnce());
        return true;
    }

    /** Waits for the next due job while the poll has nothing to return yet; false once it should return. */
    private boolean idle(Batch batch) throws InterruptedException {
        if (!batch.isEmpty() || now() >= batch.idleDeadline) {
            return false;
        }
        signal.waitUntil(Math.min(batch.idleDeadline, nextWakeUp()));
        return true;
    }

    /**
     * Waits for the rate budget if the poll has nothing to return and the wait ends before the idle limit; describes
     * beside the passes have their own budget, so the wait ends early when one may start or has been answered.
     */
    private boolean waitForBudget(long untilMs, Batch batch) throws InterruptedException {
        if (!batch.isEmpty() || untilMs >= batch.idleDeadline) {
            if (batch.isEmpty()) {
                signal.waitUntil(Math.min(batch.idleDeadline, describes.nextWakeUpMs(budgets, now())));
                return now() < batch.idleDeadline;
            }
            return false;
        }
        signal.waitUntil(Math.min(untilMs, describes.nextWakeUpMs(budgets, now())));
        return true;
    }

    /**
     * A job whose call the budget did not allow: the pass in progress stays current, and so does a job whose pass is
     * in progress when no other is; any other job goes back to the queue, due.
     */
    private void putBack(JobState job) {
        if (job != current) {
            place(job, job.passInProgress());
        } else if (!job.passInProgress()) {
            current = null;
            queue.add(job);
        }
    }

    /**
     * After an answer: a closed job leaves; a pass that goes on stays current (or becomes current if none is);
     * any other job waits in the queue for its due time.
     */
    private void reschedule(JobState job) {
        if (job.offset().closed()) {
            if (job == current) {
                current = null;
            }
            jobs.closed(job);
            return;
        }
        boolean goesOn = job.passInProgress() && job.dueAtMs() <= now();
        if (job == current && !goesOn) {
            current = null;
            queue.add(job);
        } else if (job != current) {
            place(job, goesOn);
        }
    }

    /** A job that is not current: current when its pass goes on and no other pass is in progress, else queued. */
    private void place(JobState job, boolean passGoesOn) {
        if (passGoesOn && current == null) {
            current = job;
            passYielded = false;
        } else {
            queue.add(job);
        }
    }

    /**
     * Applies the first answered describe of a listed job (between passes: it may emit the job's record, which closes
     * the job when its last pass allowed it); false when none is answered.
     */
    private boolean applyDescribe(Batch batch) throws InterruptedException {
        SideDescribes.Answer answer = describes.takeAnswered();
        if (answer == null) {
            return false;
        }
        JobState job = answer.job();
        feedBudget(ApiOperation.DESCRIBE, answer.outcome().error(), answer.grantedAtMs());
        // its due time may change: out of the queue while it does
        boolean queued = queue.remove(job);
        JobReader.Result result = reader.describedAside(job, answer.outcome());
        transactions.emit(batch, result, now());
        if (reader.wantsDescribe(job)) {
            describes.add(job);
        }
        if (job.offset().closed()) {
            jobs.closed(job);
        } else if (queued) {
            queue.add(job);
        }
        return true;
    }

    private void feedBudget(ApiOperation op, ApiException error, long grantedAtMs) {
        budgets.answered(op, error != null && error.kind() == ApiErrorKind.THROTTLED, grantedAtMs, now());
    }

    /** What the metrics show, as of the end of this poll. */
    private void snapshot() {
        openJobsSnapshot = queue.size() + (current == null ? 0 : 1);
        knownSnapshot = jobs.knownCount();
        oldestDueAtSnapshot = queue.nextDueAtMs();
    }

    private long nextWakeUp() {
        long next = queue.nextDueAtMs();
        if (listing != null) {
            next = Math.min(next, listing.dueAtMs());
        }
        return Math.min(next, describes.nextWakeUpMs(budgets, now()));
    }

    public void stop() {
        signal.stop();
        transactions.commitOnStop();
        log.info("stopping; {}", stats);
        pipeline.close();
        describes.close();
        if (sharedBudgetsKey != null) {
            SharedBudgets.leave(sharedBudgetsKey, budgets, budgetShare.ceilings(), budgetShare.total(), now());
        }
        if (listing != null) {
            listing.close();
        }
        api.close();
    }

    /** Jobs still scheduled (not closed), as of the last poll. */
    public int openJobs() {
        return openJobsSnapshot;
    }

    /** Jobs this task owns, closed ones included. */
    public int knownJobs() {
        return knownSnapshot;
    }

    /** How long the job that has waited longest past its due time has waited, in ms; 0 when none is late. */
    public long oldestDueLagMs() {
        long due = oldestDueAtSnapshot;
        return due == Long.MAX_VALUE ? 0 : Math.max(0, now() - due);
    }
}
