package dev.benchlake.pass;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.ApiErrorKind;
import dev.benchlake.api.ApiException;
import dev.benchlake.api.FakeRecommenderApi;
import dev.benchlake.api.JobFilter;
import dev.benchlake.api.JobObservation;
import dev.benchlake.api.RecommenderApi;
import dev.benchlake.api.StepObservation;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.offset.JobOffset;
import dev.benchlake.offset.JobPartition;
import dev.benchlake.record.NanHandling;
import dev.benchlake.record.RecordContext;
import dev.benchlake.record.TestSteps;

/**
 * What a reader meets after a day in a busy account: tokens that change while the pages do not, describes that
 * answer not found for a while after a job's creation, jobs that finish while watched, jobs that end before some of
 * their benchmarks ran.
 */
class DayTwoReaderTest {

    private static final String JOB = "resnet-nightly-1";
    private static final Duration POLL = Duration.ofSeconds(30);

    private final FakeRecommenderApi api = new FakeRecommenderApi();
    private final MockTime time = new MockTime(0, 1_767_225_600_000L, 0);
    private final TaskStats stats = new TaskStats();

    private ReaderSettings settings(int pageSize, Duration grace) {
        return new ReaderSettings("steps", "jobs", null, pageSize, POLL, Duration.ofMinutes(5), grace,
                new RecordContext("us-east-1", null, NanHandling.NULL), true);
    }

    private JobReader reader(RecommenderApi with, int pageSize, Duration grace) {
        return new JobReader(with, settings(pageSize, grace), time, new Random(1), stats);
    }

    private static JobState fresh() {
        return new JobState(new JobPartition("us-east-1", "", JOB), JobOffset.START);
    }

    /** Runs calls until the pass ends (the job is due later than now); at most {@code maxCalls}. */
    private static List<SourceRecord> pass(JobReader reader, JobState s, MockTime time, int maxCalls) {
        List<SourceRecord> out = new ArrayList<>();
        int calls = 0;
        do {
            out.addAll(reader.step(s).records());
            assertThat(++calls).as("calls in one pass").isLessThanOrEqualTo(maxCalls);
        } while (s.dueAtMs <= time.hiResClockMs() && !s.offset.closed());
        return out;
    }

    private static List<SourceRecord> onTopic(List<SourceRecord> records, String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    @Test
    void pagesOfStepsAlreadySeenUnderNewTokensEndThePassAndTheJobBacksOff() {
        List<StepObservation> two = List.of(TestSteps.completed(JOB, "ml.c5.xlarge", "ep-0"),
                TestSteps.completed(JOB, "ml.c5.2xlarge", "ep-1"));
        AtomicInteger pages = new AtomicInteger();
        // every page: the same two steps, and a token never seen before
        RecommenderApi fresh = new Scripted(TestSteps.job(JOB, "IN_PROGRESS")) {
            @Override
            public StepPage listSteps(String jobName, String statusFilter, int maxResults, String nextToken) {
                return new StepPage(two, "token-" + pages.incrementAndGet());
            }
        };
        JobReader reader = reader(fresh, 2, Duration.ZERO);
        JobState s = fresh();

        // a describe, then page 1 (progress), then MAX_PAGES_WITHOUT_PROGRESS pages without a new step
        List<SourceRecord> records = pass(reader, s, time, 1 + 1 + JobReader.MAX_PAGES_WITHOUT_PROGRESS);
        assertThat(pages).hasValue(1 + JobReader.MAX_PAGES_WITHOUT_PROGRESS);
        assertThat(onTopic(records, "steps")).as("each step once").hasSize(2);
        assertThat(s.dueAtMs).as("backs off a poll interval").isEqualTo(time.hiResClockMs() + POLL.toMillis());
        assertThat(s.passStarted).isFalse();
        assertThat(s.offset.nextToken()).as("the next pass starts at page 1").isNull();
    }

    @Test
    void aDescribeThatAnswersNotFoundRightAfterCreationIsAskedAgainOverTimeAndTheEnrichmentArrives() {
        api.put(TestSteps.job(JOB, "COMPLETED"), List.of(TestSteps.completed(JOB, "ml.c5.xlarge", "ep-0")));
        time.sleep(Duration.ofDays(30).toMillis() + TestSteps.job(JOB, "COMPLETED").completionTime().toEpochMilli()
                - time.milliseconds());
        // the job exists for the listing and its steps, but describe answers not found for its first 2 minutes
        long created = time.milliseconds();
        RecommenderApi eventual = new Scripted(null) {
            @Override
            public JobObservation describeJob(String jobName) {
                if (time.milliseconds() - created < Duration.ofMinutes(2).toMillis()) {
                    throw new ApiException(ApiErrorKind.NOT_FOUND, "DescribeInferenceRecommendationsJob", "not found", null);
                }
                return api.describeJob(jobName);
            }

            @Override
            public StepPage listSteps(String jobName, String statusFilter, int maxResults, String nextToken) {
                return api.listSteps(jobName, statusFilter, maxResults, nextToken);
            }
        };
        JobReader reader = reader(eventual, 10, Duration.ZERO);
        JobState s = fresh();
        s.listed = TestSteps.job(JOB, "COMPLETED").withInputConfig(null);
        long start = time.milliseconds();
        assertThat(onTopic(pass(reader, s, time, 5), "jobs")).as("the job record waits for the describe").isEmpty();

        List<SourceRecord> jobRecords = new ArrayList<>();
        int describes = 0;
        while (reader.wantsDescribe(s)) {
            time.sleep(Math.max(0, s.describeDueAtMs - time.hiResClockMs()));
            jobRecords.addAll(reader.describedAside(s, reader.call(ApiCall.describe(s.name()))).records());
            assertThat(++describes).as("describes").isLessThan(10);
        }
        // not-found answers are spread over errors.not.found.close.after.ms (10 min) in 3 answers: one every 5 min
        assertThat(time.milliseconds() - start).as("asked again after the job became visible")
                .isGreaterThanOrEqualTo(Duration.ofMinutes(2).toMillis());
        assertThat(jobRecords).hasSize(1);
        Struct job = (Struct) jobRecords.get(0).value();
        assertThat(job.getInt32("job_duration_seconds")).as("enrichment").isEqualTo(7200);
        assertThat(job.getString("traffic_pattern")).contains("PHASES");
        assertThat(job.getBoolean("closed")).isTrue();
    }

    @Test
    void aFailedJobsBenchmarksStillWaitingForAnEndpointDoNotKeepItOpen() {
        StepObservation pending = new StepObservation(JOB, "BENCHMARK", "PENDING", null, null,
                new StepObservation.Model("spec-x", null, List.of()), null, null, null, null);
        JobObservation failed = TestSteps.job(JOB, "FAILED");
        api.put(failed, List.of(TestSteps.completed(JOB, "ml.c5.xlarge", "ep-0"), pending));
        JobReader reader = reader(api, 10, Duration.ZERO);
        JobState s = fresh();

        List<SourceRecord> records = pass(reader, s, time, 5);
        assertThat(onTopic(records, "steps")).hasSize(1);
        assertThat(s.offset.closed()).as("closed after one pass, not re-read every poll").isTrue();
        assertThat(api.listCalls).hasValue(1);
    }

    @Test
    void aListedJobWhoseStepsAreAllTerminalLearnsItsStatusWithOneDescribeAndClosesWithinAPollIntervalAndTheGrace() {
        Duration grace = Duration.ofMinutes(1);
        JobObservation running = TestSteps.job(JOB, "IN_PROGRESS");
        JobObservation done = TestSteps.job(JOB, "COMPLETED");
        api.put(done, List.of(TestSteps.completed(JOB, "ml.c5.xlarge", "ep-0")));
        JobReader reader = reader(api, 10, grace);
        JobState s = fresh();
        // listed while running; the listing is not refreshed during this test
        s.listed = running.withInputConfig(null);
        s.described = true;
        // the job completed just now
        time.sleep(done.completionTime().toEpochMilli() - time.milliseconds());
        long finished = time.milliseconds();

        pass(reader, s, time, 3);
        assertThat(s.offset.closed()).isFalse();
        assertThat(api.describeCalls).hasValue(0);
        int guard = 0;
        while (!s.offset.closed()) {
            time.sleep(Math.max(0, s.dueAtMs - time.hiResClockMs()));
            pass(reader, s, time, 3);
            assertThat(++guard).as("passes").isLessThan(5);
        }
        assertThat(api.describeCalls).as("one describe tells the job's status").hasValue(1);
        assertThat(time.milliseconds() - finished).as("closed within a poll interval plus the grace period")
                .isLessThanOrEqualTo(POLL.plus(grace).toMillis());
    }

    @Test
    void aStepWhoseRecordCannotBeBuiltMarksItsJobAndTheOtherStepsAndTheTaskGoOn() {
        StepObservation good = TestSteps.completed(JOB, "ml.c5.xlarge", "ep-0");
        StepObservation ok = TestSteps.completed(JOB, "ml.c5.2xlarge", "ep-1");
        // the schema requires a step type; this answer has none
        StepObservation bad = new StepObservation(JOB, null, "COMPLETED", null, good.endpoint() == null ? null
                : new StepObservation.Endpoint("ep-bad", null, "ml.g5.xlarge", 1, null, null, null), good.model(),
                good.metrics(), good.endpointMetrics(), good.invocationStartTime(), good.invocationEndTime());
        api.put(TestSteps.job(JOB, "COMPLETED"), List.of(good, bad, ok));
        JobReader reader = reader(api, 10, Duration.ZERO);
        JobState s = fresh();

        List<SourceRecord> records = pass(reader, s, time, 5);
        assertThat(onTopic(records, "steps")).extracting(r -> ((Struct) r.value()).getString("endpoint_name"))
                .containsExactly("ep-0", "ep-1");
        List<SourceRecord> jobs = onTopic(records, "jobs");
        assertThat(jobs).hasSize(1);
        Struct job = (Struct) jobs.get(0).value();
        assertThat(job.getString("read_error")).contains("cannot be made a record").contains("step_type");
        assertThat(job.getBoolean("closed")).as("not closed while a step is missing").isFalse();
        assertThat(s.offset.closed()).isFalse();
    }

    /** An API whose calls fail unless a test overrides them; describes answer {@code job}. */
    private abstract static class Scripted implements RecommenderApi {
        private final JobObservation job;

        Scripted(JobObservation job) {
            this.job = job;
        }

        @Override
        public JobObservation describeJob(String jobName) {
            return job;
        }

        @Override
        public JobPage listJobs(JobFilter filter, Instant modifiedAfter, int maxResults, String nextToken) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
