package dev.benchlake.pass;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.utils.MockTime;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.FakeRecommenderApi;
import dev.benchlake.api.JobObservation;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.offset.JobOffset;
import dev.benchlake.offset.JobPartition;
import dev.benchlake.record.NanHandling;
import dev.benchlake.record.RecordContext;
import dev.benchlake.record.TestSteps;

/**
 * "Finished long ago" is judged on AWS's clock (the answers' Date), which stamped the job's CompletionTime, not on the
 * worker's: a worker clock minutes ahead does not close a job that just finished without its grace re-read.
 */
class AwsClockTest {

    private static final String JOB = "resnet-nightly-1";
    private static final Duration POLL = Duration.ofSeconds(30);
    private static final Duration GRACE = Duration.ofMinutes(5);
    private static final Duration AHEAD = Duration.ofMinutes(10);

    private final FakeRecommenderApi api = new FakeRecommenderApi();
    private final TaskStats stats = new TaskStats();

    private JobReader reader(MockTime time) {
        ReaderSettings settings = new ReaderSettings("steps", "jobs", null, 10, POLL, Duration.ofMinutes(5), GRACE,
                new RecordContext("us-east-1", null, NanHandling.NULL), false);
        return new JobReader(api, settings, time, new Random(1), stats);
    }

    /** Runs calls until the pass ends (the job is due later than now, or closed). */
    private static void pass(JobReader reader, JobState s, MockTime time) {
        int calls = 0;
        do {
            reader.step(s);
            assertThat(++calls).as("calls in one pass").isLessThanOrEqualTo(3);
        } while (s.dueAtMs <= time.hiResClockMs() && !s.offset.closed());
    }

    @Test
    void aWorkerClockTenMinutesAheadDoesNotCloseAJustFinishedJobWithoutItsGraceReRead() {
        JobObservation done = TestSteps.job(JOB, "COMPLETED");
        Instant finished = done.completionTime();
        api.put(done, List.of(TestSteps.completed(JOB, "ml.c5.xlarge", "ep-0")));
        // AWS answers a second after the job finished; the worker's wall clock is ten minutes ahead of AWS's
        api.serverDate = finished.plusSeconds(1);
        MockTime time = new MockTime(0, finished.plusSeconds(1).plus(AHEAD).toEpochMilli(), 0);
        JobReader reader = reader(time);
        JobState s = new JobState(new JobPartition("us-east-1", "", JOB), JobOffset.START);

        pass(reader, s, time);
        // by the worker's clock the job finished 10 min ago, more than the 5 min grace; by AWS's, a second ago
        assertThat(s.offset.closed()).as("a job that finished a second ago (AWS's clock) is not closed yet").isFalse();
        assertThat(s.dueAtMs - time.hiResClockMs()).as("read again after the grace period").isEqualTo(GRACE.toMillis());
        int listCallsBefore = api.listCalls.get();

        time.sleep(GRACE.toMillis());
        api.serverDate = api.serverDate.plus(GRACE);
        pass(reader, s, time);
        assertThat(api.listCalls.get() - listCallsBefore).as("the grace re-read").isEqualTo(1);
        assertThat(s.offset.closed()).as("closed after the grace re-read").isTrue();
    }
}
