package dev.benchlake.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.FakeRecommenderApi;
import dev.benchlake.api.JobObservation;
import dev.benchlake.api.RecommenderApi;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.record.TestSteps;

/** poll() returns within about a second whatever SageMaker does, and an interrupt never leaves a task that reads nothing. */
class BoundedPollTest {
    private final List<Hanging> apis = new ArrayList<>();
    private SourceEngine engine;

    @AfterEach
    void stop() {
        apis.forEach(a -> a.release.countDown());
        if (engine != null) {
            engine.stop();
        }
    }

    /** Describe hangs until released, as a call to an endpoint that stopped answering would (up to the SDK timeout). */
    private final class Hanging extends DelegatingApi {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);

        Hanging() {
            super(new FakeRecommenderApi());
            apis.add(this);
        }

        @Override
        public JobObservation describeJob(String jobName) {
            entered.countDown();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return delegate.describeJob(jobName);
        }
    }

    private SourceEngine engine(RecommenderApi api, int concurrency) {
        Map<String, String> props = new HashMap<>();
        props.put("aws.region", "us-east-1");
        props.put("job.names", "job-a");
        props.put("terminal.grace.period.ms", "0");
        props.put("api.max.concurrent.requests", Integer.toString(concurrency));
        BenchlakeSourceConfig config = new BenchlakeSourceConfig(props);
        engine = new SourceEngine(EngineDeps.of(api, config, Time.SYSTEM, new Random(1), new NoOffsets(), null,
                new TaskStats()));
        engine.start(config.jobNames());
        return engine;
    }

    @Test
    void pollReturnsWithinASecondWhileACallHangsAndTheNextPollTakesTheAnswerUp() {
        for (int concurrency : new int[] {1, 8}) {
            Hanging api = new Hanging();
            api.delegate.put(TestSteps.job("job-a", "COMPLETED"), List.of(TestSteps.completed("job-a", "ml.c5.xlarge", "ep-1")));
            SourceEngine e = engine(api, concurrency);
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                assertThat(e.poll()).isNull();
                assertThat(Duration.ofNanos(System.nanoTime() - started)).as("poll while describe hangs")
                        .isLessThan(Duration.ofMillis(1_500));
            }
            api.release.countDown();
            List<SourceRecord> records = new ArrayList<>();
            for (int polls = 0; records.size() < 2; polls++) {
                assertThat(polls).isLessThan(20);
                List<SourceRecord> batch = e.poll();
                if (batch != null) {
                    records.addAll(batch);
                }
            }
            assertThat(records).extracting(SourceRecord::topic).containsExactly("benchlake.benchmark-steps", "benchlake.jobs");
            e.stop();
        }
    }

    @Test
    void stopEndsAPollThatWaitsForAHangingCallPromptly() throws Exception {
        Hanging api = new Hanging();
        SourceEngine e = engine(api, 1);
        Thread poller = new Thread(e::poll);
        poller.start();
        // the poll waits for a call that hangs
        assertThat(api.entered.await(10, TimeUnit.SECONDS)).isTrue();
        long started = System.nanoTime();
        e.stop();
        poller.join(5_000);
        assertThat(poller.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void anInterruptThatIsNotAStopFailsTheTaskInsteadOfLeavingItIdle() {
        SourceEngine e = engine(new Hanging(), 1);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(e::poll).isInstanceOf(ConnectException.class).hasMessageContaining("interrupted");
        } finally {
            Thread.interrupted();
        }
    }
}
