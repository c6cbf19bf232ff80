package dev.benchlake.pass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.ApiErrorKind;
import dev.benchlake.api.ApiException;
import dev.benchlake.api.FakeRecommenderApi;
import dev.benchlake.api.StepObservation;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.offset.JobOffset;
import dev.benchlake.offset.JobPartition;
import dev.benchlake.record.NanHandling;
import dev.benchlake.record.RecordContext;
import dev.benchlake.record.TestSteps;

class JobReaderTest {

    private static final String JOB = "resnet-nightly-1";
    private static final Duration POLL = Duration.ofSeconds(30);

    private final FakeRecommenderApi api = new FakeRecommenderApi();
    private final MockTime time = new MockTime(0, 1_767_225_600_000L, 0);
    private final TaskStats stats = new TaskStats();
    private JobReader reader;

    @BeforeEach
    void setUp() {
        reader = reader(2);
    }

    private JobReader reader(int pageSize) {
        return reader(pageSize, Duration.ZERO);
    }

    private JobReader reader(int pageSize, Duration grace) {
        return reader(pageSize, grace, true);
    }

    private JobReader reader(int pageSize, Duration grace, boolean describeListedJobs) {
        ReaderSettings settings = new ReaderSettings("steps", "jobs", null, pageSize, POLL, Duration.ofMinutes(5),
                grace, new RecordContext("us-east-1", null, NanHandling.NULL), describeListedJobs);
        return new JobReader(api, settings, time, new Random(1), stats);
    }

    private static List<StepObservation> fiveSteps(String status) {
        List<StepObservation> steps = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            StepObservation done = TestSteps.completed(JOB, "ml.c5." + (i + 1) + "xlarge", "ep-" + i);
            steps.add("COMPLETED".equals(status) ? done : TestSteps.withStatus(done, status));
        }
        return steps;
    }

    private static JobState fresh() {
        return new JobState(new JobPartition("us-east-1", "", JOB), JobOffset.START);
    }

    /** Runs calls until the pass ends (the job is due later than now) and returns the records. */
    private List<SourceRecord> pass(JobState s) {
        List<SourceRecord> out = new ArrayList<>();
        int guard = 0;
        do {
            out.addAll(reader.step(s).records());
            assertThat(++guard).as("calls in one pass").isLessThan(100);
        } while (s.dueAtMs <= time.hiResClockMs() && !s.offset.closed());
        return out;
    }

    private static List<SourceRecord> onTopic(List<SourceRecord> records, String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    @Test
    void emitsEveryStepOnceAcrossPagesAndNothingWhenUnchanged() {
        api.put(TestSteps.job(JOB, "IN_PROGRESS"), fiveSteps("COMPLETED"));
        JobState s = fresh();

        List<SourceRecord> first = pass(s);
        assertThat(onTopic(first, "steps")).hasSize(5);
        assertThat(onTopic(first, "steps")).extracting(r -> ((Struct) r.value()).getString("endpoint_name"))
                .containsExactly("ep-0", "ep-1", "ep-2", "ep-3", "ep-4");
        assertThat(onTopic(first, "jobs")).hasSize(1);
        assertThat(api.describeCalls.get()).isEqualTo(1);
        assertThat(api.listCalls.get()).isEqualTo(3);
        assertThat(stats.listStepsCalls.get()).isEqualTo(3);
        assertThat(stats.describeCalls.get()).isEqualTo(1);
        assertThat(s.dueAtMs).isEqualTo(time.hiResClockMs() + POLL.toMillis());

        time.sleep(POLL.toMillis());
        assertThat(pass(s)).as("nothing changed").isEmpty();
    }

    /** The describe of a listed job, made beside its passes as the task makes it. */
    private JobReader.Result describeAside(JobState s) {
        return reader.describedAside(s, reader.call(ApiCall.describe(s.name())));
    }

    /** Moves the clock to this long after the job {@link TestSteps#job} finished (its CompletionTime). */
    private void finishedAgo(Duration ago) {
        time.sleep(TestSteps.job(JOB, "COMPLETED").completionTime().plus(ago).toEpochMilli() - time.milliseconds());
    }

    private static JobState listed(String status) {
        JobState s = fresh();
        s.listed = TestSteps.job(JOB, status).withInputConfig(null);
        return s;
    }

    @Test
    void aListedJobsPassDoesNotWaitForItsDescribeOnlyItsJobRecordDoes() {
        api.put(TestSteps.job(JOB, "COMPLETED"), fiveSteps("COMPLETED"));
        finishedAgo(Duration.ofDays(30));
        JobState s = listed("COMPLETED");

        List<SourceRecord> pass = pass(s);
        assertThat(api.describeCalls).hasValue(0);
        assertThat(api.listCalls).as("5 steps, 2 a page").hasValue(3);
        assertThat(onTopic(pass, "steps")).hasSize(5);
        assertThat(onTopic(pass, "jobs")).as("the job record waits for the input configuration").isEmpty();
        assertThat(reader.wantsDescribe(s)).isTrue();
        assertThat(s.dueAtMs).as("no other pass: the job closes once described").isEqualTo(Long.MAX_VALUE);

        JobReader.Result described = describeAside(s);
        assertThat(api.describeCalls).hasValue(1);
        assertThat(described.boundary()).as("its own transaction").isTrue();
        assertThat(described.records()).hasSize(1);
        Struct job = (Struct) described.records().get(0).value();
        assertThat(job.getBoolean("closed")).isTrue();
        assertThat(job.getInt32("job_duration_seconds")).isEqualTo(7200);
        assertThat(job.getString("endpoint_configurations")).contains("ml.c5.xlarge");
        assertThat(JobOffset.fromMap(described.records().get(0).sourceOffset()).closed()).isTrue();
        assertThat(stats.jobsClosed).hasValue(1);
        assertThat(reader.wantsDescribe(s)).isFalse();
    }

    @Test
    void aListedJobDescribedBeforeItsPassEndsIsClosedByThePassItself() {
        api.put(TestSteps.job(JOB, "COMPLETED"), fiveSteps("COMPLETED"));
        finishedAgo(Duration.ofDays(30));
        JobState s = listed("COMPLETED");

        assertThat(describeAside(s).records()).as("nothing held yet").isEmpty();
        List<SourceRecord> pass = pass(s);

        Struct job = (Struct) onTopic(pass, "jobs").get(0).value();
        assertThat(job.getBoolean("closed")).isTrue();
        assertThat(job.getInt32("job_duration_seconds")).isEqualTo(7200);
        assertThat(api.describeCalls.get() + api.listCalls.get()).as("a describe and three pages").isEqualTo(4);
    }

    @Test
    void aThrottledDescribeIsTriedAgainAfterABackoff() {
        api.put(TestSteps.job(JOB, "COMPLETED"), fiveSteps("COMPLETED"));
        JobState s = listed("COMPLETED");
        api.failures.add(new ApiException(ApiErrorKind.THROTTLED, "DescribeInferenceRecommendationsJob", "slow down", null));

        assertThat(describeAside(s).records()).isEmpty();
        assertThat(reader.wantsDescribe(s)).isTrue();
        assertThat(s.describeDueAtMs).isGreaterThan(time.hiResClockMs());
        assertThat(stats.throttled).hasValue(1);

        time.sleep(s.describeDueAtMs - time.hiResClockMs());
        describeAside(s);
        assertThat(reader.wantsDescribe(s)).isFalse();
        assertThat(s.inputConfig.jobDurationSeconds()).isEqualTo(7200);
    }

    @Test
    void aDescribeIamDeniesLeavesTheInputConfigurationEmptyAndTheJobStillCloses() {
        api.put(TestSteps.job(JOB, "COMPLETED"), fiveSteps("COMPLETED"));
        finishedAgo(Duration.ofDays(30));
        JobState s = listed("COMPLETED");
        pass(s);
        api.failures.add(new ApiException(ApiErrorKind.ACCESS_DENIED, "DescribeInferenceRecommendationsJob",
                "not authorized to perform: sagemaker:DescribeInferenceRecommendationsJob", null));

        Struct job = (Struct) describeAside(s).records().get(0).value();
        assertThat(job.getBoolean("closed")).isTrue();
        assertThat(job.getInt32("job_duration_seconds")).isNull();
        assertThat(job.getString("read_error")).as("the job itself can be read").isNull();
    }

    @Test
    void aJobThatFinishedLongerAgoThanTheGracePeriodClosesAfterOnePass() {
        reader = reader(2, Duration.ofSeconds(10));
        api.put(TestSteps.job(JOB, "COMPLETED"), fiveSteps("COMPLETED"));
        finishedAgo(Duration.ofSeconds(11));

        List<SourceRecord> records = pass(fresh());
        assertThat(((Struct) onTopic(records, "jobs").get(0).value()).getBoolean("closed")).isTrue();
        assertThat(api.describeCalls.get() + api.listCalls.get()).as("one describe, three pages, no re-read").isEqualTo(4);
    }

    @Test
    void aJobThatJustFinishedIsReadOnceMoreAfterTheGracePeriod() {
        reader = reader(2, Duration.ofSeconds(10));
        api.put(TestSteps.job(JOB, "COMPLETED"), fiveSteps("COMPLETED"));
        finishedAgo(Duration.ofSeconds(1));
        JobState s = fresh();

        assertThat(onTopic(pass(s), "jobs")).extracting(r -> ((Struct) r.value()).getBoolean("closed")).containsExactly(false);
        assertThat(s.dueAtMs).isEqualTo(time.hiResClockMs() + 10_000);
        time.sleep(10_000);
        assertThat(onTopic(pass(s), "jobs")).extracting(r -> ((Struct) r.value()).getBoolean("closed")).containsExactly(true);
        assertThat(api.listCalls).as("two passes of three pages").hasValue(6);
    }

    @Test
    void aJobWithoutCompletionTimeIsAgedByItsLastModifiedTime() {
        reader = reader(2, Duration.ofSeconds(10));
        // a FAILED job of TestSteps has no CompletionTime; its LastModifiedTime is the COMPLETED one's CompletionTime
        api.put(TestSteps.job(JOB, "FAILED"), fiveSteps("COMPLETED"));
        finishedAgo(Duration.ofSeconds(11));

        JobState s = fresh();
        pass(s);
        assertThat(s.offset.closed()).isTrue();
    }

    @Test
    void aListedJobIsNotDescribedWhenItsInputConfigurationIsNotWanted() {
        reader = reader(2, Duration.ZERO, false);
        api.put(TestSteps.job(JOB, "COMPLETED"), fiveSteps("COMPLETED"));
        JobState s = fresh();
        s.listed = TestSteps.job(JOB, "COMPLETED").withInputConfig(null);

        List<SourceRecord> records = pass(s);
        assertThat(api.describeCalls.get()).as("the listing's summary is enough").isZero();
        assertThat(api.listCalls.get()).isEqualTo(3);
        assertThat(onTopic(records, "steps")).hasSize(5)
                .allSatisfy(r -> assertThat(((Struct) r.value()).getString("model_name")).isEqualTo("resnet50"));
        Struct job = (Struct) onTopic(records, "jobs").get(0).value();
        assertThat(job.getBoolean("closed")).isTrue();
        assertThat(job.getInt32("job_duration_seconds")).isNull();
        assertThat(job.getString("endpoint_configurations")).isNull();
    }

    @Test
    void aJobNobodyListedIsDescribedEvenWhenInputConfigurationIsNotWanted() {
        reader = reader(2, Duration.ZERO, false);
        api.put(TestSteps.job(JOB, "COMPLETED"), fiveSteps("COMPLETED"));

        pass(fresh());
        assertThat(api.describeCalls.get()).as("without a listing, the describe is the job's only summary").isEqualTo(1);
    }

    @Test
    void statusChangeGivesExactlyOneMoreRecord() {
        List<StepObservation> steps = fiveSteps("IN_PROGRESS");
        api.put(TestSteps.job(JOB, "IN_PROGRESS"), steps);
        JobState s = fresh();
        assertThat(onTopic(pass(s), "steps")).hasSize(5);

        api.steps.get(JOB).set(3, TestSteps.withStatus(steps.get(3), "COMPLETED"));
        time.sleep(POLL.toMillis());
        List<SourceRecord> second = onTopic(pass(s), "steps");
        assertThat(second).hasSize(1);
        Struct value = (Struct) second.get(0).value();
        assertThat(value.getString("endpoint_name")).isEqualTo("ep-3");
        assertThat(value.getString("status")).isEqualTo("COMPLETED");
    }

    @Test
    void recordOffsetsLetARestartResumeMidPassWithoutDuplicates() {
        api.put(TestSteps.job(JOB, "IN_PROGRESS"), fiveSteps("COMPLETED"));
        JobState s = fresh();
        List<SourceRecord> firstTwoCalls = new ArrayList<>();
        firstTwoCalls.addAll(reader.step(s).records()); // describe
        firstTwoCalls.addAll(reader.step(s).records()); // page 1
        assertThat(firstTwoCalls).hasSize(2);
        SourceRecord last = firstTwoCalls.get(1);
        JobOffset committed = JobOffset.fromMap(last.sourceOffset());
        assertThat(committed.nextToken()).isEqualTo("page-2");
        assertThat(committed.stepHashes()).hasSize(2);
        assertThat(JobOffset.fromMap(firstTwoCalls.get(0).sourceOffset()).nextToken())
                .as("a record in the middle of a page points back at its page").isNull();

        // a new task starts from the committed offset
        JobState restarted = new JobState(s.partition, committed);
        restarted.dueAtMs = time.hiResClockMs();
        api.tokensReceived.clear();
        List<SourceRecord> rest = onTopic(pass(restarted), "steps");
        assertThat(api.tokensReceived.get(0)).as("resumed with the stored token").isEqualTo("page-2");
        assertThat(rest).extracting(r -> ((Struct) r.value()).getString("endpoint_name"))
                .containsExactly("ep-2", "ep-3", "ep-4");
    }

    @Test
    void rejectedTokenRestartsThePassWithoutDuplicates() {
        api.put(TestSteps.job(JOB, "IN_PROGRESS"), fiveSteps("COMPLETED"));
        JobState s = fresh();
        reader.step(s); // describe
        assertThat(reader.step(s).records()).hasSize(2); // page 1
        api.failures.add(new ApiException(ApiErrorKind.TOKEN_REJECTED, "ListInferenceRecommendationsJobSteps", "expired", null));
        List<SourceRecord> rest = onTopic(pass(s), "steps");
        assertThat(stats.tokenRestarts.get()).isEqualTo(1);
        assertThat(api.tokensReceived).containsExactly(null, "page-2", null, "page-2", "page-4");
        assertThat(rest).extracting(r -> ((Struct) r.value()).getString("endpoint_name"))
                .containsExactly("ep-2", "ep-3", "ep-4");
    }

    @Test
    void repeatedTokenRestartsThePassAndGivesUpUntilTheNextIntervalWhenItPersists() {
        api.put(TestSteps.job(JOB, "IN_PROGRESS"), fiveSteps("COMPLETED"));
        api.stuckToken = "page-2";
        JobState s = fresh();
        List<SourceRecord> records = onTopic(pass(s), "steps");
        assertThat(records).as("pages 1 and 2 only, never twice").hasSize(4);
        assertThat(stats.tokenRestarts.get()).isEqualTo(JobReader.MAX_PASS_RESTARTS + 1);
        assertThat(s.dueAtMs).isEqualTo(time.hiResClockMs() + POLL.toMillis());
        assertThat(s.offset.nextToken()).isNull();
    }

    @Test
    void staleStoredTokenIsNotTried() {
        api.put(TestSteps.job(JOB, "IN_PROGRESS"), fiveSteps("COMPLETED"));
        JobState s = new JobState(new JobPartition("us-east-1", "", JOB),
                JobOffset.START.withNextToken("page-4", time.milliseconds() - Duration.ofMinutes(6).toMillis()));
        List<SourceRecord> records = onTopic(pass(s), "steps");
        assertThat(api.tokensReceived.get(0)).isNull();
        assertThat(records).hasSize(5);
    }

    @Test
    void terminalJobWithAllStepsEmittedIsClosedAndCostsNoMoreCalls() {
        api.put(TestSteps.job(JOB, "COMPLETED"), fiveSteps("COMPLETED"));
        JobState s = fresh();
        List<SourceRecord> records = pass(s);
        assertThat(s.offset.closed()).isTrue();
        SourceRecord jobRecord = records.get(records.size() - 1);
        assertThat(jobRecord.topic()).isEqualTo("jobs");
        assertThat(((Struct) jobRecord.value()).getBoolean("closed")).isTrue();
        assertThat(((Struct) jobRecord.value()).getInt32("steps_emitted")).isEqualTo(5);
        assertThat(JobOffset.fromMap(jobRecord.sourceOffset()).closed()).as("the closed state is committed").isTrue();
        assertThat(stats.jobsClosed.get()).isEqualTo(1);
    }

    @Test
    void terminalJobIsReadOnceMoreAfterTheGracePeriodAndThenClosed() {
        reader = reader(2, Duration.ofSeconds(10));
        api.put(TestSteps.job(JOB, "COMPLETED"), fiveSteps("COMPLETED"));
        JobState s = fresh();
        List<SourceRecord> first = pass(s);
        assertThat(onTopic(first, "steps")).hasSize(5);
        assertThat(s.offset.closed()).isFalse();
        assertThat(s.dueAtMs).as("read again after the grace period, not the poll interval")
                .isEqualTo(time.hiResClockMs() + 10_000);
        time.sleep(10_000);
        List<SourceRecord> second = pass(s);
        assertThat(onTopic(second, "steps")).isEmpty();
        assertThat(s.offset.closed()).isTrue();
        assertThat(((Struct) onTopic(second, "jobs").get(0).value()).getBoolean("closed")).isTrue();
    }

    @Test
    void jobIsNotClosedWhileAStepRunsOrAStepCannotBeIdentified() {
        List<StepObservation> steps = fiveSteps("COMPLETED");
        steps.add(new StepObservation(JOB, "BENCHMARK", "PENDING", null, null, null, null, null, null, null));
        api.put(TestSteps.job(JOB, "COMPLETED"), steps);
        JobState s = fresh();
        assertThat(onTopic(pass(s), "steps")).hasSize(5);
        assertThat(s.offset.closed()).isFalse();
        assertThat(stats.unidentifiedSteps.get()).isEqualTo(1);
    }

    @Test
    void resumedPassNeverClosesTheJobBecauseItSawOnlyPartOfTheSteps() {
        api.put(TestSteps.job(JOB, "COMPLETED"), fiveSteps("COMPLETED"));
        JobState s = new JobState(new JobPartition("us-east-1", "", JOB),
                JobOffset.START.withNextToken("page-4", time.milliseconds()));
        pass(s);
        assertThat(s.offset.closed()).isFalse();
        time.sleep(POLL.toMillis());
        List<SourceRecord> full = onTopic(pass(s), "steps");
        assertThat(full).as("the full pass emits the steps the partial one skipped").hasSize(4);
        assertThat(s.offset.closed()).isTrue();
    }

    @Test
    void aJobNeverReadIsLoggedOnceAndCheckedAgainWithBackoffUpToAnHour() {
        JobState s = fresh();
        List<Long> waits = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            assertThat(pass(s)).isEmpty();
            waits.add(s.dueAtMs - time.hiResClockMs());
            time.sleep(s.dueAtMs - time.hiResClockMs());
        }
        assertThat(s.notFoundLogged).isTrue();
        assertThat(stats.jobsNotFound.get()).as("counted once").isEqualTo(1);
        // jittered between half and all of 2 × poll interval × 2^(n-1), capped at an hour
        assertThat(waits.get(0)).isBetween(POLL.toMillis(), 2 * POLL.toMillis());
        assertThat(waits.get(2)).isBetween(4 * POLL.toMillis(), 8 * POLL.toMillis());
        assertThat(waits.get(11)).isBetween(1_800_000L, 3_600_000L);
        assertThat(waits).allSatisfy(w -> assertThat(w).isLessThanOrEqualTo(3_600_000L));

        api.put(TestSteps.job(JOB, "IN_PROGRESS"), fiveSteps("COMPLETED"));
        assertThat(onTopic(pass(s), "steps")).hasSize(5);
    }

    @Test
    void aVanishedJobClosesOnlyAfterThreeNotFoundAnswersOverTenMinutes() {
        api.put(TestSteps.job(JOB, "IN_PROGRESS"), fiveSteps("IN_PROGRESS"));
        JobState s = fresh();
        pass(s);
        api.jobs.clear();
        api.steps.clear();
        time.sleep(POLL.toMillis());
        long first = time.milliseconds();
        assertThat(pass(s)).as("one answer is a signal, not a fact").isEmpty();
        assertThat(s.offset.closed()).isFalse();
        assertThat(s.dueAtMs - time.hiResClockMs()).as("the answers are spread over the 10 minutes").isEqualTo(300_000L);
        time.sleep(300_000L);
        assertThat(pass(s)).isEmpty();
        time.sleep(300_000L);
        List<SourceRecord> records = pass(s);
        assertThat(time.milliseconds() - first).isEqualTo(600_000L);
        assertThat(records).hasSize(1);
        Struct job = (Struct) records.get(0).value();
        assertThat(job.getBoolean("closed")).isTrue();
        assertThat(job.getString("close_reason")).isEqualTo("NOT_FOUND");
        assertThat(s.offset.closed()).isTrue();
    }

    @Test
    void throttlingBacksOffAndNeverFails() {
        api.put(TestSteps.job(JOB, "IN_PROGRESS"), fiveSteps("COMPLETED"));
        JobState s = fresh();
        for (int i = 0; i < 6; i++) {
            api.failures.add(new ApiException(ApiErrorKind.THROTTLED, "ListInferenceRecommendationsJobSteps", "slow down", null));
        }
        List<SourceRecord> records = new ArrayList<>();
        long lastBackoff = 0;
        while (records.stream().filter(r -> r.topic().equals("steps")).count() < 5) {
            long before = time.hiResClockMs();
            records.addAll(reader.step(s).records());
            long wait = Math.max(0, s.dueAtMs - before);
            lastBackoff = Math.max(lastBackoff, wait);
            time.sleep(wait);
        }
        assertThat(stats.throttled.get()).isEqualTo(6);
        assertThat(lastBackoff).as("backoff grew but stays within the poll interval").isGreaterThan(1_000).isLessThanOrEqualTo(POLL.toMillis());
        assertThat(onTopic(records, "steps")).hasSize(5);
    }

    @Test
    void authFailureFailsTheTaskNamingThePermission() {
        api.put(TestSteps.job(JOB, "IN_PROGRESS"), fiveSteps("COMPLETED"));
        api.failures.add(new ApiException(ApiErrorKind.AUTH, "DescribeInferenceRecommendationsJob",
                "AccessDeniedException: needs sagemaker:DescribeInferenceRecommendationsJob", null));
        assertThatThrownBy(() -> reader.step(fresh())).isInstanceOf(ConnectException.class)
                .hasMessageContaining(JOB).hasMessageContaining("sagemaker:DescribeInferenceRecommendationsJob");
    }
}
