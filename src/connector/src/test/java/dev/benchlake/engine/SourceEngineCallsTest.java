package dev.benchlake.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.FakeRecommenderApi;
import dev.benchlake.api.JobObservation;
import dev.benchlake.api.RecommenderApi;
import dev.benchlake.api.StepObservation;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.record.TestSteps;

/**
 * What a task's reading costs, counted call by call on an in-memory API with discovery on: a backfill of jobs that
 * finished long ago makes exactly the minimum calls, one pass per job; describes (for the jobs topic's input
 * configuration) never hold step pages back; a job that just finished still gets its re-read after the grace period.
 */
class SourceEngineCallsTest {

    private static final int JOBS = 30;
    private static final int PAGE_SIZE = 3;
    /** Polls in a row that return nothing, after which a task is taken to have nothing left to do. */
    private static final int IDLE_POLLS = 5;

    private final List<SourceEngine> engines = new ArrayList<>();
    private final TaskStats stats = new TaskStats();
    private final List<SourceRecord> records = new ArrayList<>();

    @AfterEach
    void stop() {
        engines.forEach(SourceEngine::stop);
    }

    private static int stepsOf(int job) {
        return job % 7 + 1;
    }

    /** Job i: COMPLETED (in January 2026, as {@link TestSteps#job} says) with {@link #stepsOf} completed steps. */
    private static FakeRecommenderApi finishedJobs() {
        FakeRecommenderApi api = new FakeRecommenderApi();
        for (int i = 0; i < JOBS; i++) {
            String name = String.format("job-%02d", i);
            List<StepObservation> steps = new ArrayList<>();
            for (int k = 0; k < stepsOf(i); k++) {
                steps.add(TestSteps.completed(name, "ml.c5." + (k + 1) + "xlarge", "ep-" + k));
            }
            api.put(TestSteps.job(name, "COMPLETED"), steps);
        }
        return api;
    }

    private static int stepPages() {
        int pages = 0;
        for (int i = 0; i < JOBS; i++) {
            pages += (stepsOf(i) + PAGE_SIZE - 1) / PAGE_SIZE;
        }
        return pages;
    }

    private static int steps() {
        int steps = 0;
        for (int i = 0; i < JOBS; i++) {
            steps += stepsOf(i);
        }
        return steps;
    }

    private SourceEngine start(RecommenderApi api, long graceMs, long pollIntervalMs) {
        return start(api, graceMs, pollIntervalMs, 1000);
    }

    private SourceEngine start(RecommenderApi api, long graceMs, long pollIntervalMs, double requestsPerSecond) {
        Map<String, String> props = new HashMap<>();
        props.put("aws.region", "us-east-1");
        props.put("discovery.enabled", "true");
        // one listing in the test's time: the backfill's
        props.put("discovery.interval.ms", "3600000");
        props.put("page.size", Integer.toString(PAGE_SIZE));
        props.put("poll.interval.ms", Long.toString(pollIntervalMs));
        props.put("terminal.grace.period.ms", Long.toString(graceMs));
        props.put("api.max.requests.per.second", Double.toString(requestsPerSecond));
        props.put("api.max.concurrent.requests", "4");
        BenchlakeSourceConfig config = new BenchlakeSourceConfig(props);
        SourceEngine engine = new SourceEngine(EngineDeps.of(api, config, Time.SYSTEM, new Random(1),
                new NoOffsets(), null, stats));
        engines.add(engine);
        engine.start(List.of());
        return engine;
    }

    /** Polls until {@code done}, at most {@code maxPolls} times; false if it never was. */
    private boolean pollUntil(SourceEngine engine, int maxPolls, BooleanSupplier done) {
        for (int polls = 0; polls < maxPolls; polls++) {
            if (done.getAsBoolean()) {
                return true;
            }
            List<SourceRecord> batch = engine.poll();
            if (batch != null) {
                records.addAll(batch);
            }
        }
        return done.getAsBoolean();
    }

    /** Polls until the task has had nothing to return {@link #IDLE_POLLS} times in a row. */
    private void pollUntilIdle(SourceEngine engine) {
        int idle = 0;
        for (int polls = 0; idle < IDLE_POLLS; polls++) {
            assertThat(polls).as("polls until the task is idle").isLessThan(500);
            List<SourceRecord> batch = engine.poll();
            idle = batch == null ? idle + 1 : 0;
            if (batch != null) {
                records.addAll(batch);
            }
        }
    }

    private List<Struct> jobRecords() {
        return records.stream().filter(r -> r.topic().equals("benchlake.jobs")).map(r -> (Struct) r.value()).toList();
    }

    private long stepRecords() {
        return records.stream().filter(r -> r.topic().equals("benchlake.benchmark-steps")).count();
    }

    @Test
    void aBackfillOfJobsThatFinishedLongAgoMakesTheMinimumCallsAndClosesEachJobAfterOnePass() {
        FakeRecommenderApi api = finishedJobs();
        // the jobs finished in January 2026: far longer ago than the 60 s grace period
        SourceEngine engine = start(api, 60_000, 600_000);

        pollUntilIdle(engine);

        assertThat(api.listJobsCalls).as("one listing page: 30 jobs").hasValue(1);
        assertThat(api.describeCalls).as("one describe per job").hasValue(JOBS);
        assertThat(api.listCalls).as("one page per 3 steps per job, no re-read").hasValue(stepPages());
        assertThat(stats.jobsClosed).as("every job closed after its one pass").hasValue(JOBS);
        assertThat(stepRecords()).isEqualTo(steps());
        assertThat(jobRecords()).as("one record per job: the one that closes it, with its input configuration")
                .hasSize(JOBS).allSatisfy(job -> {
                    assertThat(job.getBoolean("closed")).isTrue();
                    assertThat(job.getInt32("job_duration_seconds")).isEqualTo(7200);
                });
    }

    @Test
    void describesNeverHoldStepPagesBack() {
        HeldDescribes api = new HeldDescribes(finishedJobs());
        SourceEngine engine = start(api, 60_000, 600_000);
        try {
            assertThat(pollUntil(engine, 100, () -> stepRecords() == steps()))
                    .as("every step record out while no describe has been answered").isTrue();
            assertThat(api.answered).hasValue(0);
            assertThat(jobRecords()).as("job records wait for their input configuration").isEmpty();
        } finally {
            api.release.countDown();
        }

        assertThat(pollUntil(engine, 100, () -> stats.jobsClosed.get() == JOBS)).isTrue();
        assertThat(api.delegate.describeCalls).hasValue(JOBS);
        assertThat(api.delegate.listCalls).as("no page read twice").hasValue(stepPages());
        assertThat(jobRecords()).hasSize(JOBS)
                .allSatisfy(job -> assertThat(job.getInt32("job_duration_seconds")).isEqualTo(7200));
    }

    @Test
    void aJobThatJustFinishedIsReadOnceMoreAfterTheGracePeriodAndThenClosed() {
        FakeRecommenderApi api = new FakeRecommenderApi();
        JobObservation old = TestSteps.job("just-finished", "COMPLETED");
        Instant now = Instant.now();
        api.put(new JobObservation(old.jobName(), old.jobArn(), old.jobType(), old.status(), old.jobDescription(),
                old.failureReason(), old.creationTime(), now, now, old.modelName(), old.modelPackageVersionArn(),
                old.inputConfig()), List.of(TestSteps.completed("just-finished", "ml.c5.xlarge", "ep-0")));
        SourceEngine engine = start(api, 1_000, 600_000);

        assertThat(pollUntil(engine, 100, () -> stats.jobsClosed.get() == 1)).isTrue();

        assertThat(api.listCalls).as("the pass, and its re-read after the grace period").hasValue(2);
        assertThat(api.describeCalls).as("described once").hasValue(1);
        assertThat(jobRecords()).extracting(job -> job.getBoolean("closed")).containsExactly(false, true);
    }

    @Test
    void inTheSteadyStateARunningJobCostsItsPagesPerPassAndClosedJobsCostNothing() {
        FakeRecommenderApi api = finishedJobs();
        String running = "running-job";
        api.put(TestSteps.job(running, "IN_PROGRESS"), List.of(
                TestSteps.running(running, "ml.c5.xlarge", "ep-0"),
                TestSteps.running(running, "ml.c5.2xlarge", "ep-1"),
                TestSteps.running(running, "ml.c5.4xlarge", "ep-2"),
                TestSteps.running(running, "ml.c5.9xlarge", "ep-3")));
        SourceEngine engine = start(api, 60_000, 200);
        assertThat(pollUntil(engine, 100, () -> stats.jobsClosed.get() == JOBS)).isTrue();
        int pagesBefore = api.listCallsByJob.get(running).get();

        int passes = 5;
        assertThat(pollUntil(engine, 100, () -> api.listCallsByJob.get(running).get() >= pagesBefore + 2 * passes)).isTrue();

        int pages = api.listCallsByJob.get(running).get() - pagesBefore;
        assertThat(pages % 2).as("4 steps: two pages a pass, each pass read to its end").isZero();
        assertThat(api.listCalls.get()).as("no other job read again").isEqualTo(stepPages() + pagesBefore + pages);
        assertThat(api.describeCalls).as("each job described once, the running one too").hasValue(JOBS + 1);
        assertThat(api.listJobsCalls).hasValue(1);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"150, 50, 300, 0", "40, 5, 1000, 0", "40, 12.5, 1000, 5"})
    void aRunningJobIsReadEveryPollIntervalWhileABacklogIsRead(int backlog, double rate, long pollIntervalMs,
            double quota) {
        // finished jobs of one page each (150 at 50 calls/s: about 3 s of step pages, describes beside them), and a
        // running job read every poll interval
        FakeRecommenderApi api = new FakeRecommenderApi();
        for (int i = 0; i < backlog; i++) {
            String name = String.format("old-%03d", i);
            api.put(TestSteps.job(name, "COMPLETED"), List.of(TestSteps.completed(name, "ml.c5.xlarge", "ep-0")));
        }
        String running = "running-job";
        api.put(TestSteps.job(running, "IN_PROGRESS"), List.of(TestSteps.running(running, "ml.c5.xlarge", "ep-0")));
        SourceEngine engine = start(quota > 0 ? new Quota(api, quota) : api, 60_000, pollIntervalMs, rate);
        long started = System.nanoTime();

        assertThat(pollUntil(engine, 10_000, () -> stats.jobsClosed.get() == backlog)).isTrue();
        long backfillMs = (System.nanoTime() - started) / 1_000_000;

        // a live job due for its poll goes before every backlog job: read about once per interval throughout (the
        // backlog alone takes 150 pages at 50/s, 3 s, or more on a busy machine); behind the backlog, it was read
        // once at the start and then only after the last backlog job
        int passes = api.listCallsByJob.getOrDefault(running, new AtomicInteger()).get();
        long intervals = backfillMs / pollIntervalMs;
        assertThat(intervals).as("poll intervals the backfill took").isGreaterThanOrEqualTo(6);
        assertThat(passes).as("passes over the running job during a backfill of %d ms", backfillMs)
                .isGreaterThanOrEqualTo((int) (intervals / 2));
    }

    @Test
    void aRunningJobFoundByTheListingIsReadBeforeTheBacklogItWasListedWith() {
        FakeRecommenderApi api = new FakeRecommenderApi();
        int backlog = 40;
        for (int i = 0; i < backlog; i++) {
            String name = String.format("old-%03d", i);
            api.put(TestSteps.job(name, "COMPLETED"), List.of(TestSteps.completed(name, "ml.c5.xlarge", "ep-0")));
        }
        // listed in the same page as the backlog, due at the same moment, and after it by name
        String running = "running-job";
        api.put(TestSteps.job(running, "IN_PROGRESS"), List.of(TestSteps.running(running, "ml.c5.xlarge", "ep-0")));
        List<String> pages = java.util.Collections.synchronizedList(new ArrayList<>());
        RecommenderApi recording = new DelegatingApi(api) {
            @Override
            public StepPage listSteps(String jobName, String statusFilter, int maxResults, String nextToken) {
                pages.add(jobName);
                return super.listSteps(jobName, statusFilter, maxResults, nextToken);
            }
        };
        SourceEngine engine = start(recording, 60_000, 600_000, 20);

        assertThat(pollUntil(engine, 1_000, () -> pages.contains(running))).isTrue();

        // the calls made ahead when it was listed may go first, nothing more: the listing's summary says it is live
        int aheadAtMost = 8;
        assertThat(pages.indexOf(running)).as("step pages before the running job's first, of %d listed", backlog + 1)
                .isLessThanOrEqualTo(aheadAtMost);
    }

    /** Throttles step listings beyond a token bucket of {@code rate} a second (burst: one second's), as AWS does. */
    private static final class Quota extends DelegatingApi {
        private final double rate;
        private double tokens;
        private long lastNanos = System.nanoTime();

        Quota(FakeRecommenderApi delegate, double rate) {
            super(delegate);
            this.rate = rate;
            this.tokens = rate;
        }

        @Override
        public StepPage listSteps(String jobName, String statusFilter, int maxResults, String nextToken) {
            synchronized (this) {
                long now = System.nanoTime();
                tokens = Math.min(rate, tokens + (now - lastNanos) * rate / 1e9);
                lastNanos = now;
                if (tokens < 1) {
                    throw new dev.benchlake.api.ApiException(dev.benchlake.api.ApiErrorKind.THROTTLED,
                            "ListInferenceRecommendationsJobSteps", "Rate exceeded", null);
                }
                tokens -= 1;
            }
            return delegate.listSteps(jobName, statusFilter, maxResults, nextToken);
        }
    }

    /** Holds every describe until {@link #release} opens, as an operation throttled hard (or slow) would. */
    private static final class HeldDescribes extends DelegatingApi {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger answered = new AtomicInteger();

        HeldDescribes(FakeRecommenderApi delegate) {
            super(delegate);
        }

        @Override
        public JobObservation describeJob(String jobName) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            answered.incrementAndGet();
            return delegate.describeJob(jobName);
        }
    }
}
