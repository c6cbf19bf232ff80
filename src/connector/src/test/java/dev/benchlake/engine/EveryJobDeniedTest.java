package dev.benchlake.engine;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.ApiErrorKind;
import dev.benchlake.api.ApiException;
import dev.benchlake.api.FakeRecommenderApi;
import dev.benchlake.api.JobObservation;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.offset.JobOffset;
import dev.benchlake.record.TestSteps;

/**
 * A revoked policy fails the task with the reason, however many of its jobs were closed before (a job denied from its
 * first call, as a policy scoped by resource denies it, still waits alone: {@code RealAccountsIT}).
 */
class EveryJobDeniedTest {

    private SourceEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop();
        }
    }

    @Test
    void aPolicyRevokedForEveryOpenJobFailsTheTaskEvenWhenClosedJobsAreKnown() {
        FakeRecommenderApi fake = new FakeRecommenderApi();
        fake.put(TestSteps.job("open-job", "IN_PROGRESS"), List.of());
        java.util.concurrent.atomic.AtomicInteger describes = new java.util.concurrent.atomic.AtomicInteger();
        // read once, then the policy is revoked
        DelegatingApi denying = new DelegatingApi(fake) {
            @Override
            public JobObservation describeJob(String jobName) {
                if (describes.incrementAndGet() == 1) {
                    return super.describeJob(jobName);
                }
                throw new ApiException(ApiErrorKind.ACCESS_DENIED, "DescribeInferenceRecommendationsJob",
                        "not authorized to perform sagemaker:DescribeInferenceRecommendationsJob", null);
            }
        };
        // two jobs read and closed before the policy was revoked, one still open
        Map<String, Object> closed = JobOffset.START.withClosed(true).toMap();
        OffsetStorageReader offsets = new OffsetStorageReader() {
            @Override
            public <T> Map<String, Object> offset(Map<String, T> partition) {
                return null;
            }

            @Override
            public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                Map<Map<String, T>, Map<String, Object>> out = new HashMap<>();
                for (Map<String, T> p : partitions) {
                    if (!"open-job".equals(p.get("job"))) {
                        out.put(p, closed);
                    }
                }
                return out;
            }
        };
        Map<String, String> props = new HashMap<>();
        props.put("aws.region", "us-east-1");
        props.put("job.names", "closed-1,closed-2,open-job");
        props.put("api.max.requests.per.second", "1000");
        props.put("poll.interval.ms", "500");
        engine = new SourceEngine(EngineDeps.of(denying, new BenchlakeSourceConfig(props), Time.SYSTEM,
                new Random(1), offsets, null, new TaskStats()));
        engine.start(List.of("closed-1", "closed-2", "open-job"));

        assertThatThrownBy(() -> {
            for (int polls = 0; polls < 100; polls++) {
                engine.poll();
            }
        }).isInstanceOf(ConnectException.class).hasMessageContaining("IAM denies every one of this task's 1 jobs")
                .hasMessageContaining("open-job");
    }
}
