package dev.benchlake.pass;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.apache.kafka.common.utils.MockTime;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
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
import dev.benchlake.retry.ErrorSettings;

/** What real accounts do that the happy path never shows: scoped IAM, credential blips, failed benchmarks, bad tokens. */
class RealAccountErrorsTest {
    private static final String JOB = "resnet-nightly-1";
    private static final Duration POLL = Duration.ofSeconds(30);
    private static final String DENIED_MESSAGE = "AccessDeniedException (HTTP 400): User: arn:aws:sts::123456789012:"
            + "assumed-role/benchlake/benchlake is not authorized to perform: sagemaker:DescribeInferenceRecommendationsJob "
            + "on resource: arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/resnet-nightly-1";

    private final FakeRecommenderApi api = new FakeRecommenderApi();
    private final MockTime time = new MockTime(0, 1_767_225_600_000L, 0);
    private final TaskStats stats = new TaskStats();

    private ReaderSettings settings(int pageSize) {
        return new ReaderSettings("steps", "jobs", null, pageSize, POLL, Duration.ofMinutes(5), Duration.ZERO,
                new RecordContext("us-east-1", null, NanHandling.NULL), true);
    }

    private JobReader reader(ReaderSettings settings) {
        return new JobReader(api, settings, time, new Random(1), stats);
    }

    private static JobState fresh() {
        return new JobState(new JobPartition("us-east-1", "", JOB), JobOffset.START);
    }

    private List<SourceRecord> pass(JobReader reader, JobState s) {
        List<SourceRecord> out = new ArrayList<>();
        int guard = 0;
        do {
            out.addAll(reader.step(s).records());
            assertThat(++guard).as("calls in one pass").isLessThan(200);
        } while (s.dueAtMs <= time.hiResClockMs() && !s.offset.closed());
        return out;
    }

    private static List<SourceRecord> onTopic(List<SourceRecord> records, String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    private static ApiException denied() {
        return new ApiException(ApiErrorKind.ACCESS_DENIED, "DescribeInferenceRecommendationsJob", DENIED_MESSAGE, null);
    }

    @Test
    void aDeniedJobWaitsAnHourSaysWhyOnTheJobsTopicAndIsReadWhenAllowedAgain() {
        JobReader reader = reader(settings(10));
        api.put(TestSteps.job(JOB, "COMPLETED"), List.of(TestSteps.completed(JOB, "ml.c5.xlarge", "ep-1")));
        api.failures.add(denied());
        JobState s = fresh();

        List<SourceRecord> records = pass(reader, s);
        assertThat(records).hasSize(1);
        Struct job = (Struct) records.get(0).value();
        assertThat(records.get(0).topic()).isEqualTo("jobs");
        assertThat(job.getString("read_error")).startsWith("access denied: ").contains("sagemaker:DescribeInferenceRecommendationsJob",
                "inference-recommendations-job/resnet-nightly-1");
        assertThat(job.getBoolean("closed")).isFalse();
        assertThat(stats.jobsDenied.get()).isEqualTo(1);
        assertThat(s.dueAtMs - time.hiResClockMs()).as("errors.access.denied.retry.ms").isEqualTo(3_600_000L);

        api.failures.add(denied());
        time.sleep(3_600_000L);
        assertThat(pass(reader, s)).as("still denied: logged and recorded once").isEmpty();

        time.sleep(3_600_000L);
        List<SourceRecord> allowed = pass(reader, s);
        assertThat(onTopic(allowed, "steps")).hasSize(1);
        Struct readable = (Struct) onTopic(allowed, "jobs").get(0).value();
        assertThat(readable.getString("read_error")).isNull();
        assertThat(readable.getBoolean("closed")).isTrue();
        assertThat(stats.jobsDenied.get()).isZero();
    }

    @Test
    void credentialsThatFailToLoadBackOffAndFailTheTaskOnlyAfterFiveMinutes() {
        JobReader reader = reader(settings(10));
        api.put(TestSteps.job(JOB, "COMPLETED"), List.of(TestSteps.completed(JOB, "ml.c5.xlarge", "ep-1")));
        JobState s = fresh();
        ApiException blip = new ApiException(ApiErrorKind.CREDENTIALS_UNAVAILABLE, "DescribeInferenceRecommendationsJob",
                "SdkClientException: Unable to load credentials from any of the providers in the chain", null);
        for (int i = 0; i < 3; i++) {
            api.failures.add(blip);
        }
        assertThat(pass(reader, s)).isEmpty();
        time.sleep(s.dueAtMs - time.hiResClockMs());
        assertThat(pass(reader, s)).isEmpty();
        time.sleep(s.dueAtMs - time.hiResClockMs());
        assertThat(pass(reader, s)).isEmpty();
        time.sleep(s.dueAtMs - time.hiResClockMs());
        assertThat(onTopic(pass(reader, s), "steps")).as("a blip loses nothing").hasSize(1);

        JobState other = new JobState(new JobPartition("us-east-1", "", "bert-1"), JobOffset.START);
        api.put(TestSteps.job("bert-1", "IN_PROGRESS"), List.of());
        for (int i = 0; i < 1_000; i++) {
            api.failures.add(blip);
        }
        assertThatThrownBy(() -> {
            for (int i = 0; i < 1_000; i++) {
                pass(reader, other);
                time.sleep(Math.max(0, other.dueAtMs - time.hiResClockMs()));
            }
        }).isInstanceOf(ConnectException.class).hasMessageContaining("could not load AWS credentials")
                .hasMessageContaining("errors.credentials.failure.timeout.ms=300000");
        assertThat(time.milliseconds() - 1_767_225_600_000L).as("not before five minutes of failures").isGreaterThan(300_000L);
    }

    @Test
    void benchmarksThatFailedBeforeTheirEndpointExistedAreRowsCountedByInputsAndTheJobCloses() {
        JobReader reader = reader(new ReaderSettings("steps", "jobs", null, 2, POLL, Duration.ofMinutes(5),
                Duration.ofMinutes(1), new RecordContext("us-east-1", null, NanHandling.NULL), true));
        StepObservation failedA = failedWithoutEndpoint("spec-x");
        StepObservation failedB = failedWithoutEndpoint("spec-y");
        List<StepObservation> steps = new ArrayList<>(List.of(TestSteps.completed(JOB, "ml.c5.xlarge", "ep-1"), failedA,
                failedA, failedB, TestSteps.completed(JOB, "ml.g5.xlarge", "ep-2")));
        api.put(TestSteps.job(JOB, "COMPLETED"), steps);
        JobState s = fresh();

        List<SourceRecord> records = pass(reader, s);
        List<Struct> rows = onTopic(records, "steps").stream().map(r -> (Struct) r.value()).toList();
        assertThat(rows).hasSize(4);
        Struct a = rows.stream().filter(r -> "spec-x".equals(r.getString("inference_specification_name"))).findFirst().orElseThrow();
        assertThat(a.getInt32("identical_steps")).isEqualTo(2);
        assertThat(a.getString("failure_reason")).isEqualTo("CapacityError: not enough ml.p4d.24xlarge capacity");
        assertThat(a.getString("endpoint_name")).isNull();
        assertThat(a.getString("status")).isEqualTo("FAILED");

        // the grace re-read, another page order: the same ids, nothing new, and the job closes
        Collections.reverse(steps);
        api.put(TestSteps.job(JOB, "COMPLETED"), steps);
        time.sleep(Duration.ofMinutes(1).toMillis());
        assertThat(onTopic(pass(reader, s), "steps")).isEmpty();
        assertThat(s.offset.closed()).as("such steps never keep the job open").isTrue();
    }

    @Test
    void aPendingStepWithoutAnEndpointWaitsAndKeepsTheJobOpen() {
        JobReader reader = reader(settings(10));
        StepObservation pending = TestSteps.withStatus(failedWithoutEndpoint("spec-x"), "PENDING");
        api.put(TestSteps.job(JOB, "COMPLETED"), List.of(pending));
        JobState s = fresh();
        assertThat(onTopic(pass(reader, s), "steps")).isEmpty();
        assertThat(s.offset.closed()).isFalse();
    }

    @Test
    void aTokenWhosePageKeepsFailingRestartsThePassAtPageOne() {
        JobReader reader = reader(settings(2));
        List<StepObservation> steps = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            steps.add(TestSteps.completed(JOB, "ml.c5." + i + "xlarge", "ep-" + i));
        }
        api.put(TestSteps.job(JOB, "IN_PROGRESS"), steps);
        JobState s = fresh();
        reader.step(s);
        reader.step(s);
        assertThat(s.offset.nextToken()).isEqualTo("page-2");
        for (int i = 0; i < 3; i++) {
            api.failures.add(new ApiException(ApiErrorKind.JOB_ERROR, "ListInferenceRecommendationsJobSteps",
                    "SdkClientException: Unable to unmarshall response", null));
            reader.step(s);
            time.sleep(Math.max(0, s.dueAtMs - time.hiResClockMs()));
        }
        assertThat(s.offset.nextToken()).as("errors.token.max.failures=3: back to page 1").isNull();
        assertThat(stats.tokenRestarts.get()).isEqualTo(1);
        api.tokensReceived.clear();
        List<SourceRecord> rest = pass(reader, s);
        assertThat(api.tokensReceived.get(0)).isNull();
        assertThat(onTopic(rest, "steps")).as("the steps emitted before are not emitted twice").hasSize(4);
    }

    @Test
    void aJobWhoseOffsetWouldOutgrowTheProducerStopsWithAnErrorNamingItAndTheWayOut() {
        JobReader reader = reader(settings(100).withOffsetMaxBytes(10_000));
        List<StepObservation> steps = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            steps.add(TestSteps.completed(JOB, "ml.c5.xlarge", "ep-" + i));
        }
        api.put(TestSteps.job(JOB, "COMPLETED"), steps);
        JobState s = fresh();
        List<SourceRecord> records = pass(reader, s);
        assertThat(s.stopped).isTrue();
        assertThat(s.readError).contains("offset.max.bytes=10000", "producer.override.max.request.size");
        assertThat(s.dueAtMs).isEqualTo(Long.MAX_VALUE);
        assertThat(records).allSatisfy(r -> assertThat(JobOffset.fromMap((java.util.Map<String, ?>) r.sourceOffset())
                .encodedSizeBytes()).isLessThanOrEqualTo(10_000));
        assertThat(onTopic(records, "steps").size()).as("what fits was emitted, and committed with its offsets")
                .isBetween(100, 2_000 - 1);
    }

    @Test
    void errorSettingsDefaultToTheDocumentedValues() {
        assertThat(ErrorSettings.DEFAULTS).isEqualTo(new ErrorSettings(Duration.ofHours(1), Duration.ofMinutes(5), 3,
                Duration.ofMinutes(10), Duration.ofHours(1), 3));
    }

    private static StepObservation failedWithoutEndpoint(String spec) {
        return new StepObservation(JOB, "BENCHMARK", "FAILED", "CapacityError: not enough ml.p4d.24xlarge capacity", null,
                new StepObservation.Model(spec, null, List.of()), null, null, null, null);
    }
}
