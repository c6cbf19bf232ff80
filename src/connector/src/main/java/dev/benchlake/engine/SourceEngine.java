package dev.benchlake.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.api.ApiErrorKind;
import dev.benchlake.api.ApiException;
import dev.benchlake.api.ApiOperation;
import dev.benchlake.api.JobObservation;
import dev.benchlake.api.RecommenderApi;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.discovery.JobDiscovery;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.offset.JobOffset;
import dev.benchlake.offset.JobPartition;
import dev.benchlake.pass.ApiCall;
import dev.benchlake.pass.ApiOutcome;
import dev.benchlake.pass.JobReader;
import dev.benchlake.pass.JobState;
import dev.benchlake.pass.ReaderSettings;
import dev.benchlake.retry.CredentialsWatch;
import dev.benchlake.retry.ApiBudgets;
import dev.benchlake.retry.SharedBudgets;

/**
 * The task's loop: a queue of jobs by due time, job discovery, a rate budget per API operation, the describes of
 * listed jobs beside their passes ({@link SideDescribes}), bounded poll time. Answers are
 * applied one call at a time, and a job whose pass is in progress is read to the end of the pass before another
 * job's answers are applied, so a pass is one transaction when the connector defines transaction boundaries.
 * Calls themselves overlap: while the poll thread waits for one, a {@link CallPipeline} makes the opening calls of
 * the next due jobs.
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
    static final int MAX_BATCH = 1_000;
    /** The most jobs whose opening calls are made ahead; bounds the answers held (each at most a page of steps). */
    static final int MAX_LOOKAHEAD = 64;
    /**
     * Calls made ahead hold at most this many seconds of the step pages' current rate: an answer is used only while
     * fresh ({@link CallPipeline#MAX_AGE_MS}), and one that waited longer would be made again, a call wasted. At a
     * few calls a second (an account's quota, a task's share of it) the threads alone would hold far more.
     */
    static final double AHEAD_SECONDS = 2.0;
    /**
     * Under connector-defined transaction boundaries, a transaction is committed once it is older than this share of
     * the producer's {@code transaction.timeout.ms}, even mid-pass: a long pass becomes several transactions instead
     * of one the transaction coordinator aborts. Each commit carries the job's offset, which holds the pass's cursor,
     * so a restart resumes where the last committed transaction ended.
     */
    public static final int TRANSACTION_TIMEOUT_SHARE = 3;

    private final RecommenderApi api;
    private final String region;
    private final String account;
    private final JobReader reader;
    private final JobDiscovery discovery;
    private final ApiBudgets budgets;
    private final BudgetShare budgetShare;
    private final String sharedBudgetsKey;
    private final SideDescribes describes;
    private final Time time;
    private final OffsetStorageReader offsets;
    private final TransactionContext transactions;
    private final TaskStats stats;
    /** The age after which an open transaction is committed (see {@link #TRANSACTION_TIMEOUT_SHARE}). */
    private final long transactionMaxAgeMs;
    /** When the first record not yet covered by a commit request was emitted; -1 when there is none. */
    private long transactionOpenedAtMs = -1;
    /** Open jobs waiting for their next call, live ones before the backlog; a job's due time does not change here. */
    private final DueQueue queue = new DueQueue();
    private final CallPipeline pipeline;
    /** Every job this task owns, open or closed, so discovery adds each once. */
    private final Set<String> known = new HashSet<>();
    /** The CreationTime (epoch ms) of each closed job whose offset knows it: a listing of a later one reopens it. */
    private final Map<String, Long> closedCreatedMs = new HashMap<>();
    /** The jobs not closed, by name, so that discovery can refresh what it lists. */
    private final Map<String, JobState> open = new HashMap<>();
    private final Object wakeUp = new Object();
    private JobState current;
    private volatile boolean stopping;
    /** Listing calls run here, off the poll thread; the one under way and the page it asks for. */
    private final ExecutorService listingThread;
    private Future<JobDiscovery.ListOutcome> listing;
    private JobDiscovery.ListCall listingCall;
    // read by the JMX thread; written by the poll thread at the end of each poll
    private volatile int openJobsSnapshot;
    private volatile int knownSnapshot;
    private volatile long oldestDueAtSnapshot = Long.MAX_VALUE;

    /**
     * @param shard this task's shard, in [0, shards)
     * @param shards the number of tasks; the connector's API budget is split evenly among them
     */
    public SourceEngine(RecommenderApi api, BenchlakeSourceConfig config, int shard, int shards, Time time,
            Random random, OffsetStorageReader offsets, TransactionContext transactions, TaskStats stats) {
        this(api, config, shard, shards, time, random, offsets, transactions, stats, null);
    }

    /**
     * @param sharedBudgetsKey the key under which this worker's tasks of the connector share their rate budgets
     *     ({@link SharedBudgets}); null for budgets of this task's own
     */
    public SourceEngine(RecommenderApi api, BenchlakeSourceConfig config, int shard, int shards, Time time,
            Random random, OffsetStorageReader offsets, TransactionContext transactions, TaskStats stats,
            String sharedBudgetsKey) {
        this.api = api;
        this.region = config.region();
        this.account = config.accountId().orElse("");
        this.time = time;
        this.offsets = offsets;
        this.transactions = transactions;
        this.stats = stats;
        this.transactionMaxAgeMs = config.transactionTimeout().toMillis() / TRANSACTION_TIMEOUT_SHARE;
        ReaderSettings settings = ReaderSettings.from(config);
        CredentialsWatch credentials = new CredentialsWatch(settings.errors().credentialsFailureTimeout());
        this.reader = new JobReader(api, settings, time, random, stats, credentials);
        this.budgetShare = new BudgetShare(config, shards);
        this.sharedBudgetsKey = sharedBudgetsKey;
        this.budgets = sharedBudgetsKey == null
                ? new ApiBudgets(budgetShare.ceilings(), budgetShare.total(), time.milliseconds())
                : SharedBudgets.join(sharedBudgetsKey, budgetShare.ceilings(), budgetShare.total(), time.milliseconds());
        // one call the poll thread waits for, the others made ahead; all of them on the pipeline's threads
        int threads = config.maxConcurrentRequests();
        this.pipeline = new CallPipeline(reader::call, threads, lookahead(threads - 1,
                Math.min(budgetShare.total(), budgetShare.ceilings().get(ApiOperation.LIST_STEPS))),
                "benchlake-task-" + shard + "-api", time, stats);
        // an answer fetched ahead and thrown away still spent a call of the quota, and a throttle still says so
        pipeline.onDiscarded((call, outcome, startedAtMs) -> feedBudget(operation(call), outcome.error(), startedAtMs));
        this.describes = new SideDescribes(reader, Math.max(1, threads / 2), "benchlake-task-" + shard + "-describe");
        this.discovery = config.discoveryEnabled()
                ? new JobDiscovery(api, config.discoveryFilter(), shard, shards, config.discoveryInterval(),
                        config.discoveryOverlap(), random, stats, credentials)
                : null;
        this.listingThread = discovery == null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "benchlake-task-" + shard + "-listing");
            t.setDaemon(true);
            return t;
        });
        if (discovery != null) {
            discovery.dueAtMs = time.milliseconds();
        }
    }

    /**
     * How many due jobs may have their opening calls made ahead: about a second of the task's rate budget at two
     * calls a job, so answers wait about a second at most before they are used; at least one per thread.
     */
    static int lookahead(int threads, double requestsPerSecond) {
        if (threads == 0) {
            return 0;
        }
        return (int) Math.max(threads, Math.min(MAX_LOOKAHEAD, requestsPerSecond / 2));
    }

    /** This task's share of the connector's ceilings: per operation, and for all operations together. */
    record BudgetShare(Map<ApiOperation, Double> ceilings, double total) {
        BudgetShare(BenchlakeSourceConfig config, int shards) {
            this(perOperation(config, shards), config.maxRequestsPerSecond() / shards);
        }

        private static Map<ApiOperation, Double> perOperation(BenchlakeSourceConfig config, int shards) {
            Map<ApiOperation, Double> ceilings = new EnumMap<>(ApiOperation.class);
            for (ApiOperation op : ApiOperation.values()) {
                ceilings.put(op, config.maxRequestsPerSecond(op) / shards);
            }
            return ceilings;
        }
    }


    /** Loads the stored offsets of these jobs and schedules every job that is not closed. */
    public void start(Collection<String> jobNames) {
        add(jobNames);
        log.info("{} named jobs to read, {} already closed; discovery {}", queue.size(), known.size() - queue.size(),
                discovery == null ? "off" : "on");
    }

    /** Jobs found by discovery: new ones are added, known open ones get the fresher summary. */
    private void addListed(List<JobObservation> jobs) {
        Map<String, JobObservation> fresh = new HashMap<>();
        for (JobObservation job : jobs) {
            JobState s = open.get(job.jobName());
            if (s != null) {
                s.listed = job;
            } else if (!known.contains(job.jobName())) {
                fresh.put(job.jobName(), job);
            } else if (recreated(job)) {
                reopen(job);
            }
        }
        // each with its summary before it is queued: the summary says whether it is live (running) or backlog
        add(fresh.keySet(), fresh);
        fresh.forEach((name, job) -> {
            JobState s = open.get(name);
            if (s != null && reader.wantsDescribe(s)) {
                describes.add(s);
            }
        });
    }

    /** Whether a listed job closed here was deleted and created again under its name since. */
    private boolean recreated(JobObservation job) {
        Long closed = closedCreatedMs.get(job.jobName());
        return closed != null && job.creationTime() != null && job.creationTime().toEpochMilli() != closed;
    }

    /** Reads a job created again under the name of one closed here: from the start, as a new job. */
    private void reopen(JobObservation job) {
        closedCreatedMs.remove(job.jobName());
        JobState s = new JobState(new JobPartition(region, account, job.jobName()),
                JobOffset.START.withCreatedMs(job.creationTime().toEpochMilli()));
        s.listed = job;
        s.dueAtMs = time.milliseconds();
        log.info("job {} was created again at {} after it closed here: reading it again", job.jobName(), job.creationTime());
        queue.add(s);
        open.put(s.name(), s);
        if (reader.wantsDescribe(s)) {
            describes.add(s);
        }
    }

    /** A job closed: it leaves the open jobs, and its CreationTime is kept to tell it from one created again. */
    private void closed(JobState job) {
        open.remove(job.name());
        if (job.offset.createdMs() != 0) {
            closedCreatedMs.put(job.name(), job.offset.createdMs());
        }
    }

    private void add(Collection<String> jobNames) {
        add(jobNames, Map.of());
    }

    private void add(Collection<String> jobNames, Map<String, JobObservation> listed) {
        Map<Map<String, Object>, JobPartition> partitions = new HashMap<>();
        for (String job : jobNames) {
            if (known.add(job)) {
                JobPartition p = new JobPartition(region, account, job);
                partitions.put(p.toMap(), p);
            }
        }
        if (partitions.isEmpty()) {
            return;
        }
        Map<Map<String, Object>, Map<String, Object>> stored = offsets.offsets(partitions.keySet());
        long now = time.milliseconds();
        for (Map.Entry<Map<String, Object>, JobPartition> e : partitions.entrySet()) {
            JobOffset offset = JobOffset.fromMap(stored == null ? null : stored.get(e.getKey()));
            if (offset.closed()) {
                if (offset.createdMs() != 0) {
                    closedCreatedMs.put(e.getValue().job(), offset.createdMs());
                }
                continue;
            }
            JobState s = new JobState(e.getValue(), offset);
            s.listed = listed.get(e.getValue().job());
            s.dueAtMs = now;
            queue.add(s);
            open.put(s.name(), s);
        }
    }

    /**
     * One batch: until it is full or about a second has passed, list jobs when discovery is due, else read the next
     * due job one call further; returns early (null when empty) once nothing is due, so that Connect can stop the task.
     */
    public List<SourceRecord> poll() {
        long started = time.milliseconds();
        Batch batch = new Batch(started + MAX_POLL_MS, started + MAX_IDLE_WAIT_MS);
        try {
            boolean more = true;
            while (more && !stopping && !batch.full(time.milliseconds())) {
                long now = time.milliseconds();
                // in order of priority: the pass in progress, the listing (its own operation's budget, a page per
                // interval: live jobs that keep the step budget busy must not keep new jobs from being found), live
                // jobs due for their poll, then the backlog and its describes
                if (discoveryDue(now)) {
                    more = listJobs(now, batch);
                    continue;
                }
                if (current != null || queue.liveDue(now)) {
                    more = readJob(nextDue(now), now, batch);
                    continue;
                }
                describes.start(budgets, now);
                if (applyDescribe(batch)) {
                    more = true;
                } else {
                    JobState job = nextDue(now);
                    more = job != null ? readJob(job, now, batch) : idle(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!stopping) {
                // not a stop: a task that swallowed it would show RUNNING and read nothing
                throw new ConnectException("Benchlake's task thread was interrupted while polling; restart the task", e);
            }
        }
        snapshot();
        return batch.records.isEmpty() ? null : batch.records;
    }

    /** The records of one poll and its two time limits: the whole poll, and the wait while nothing is due. */
    private static final class Batch {
        final List<SourceRecord> records = new ArrayList<>();
        final long deadline;
        final long idleDeadline;

        Batch(long deadline, long idleDeadline) {
            this.deadline = deadline;
            this.idleDeadline = idleDeadline;
        }

        boolean full(long now) {
            return records.size() >= MAX_BATCH || now >= deadline;
        }
    }

    private boolean discoveryDue(long now) {
        return discovery != null && current == null && (listing != null || discovery.dueAtMs <= now);
    }

    /**
     * One page of the job listing, asked for on the listing thread and waited for until the poll's deadline; new jobs
     * of this shard join the queue.
     */
    private boolean listJobs(long now, Batch batch) throws InterruptedException {
        if (listing == null) {
            long wait = budgets.tryAcquire(ApiOperation.LIST_JOBS, now);
            if (wait > 0) {
                return waitForBudget(now + wait, batch);
            }
            JobDiscovery.ListCall call = discovery.nextCall();
            listingCall = call;
            listing = listingThread.submit(() -> discovery.call(call));
        }
        JobDiscovery.ListOutcome outcome = awaitListing(batch.deadline);
        if (outcome == null) {
            return false;
        }
        // one listing call at a time: no other can have cut the rate since this one took its token
        feedBudget(ApiOperation.LIST_JOBS, outcome.error(), time.milliseconds());
        addListed(discovery.apply(outcome, time.milliseconds()));
        return true;
    }

    private JobDiscovery.ListOutcome awaitListing(long untilMs) throws InterruptedException {
        while (!listing.isDone()) {
            long left = untilMs - time.milliseconds();
            if (left <= 0 || stopping) {
                return null;
            }
            try {
                listing.get(Math.min(left, 50), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // not answered yet, or seen below
            }
        }
        Future<JobDiscovery.ListOutcome> done = listing;
        listing = null;
        listingCall = null;
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new ConnectException(e.getCause());
        }
    }

    /**
     * The job's next call: its answer made ahead when there is one, else made now if the rate budget allows; the
     * answer applied, its records added, the pass's transaction committed when it ends, the job scheduled again.
     */
    private boolean readJob(JobState job, long now, Batch batch) throws InterruptedException {
        ApiCall call = reader.nextCall(job, now);
        if (!pipeline.holds(job.name(), call)) {
            // this job's call takes the budget's next token, before any call made ahead: under a tight quota a pass in
            // progress goes on at the budget's pace, and its NextToken does not age while other jobs' calls go first
            long wait = budgets.tryAcquire(operation(call), now);
            if (wait > 0) {
                putBack(job);
                return waitForBudget(now + wait, batch);
            }
            pipeline.startNow(job.name(), call);
        }
        // other due jobs' calls go out before this one is waited for
        callAhead(now);
        long grantedAtMs = pipeline.startedAtMs(job.name());
        ApiOutcome outcome = pipeline.await(job.name(), call, batch.deadline, () -> stopping);
        if (outcome == null) {
            // not answered by the poll's deadline: the call goes on, and the next poll takes its answer up
            current = job;
            return false;
        }
        feedBudget(operation(call), outcome.error(), grantedAtMs);
        JobReader.Result result = reader.apply(job, call, outcome);
        emit(batch, job, result);
        reschedule(job);
        failIfEveryJobIsDenied();
        return true;
    }

    /**
     * One denied job waits while the others go on, and so does one left when all the others are read and closed (a
     * policy scoped by resource); but when IAM denies every job this task owns (once the listing has shown them all),
     * or every job still open while one of them was read before (a policy revoked), nothing can be read, and the task
     * fails with the reason instead of idling as RUNNING.
     */
    private void failIfEveryJobIsDenied() {
        long denied = stats.jobsDenied.get();
        if (denied == 0 || denied < open.size() || discovery != null && !discovery.listedOnce()) {
            return;
        }
        boolean revoked = open.values().stream()
                .anyMatch(s -> JobReader.isDenied(s) && (s.answeredOnce || s.offset.stepsEmitted() > 0));
        if (denied < known.size() && !revoked) {
            return;
        }
        String example = open.values().stream().filter(s -> s.readError != null).map(s -> s.name() + ": " + s.readError)
                .findFirst().orElse("");
        throw new ConnectException("IAM denies every one of this task's " + open.size() + " jobs still open; grant "
                + "sagemaker:DescribeInferenceRecommendationsJob and sagemaker:ListInferenceRecommendationsJobSteps on "
                + "them. For example, job " + example);
    }

    /** Waits for the next due job while the poll has nothing to return yet; false once it should return. */
    private boolean idle(Batch batch) throws InterruptedException {
        if (!batch.records.isEmpty() || time.milliseconds() >= batch.idleDeadline) {
            return false;
        }
        waitUntil(Math.min(batch.idleDeadline, nextWakeUp()));
        return true;
    }

    /**
     * Waits for the rate budget if the poll has nothing to return and the wait ends before the idle limit; describes
     * beside the passes have their own budget, so the wait ends early when one may start or has been answered.
     */
    private boolean waitForBudget(long untilMs, Batch batch) throws InterruptedException {
        if (!batch.records.isEmpty() || untilMs >= batch.idleDeadline) {
            if (batch.records.isEmpty()) {
                waitUntil(Math.min(batch.idleDeadline, describes.nextWakeUpMs(budgets, time.milliseconds())));
                return time.milliseconds() < batch.idleDeadline;
            }
            return false;
        }
        waitUntil(Math.min(untilMs, describes.nextWakeUpMs(budgets, time.milliseconds())));
        return true;
    }

    /** A job whose call the budget did not allow: a pass in progress stays current, any other job goes back. */
    private void putBack(JobState job) {
        current = job.passStarted ? job : null;
        if (current == null) {
            queue.add(job);
        }
    }

    /** After an answer: a closed job leaves, a pass that goes on stays current, any other job waits its turn. */
    private void reschedule(JobState job) {
        if (job.offset.closed()) {
            current = null;
            closed(job);
        } else if (job.passStarted && job.dueAtMs <= time.milliseconds()) {
            current = job;
        } else {
            current = null;
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
        emit(batch, job, result);
        if (reader.wantsDescribe(job)) {
            describes.add(job);
        }
        if (job.offset.closed()) {
            closed(job);
        } else if (queued) {
            queue.add(job);
        }
        return true;
    }

    private void feedBudget(ApiOperation op, ApiException error, long grantedAtMs) {
        budgets.answered(op, error != null && error.kind() == ApiErrorKind.THROTTLED, grantedAtMs, time.milliseconds());
    }

    private static ApiOperation operation(ApiCall call) {
        return call.kind() == ApiCall.Kind.DESCRIBE ? ApiOperation.DESCRIBE : ApiOperation.LIST_STEPS;
    }

    /** What the metrics show, as of the end of this poll. */
    private void snapshot() {
        openJobsSnapshot = queue.size() + (current == null ? 0 : 1);
        knownSnapshot = known.size();
        oldestDueAtSnapshot = queue.nextDueAtMs();
    }

    /**
     * Starts the opening calls of the due jobs at the head of the queue, as many as the pipeline has room for and
     * the rate budget allows now. Never waits.
     */
    private void callAhead(long now) {
        int limit = (int) Math.max(1, budgets.rateOfOneShare(ApiOperation.LIST_STEPS) * AHEAD_SECONDS);
        if (!pipeline.hasRoom() || pipeline.size() >= limit) {
            return;
        }
        // in the order the jobs will be read: the jobs whose calls are under way already, then the next ones
        for (JobState s : queue.due(now, pipeline.size() + limit)) {
            if (!pipeline.hasRoom() || pipeline.size() >= limit) {
                return;
            }
            if (pipeline.holds(s.name())) {
                continue;
            }
            List<ApiCall> calls = reader.openingCalls(s, now);
            int granted = 0;
            while (granted < calls.size() && budgets.tryAcquire(operation(calls.get(granted)), now) == 0) {
                granted++;
            }
            if (granted == 0) {
                return;
            }
            pipeline.start(s.name(), calls.subList(0, granted));
        }
    }

    private long nextWakeUp() {
        long next = queue.nextDueAtMs();
        if (discovery != null) {
            next = Math.min(next, discovery.dueAtMs);
        }
        return Math.min(next, describes.nextWakeUpMs(budgets, time.milliseconds()));
    }

    private JobState nextDue(long now) {
        if (current != null) {
            JobState c = current;
            current = null;
            return c;
        }
        return queue.pollDue(now);
    }

    /**
     * Adds one call's records to the batch and asks for a commit at a transaction boundary (a pass ended or was
     * interrupted), or mid-pass once the open transaction is older than its bound.
     */
    private void emit(Batch batch, JobState job, JobReader.Result result) {
        batch.records.addAll(result.records());
        long now = time.milliseconds();
        if (!result.records().isEmpty() && transactionOpenedAtMs < 0) {
            transactionOpenedAtMs = now;
        }
        boolean old = transactionOpenedAtMs >= 0 && now - transactionOpenedAtMs >= transactionMaxAgeMs;
        if (result.boundary() || old) {
            commitTransaction(job, result.records());
        }
    }

    private void commitTransaction(JobState job, List<SourceRecord> records) {
        if (transactions == null || !job.uncommittedRecords && transactionOpenedAtMs < 0) {
            return;
        }
        if (records.isEmpty()) {
            transactions.commitTransaction();
        } else {
            transactions.commitTransaction(records.get(records.size() - 1));
        }
        job.uncommittedRecords = false;
        transactionOpenedAtMs = -1;
    }

    private void waitUntil(long untilMs) throws InterruptedException {
        if (untilMs - time.milliseconds() <= 0) {
            return;
        }
        synchronized (wakeUp) {
            time.waitObject(wakeUp, () -> stopping || time.milliseconds() >= untilMs, untilMs);
        }
    }

    public void stop() {
        stopping = true;
        synchronized (wakeUp) {
            wakeUp.notifyAll();
        }
        log.info("stopping; {}", stats);
        pipeline.close();
        describes.close();
        if (sharedBudgetsKey != null) {
            SharedBudgets.leave(sharedBudgetsKey, budgets, budgetShare.ceilings(), budgetShare.total(), time.milliseconds());
        }
        if (listingThread != null) {
            listingThread.shutdownNow();
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
        return due == Long.MAX_VALUE ? 0 : Math.max(0, time.milliseconds() - due);
    }
}
