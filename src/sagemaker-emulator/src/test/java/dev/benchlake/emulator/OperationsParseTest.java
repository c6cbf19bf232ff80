package dev.benchlake.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceRecommendationsJobResponse;
import software.amazon.awssdk.services.sagemaker.model.FlatInvocations;
import software.amazon.awssdk.services.sagemaker.model.InferenceRecommendationsJob;
import software.amazon.awssdk.services.sagemaker.model.InferenceRecommendationsJobStep;
import software.amazon.awssdk.services.sagemaker.model.ListInferenceRecommendationsJobStepsResponse;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantInstanceType;
import software.amazon.awssdk.services.sagemaker.model.RecommendationJobInferenceBenchmark;
import software.amazon.awssdk.services.sagemaker.model.RecommendationJobStatus;
import software.amazon.awssdk.services.sagemaker.model.RecommendationJobType;
import software.amazon.awssdk.services.sagemaker.model.RecommendationStepType;
import software.amazon.awssdk.services.sagemaker.model.TrafficType;

/** The three operations, parsed by the real SDK client, against the three-jobs fixture. */
class OperationsParseTest {
    private static final Instant EPOCH = Instant.ofEpochSecond(1767225600L);

    private ManualClock clock;
    private SageMakerEmulator emulator;
    private SageMakerClient sm;

    @BeforeEach
    void start() {
        clock = EmulatorClock.manual();
        emulator = SageMakerEmulator.start(Scenario.fromResource("scenarios/three-jobs.json"), clock);
        sm = SdkClients.noRetries(emulator);
    }

    @AfterEach
    void stop() {
        sm.close();
        emulator.close();
    }

    @Test
    void everyFieldOfAFullStepRoundTrips() {
        ListInferenceRecommendationsJobStepsResponse r =
                sm.listInferenceRecommendationsJobSteps(b -> b.jobName("resnet50-nightly-001"));

        assertThat(r.nextToken()).isNull();
        assertThat(r.steps()).hasSize(3);
        InferenceRecommendationsJobStep step = r.steps().get(0);
        assertThat(step.jobName()).isEqualTo("resnet50-nightly-001");
        assertThat(step.stepType()).isEqualTo(RecommendationStepType.BENCHMARK);
        assertThat(step.status()).isEqualTo(RecommendationJobStatus.COMPLETED);
        RecommendationJobInferenceBenchmark b = step.inferenceBenchmark();
        assertThat(b.metrics().costPerHour()).isEqualTo(0.1f);
        assertThat(b.metrics().costPerInference()).isEqualTo(0.000123f);
        assertThat(b.metrics().maxInvocations()).isEqualTo(1350);
        assertThat(b.metrics().modelLatency()).isEqualTo(42);
        assertThat(b.metrics().cpuUtilization()).isEqualTo(71.25f);
        assertThat(b.metrics().memoryUtilization()).isEqualTo(33.5f);
        assertThat(b.metrics().modelSetupTime()).isNull();
        assertThat(b.endpointMetrics().maxInvocations()).isEqualTo(1400);
        assertThat(b.endpointMetrics().modelLatency()).isEqualTo(45);
        assertThat(b.endpointConfiguration().endpointName()).isEqualTo("sm-epc-resnet50-001-c5");
        assertThat(b.endpointConfiguration().variantName()).isEqualTo("AllTraffic");
        assertThat(b.endpointConfiguration().instanceType()).isEqualTo(ProductionVariantInstanceType.ML_C5_XLARGE);
        assertThat(b.endpointConfiguration().initialInstanceCount()).isEqualTo(1);
        assertThat(b.endpointConfiguration().serverlessConfig()).isNull();
        assertThat(b.modelConfiguration().inferenceSpecificationName()).isEqualTo("resnet50-spec");
        assertThat(b.modelConfiguration().compilationJobName()).isEqualTo("resnet50-neo-c5");
        assertThat(b.modelConfiguration().environmentParameters()).singleElement().satisfies(p -> {
            assertThat(p.key()).isEqualTo("OMP_NUM_THREADS");
            assertThat(p.valueType()).isEqualTo("string");
            assertThat(p.value()).isEqualTo("2");
        });
        assertThat(b.failureReason()).isNull();
        assertThat(b.invocationStartTime()).isEqualTo(EPOCH.minusMillis(6_000_250));
        assertThat(b.invocationEndTime()).isEqualTo(EPOCH.minusMillis(5_400_750));

        assertThat(r.steps().get(1).inferenceBenchmark().metrics().costPerInference()).isEqualTo(0.0000456f);
        assertThat(r.steps().get(1).inferenceBenchmark().invocationEndTime()).isEqualTo(EPOCH.minusMillis(4_700_001));
        assertThat(r.steps().get(1).inferenceBenchmark().modelConfiguration().environmentParameters()).hasSize(2);
        assertThat(r.steps().get(2).inferenceBenchmark().endpointConfiguration().initialInstanceCount()).isEqualTo(2);
    }

    @Test
    void serverlessStepNanMetricsAndFailedStep() {
        List<InferenceRecommendationsJobStep> steps =
                sm.listInferenceRecommendationsJobSteps(b -> b.jobName("xgboost-serverless-003")).steps();
        assertThat(steps).extracting(InferenceRecommendationsJobStep::status)
                .containsExactly(RecommendationJobStatus.IN_PROGRESS, RecommendationJobStatus.IN_PROGRESS);
        assertThat(steps.get(0).inferenceBenchmark().metrics()).isNull();

        clock.advance(Duration.ofSeconds(240));
        steps = sm.listInferenceRecommendationsJobSteps(b -> b.jobName("xgboost-serverless-003")).steps();
        RecommendationJobInferenceBenchmark serverless = steps.get(0).inferenceBenchmark();
        assertThat(steps.get(0).status()).isEqualTo(RecommendationJobStatus.COMPLETED);
        assertThat(serverless.endpointConfiguration().instanceType()).isNull();
        assertThat(serverless.endpointConfiguration().instanceTypeAsString()).isNull();
        assertThat(serverless.endpointConfiguration().initialInstanceCount()).isNull();
        assertThat(serverless.endpointConfiguration().serverlessConfig().memorySizeInMB()).isEqualTo(2048);
        assertThat(serverless.endpointConfiguration().serverlessConfig().maxConcurrency()).isEqualTo(5);
        assertThat(serverless.endpointConfiguration().serverlessConfig().provisionedConcurrency()).isEqualTo(1);
        assertThat(serverless.metrics().cpuUtilization()).isNaN();
        assertThat(serverless.metrics().memoryUtilization()).isNaN();
        assertThat(serverless.metrics().costPerHour()).isEqualTo(0.0f);
        assertThat(serverless.metrics().costPerInference()).isEqualTo(0.0000002f);
        assertThat(serverless.metrics().modelSetupTime()).isEqualTo(1800);
        assertThat(serverless.endpointMetrics()).isNull();
        assertThat(serverless.invocationStartTime()).isEqualTo(EPOCH.plusSeconds(10));
        assertThat(serverless.invocationEndTime()).isEqualTo(EPOCH.plusMillis(239_500));

        InferenceRecommendationsJobStep failed = steps.get(1);
        assertThat(failed.status()).isEqualTo(RecommendationJobStatus.FAILED);
        assertThat(failed.inferenceBenchmark().failureReason()).startsWith("Benchmark failed: the endpoint ran out of memory");
        assertThat(failed.inferenceBenchmark().metrics()).isNull();
        assertThat(failed.inferenceBenchmark().endpointConfiguration().instanceType())
                .isEqualTo(ProductionVariantInstanceType.ML_T2_MEDIUM);
        // a ModelConfiguration is always present (the model requires it)
        assertThat(failed.inferenceBenchmark().modelConfiguration()).isNotNull();
    }

    @Test
    void stepsAppearAndChangeAsTheClockAdvances() {
        String job = "bert-base-ondemand-002";
        assertThat(statuses(job)).containsExactly(RecommendationJobStatus.IN_PROGRESS, RecommendationJobStatus.PENDING);

        clock.advance(Duration.ofSeconds(300));
        assertThat(statuses(job)).containsExactly(RecommendationJobStatus.COMPLETED, RecommendationJobStatus.IN_PROGRESS);
        InferenceRecommendationsJobStep first =
                sm.listInferenceRecommendationsJobSteps(b -> b.jobName(job)).steps().get(0);
        // merged over the first version: configuration kept, metrics added
        assertThat(first.inferenceBenchmark().endpointConfiguration().instanceType())
                .isEqualTo(ProductionVariantInstanceType.ML_C5_XLARGE);
        assertThat(first.inferenceBenchmark().metrics().costPerInference()).isEqualTo(0.0000891f);
        assertThat(first.inferenceBenchmark().invocationStartTime()).isEqualTo(EPOCH);
        assertThat(first.inferenceBenchmark().invocationEndTime()).isEqualTo(EPOCH.plusMillis(299_999));

        clock.set(Duration.ofSeconds(599));
        assertThat(statuses(job)).hasSize(2);
        clock.set(Duration.ofSeconds(600));
        assertThat(statuses(job)).containsExactly(RecommendationJobStatus.COMPLETED, RecommendationJobStatus.IN_PROGRESS,
                RecommendationJobStatus.IN_PROGRESS);
        clock.set(Duration.ofSeconds(1500));
        assertThat(statuses(job)).containsExactly(RecommendationJobStatus.COMPLETED, RecommendationJobStatus.COMPLETED,
                RecommendationJobStatus.COMPLETED, RecommendationJobStatus.COMPLETED);
    }

    @Test
    void describeReturnsTheWholeJob() {
        DescribeInferenceRecommendationsJobResponse d =
                sm.describeInferenceRecommendationsJob(b -> b.jobName("resnet50-nightly-001"));
        assertThat(d.jobName()).isEqualTo("resnet50-nightly-001");
        assertThat(d.jobDescription()).isEqualTo("Nightly ResNet-50 benchmark across CPU and GPU instances");
        assertThat(d.jobType()).isEqualTo(RecommendationJobType.DEFAULT);
        assertThat(d.jobArn()).isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/resnet50-nightly-001");
        assertThat(d.roleArn()).isEqualTo("arn:aws:iam::123456789012:role/service-role/AmazonSageMaker-ExecutionRole-benchlake");
        assertThat(d.status()).isEqualTo(RecommendationJobStatus.COMPLETED);
        assertThat(d.creationTime()).isEqualTo(EPOCH.minusMillis(7_200_125));
        assertThat(d.completionTime()).isEqualTo(EPOCH.minusMillis(1_800_500));
        assertThat(d.lastModifiedTime()).isEqualTo(EPOCH.minusMillis(1_800_500));
        assertThat(d.failureReason()).isNull();
        assertThat(d.inputConfig().modelName()).isEqualTo("resnet50");
        assertThat(d.inputConfig().jobDurationInSeconds()).isEqualTo(7200);
        assertThat(d.inputConfig().trafficPattern().trafficType()).isEqualTo(TrafficType.PHASES);
        assertThat(d.inputConfig().trafficPattern().phases()).singleElement()
                .satisfies(p -> assertThat(p.durationInSeconds()).isEqualTo(120));
        assertThat(d.inputConfig().resourceLimit().maxParallelOfTests()).isEqualTo(2);
        assertThat(d.inputConfig().endpointConfigurations()).hasSize(3);
        assertThat(d.inputConfig().endpointConfigurations().get(2).environmentParameterRanges()
                .categoricalParameterRanges().get(0).value()).containsExactly("1", "2");
        assertThat(d.inputConfig().containerConfig().payloadConfig().samplePayloadUrl())
                .isEqualTo("s3://benchlake-samples/resnet50/payload.tar.gz");
        assertThat(d.stoppingConditions().maxInvocations()).isEqualTo(3000);
        assertThat(d.stoppingConditions().flatInvocations()).isEqualTo(FlatInvocations.STOP);
        assertThat(d.stoppingConditions().modelLatencyThresholds().get(0).valueInMilliseconds()).isEqualTo(100);
        assertThat(d.inferenceRecommendations()).singleElement().satisfies(rec -> {
            assertThat(rec.recommendationId()).isEqualTo("resnet50-nightly-001/c5-xlarge");
            assertThat(rec.metrics().costPerInference()).isEqualTo(0.000123f);
            assertThat(rec.endpointConfiguration().instanceType()).isEqualTo(ProductionVariantInstanceType.ML_C5_XLARGE);
            assertThat(rec.invocationStartTime()).isEqualTo(EPOCH.minusMillis(6_000_250));
        });
        assertThat(d.hasEndpointPerformances()).isFalse();
    }

    @Test
    void describeFillsDefaultsAndFollowsTheClock() {
        DescribeInferenceRecommendationsJobResponse d =
                sm.describeInferenceRecommendationsJob(b -> b.jobName("bert-base-ondemand-002"));
        assertThat(d.status()).isEqualTo(RecommendationJobStatus.IN_PROGRESS);
        assertThat(d.jobType()).isEqualTo(RecommendationJobType.ADVANCED);
        assertThat(d.creationTime()).isEqualTo(EPOCH);
        assertThat(d.lastModifiedTime()).isEqualTo(EPOCH);
        assertThat(d.completionTime()).isNull();
        assertThat(d.roleArn()).startsWith("arn:aws:iam::123456789012:role/");
        assertThat(d.inputConfig().modelPackageVersionArn())
                .isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:model-package/bert-base/3");

        clock.set(Duration.ofMillis(900_250));
        d = sm.describeInferenceRecommendationsJob(b -> b.jobName("bert-base-ondemand-002"));
        // last modified: the latest change of the job or any of its steps in effect (step 4 appeared at 900 s)
        assertThat(d.lastModifiedTime()).isEqualTo(EPOCH.plusSeconds(900));

        clock.set(Duration.ofSeconds(1800));
        d = sm.describeInferenceRecommendationsJob(b -> b.jobName("bert-base-ondemand-002"));
        assertThat(d.status()).isEqualTo(RecommendationJobStatus.COMPLETED);
        assertThat(d.completionTime()).isEqualTo(EPOCH.plusSeconds(1800));
        assertThat(d.lastModifiedTime()).isEqualTo(EPOCH.plusSeconds(1800));
    }

    @Test
    void listJobsReturnsListShapedJobs() {
        List<InferenceRecommendationsJob> jobs = sm.listInferenceRecommendationsJobs(b -> b.maxResults(100))
                .inferenceRecommendationsJobs();
        assertThat(jobs).extracting(InferenceRecommendationsJob::jobName)
                // default order: CreationTime, Descending; ties by name, descending
                .containsExactly("xgboost-serverless-003", "bert-base-ondemand-002", "resnet50-nightly-001");
        InferenceRecommendationsJob resnet = jobs.get(2);
        assertThat(resnet.modelName()).isEqualTo("resnet50");
        assertThat(resnet.samplePayloadUrl()).isEqualTo("s3://benchlake-samples/resnet50/payload.tar.gz");
        assertThat(resnet.status()).isEqualTo(RecommendationJobStatus.COMPLETED);
        assertThat(resnet.creationTime()).isEqualTo(EPOCH.minusMillis(7_200_125));
        assertThat(resnet.completionTime()).isEqualTo(EPOCH.minusMillis(1_800_500));
        assertThat(resnet.jobArn()).endsWith(":inference-recommendations-job/resnet50-nightly-001");
        InferenceRecommendationsJob bert = jobs.get(1);
        assertThat(bert.modelPackageVersionArn()).isEqualTo("arn:aws:sagemaker:us-east-1:123456789012:model-package/bert-base/3");
        assertThat(bert.modelName()).isNull();
        assertThat(bert.jobDescription()).isEqualTo("BERT base, on demand");
        assertThat(bert.roleArn()).isNotBlank();
        assertThat(bert.lastModifiedTime()).isEqualTo(EPOCH);
    }

    @Test
    void wireTimestampsCarryMilliseconds() {
        clock.set(Duration.ofMillis(123_456));
        emulator.updateJobNow("xgboost-serverless-003", "{\"FailureReason\":\"none\"}");
        DescribeInferenceRecommendationsJobResponse d =
                sm.describeInferenceRecommendationsJob(b -> b.jobName("xgboost-serverless-003"));
        assertThat(d.lastModifiedTime()).isEqualTo(EPOCH.plusMillis(123_456));
        assertThat(d.failureReason()).isEqualTo("none");
        assertThat(d.lastModifiedTime().toEpochMilli() / 1000.0).isCloseTo(1767225723.456, within(1e-6));
    }

    private List<RecommendationJobStatus> statuses(String job) {
        return sm.listInferenceRecommendationsJobSteps(b -> b.jobName(job)).steps().stream()
                .map(InferenceRecommendationsJobStep::status).toList();
    }
}
