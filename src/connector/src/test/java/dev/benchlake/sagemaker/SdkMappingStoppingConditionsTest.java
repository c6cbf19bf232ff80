package dev.benchlake.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceRecommendationsJobResponse;
import software.amazon.awssdk.services.sagemaker.model.ModelLatencyThreshold;
import software.amazon.awssdk.services.sagemaker.model.Phase;
import software.amazon.awssdk.services.sagemaker.model.RecommendationJobInputConfig;
import software.amazon.awssdk.services.sagemaker.model.RecommendationJobStoppingConditions;
import software.amazon.awssdk.services.sagemaker.model.TrafficPattern;

import dev.benchlake.api.JobObservation;

/**
 * DescribeInferenceRecommendationsJob's StoppingConditions, mapped as AWS's model has them: MaxInvocations,
 * ModelLatencyThresholds (Percentile, ValueInMilliseconds), FlatInvocations, every member optional.
 */
class SdkMappingStoppingConditionsTest {

    private static DescribeInferenceRecommendationsJobResponse.Builder describe() {
        return DescribeInferenceRecommendationsJobResponse.builder().jobName("nightly-1").jobType("Default")
                .status("COMPLETED").creationTime(Instant.parse("2026-01-05T01:59:00Z"))
                .inputConfig(RecommendationJobInputConfig.builder().modelName("resnet50").jobDurationInSeconds(7200)
                        .trafficPattern(TrafficPattern.builder().trafficType("PHASES").phases(Phase.builder()
                                .initialNumberOfUsers(1).spawnRate(1).durationInSeconds(120).build()).build())
                        .build());
    }

    @Test
    void everyMemberInTheModelsOrder() {
        JobObservation job = SdkMapping.job(describe().stoppingConditions(RecommendationJobStoppingConditions.builder()
                .flatInvocations("Continue").maxInvocations(3000)
                .modelLatencyThresholds(ModelLatencyThreshold.builder().valueInMilliseconds(100).percentile("P95").build())
                .build()).build());
        assertThat(job.inputConfig().stoppingConditions()).isEqualTo("{\"MaxInvocations\":3000,\"ModelLatencyThresholds\":"
                + "[{\"Percentile\":\"P95\",\"ValueInMilliseconds\":100}],\"FlatInvocations\":\"Continue\"}");
        assertThat(job.inputConfig().jobDurationSeconds()).isEqualTo(7200);
        assertThat(job.inputConfig().trafficPattern()).isEqualTo("{\"TrafficType\":\"PHASES\",\"Phases\":"
                + "[{\"InitialNumberOfUsers\":1,\"SpawnRate\":1,\"DurationInSeconds\":120}]}");
    }

    @Test
    void absentMembersAreLeftOut() {
        assertThat(SdkMapping.job(describe().stoppingConditions(RecommendationJobStoppingConditions.builder()
                .maxInvocations(1000).build()).build()).inputConfig().stoppingConditions())
                .isEqualTo("{\"MaxInvocations\":1000}");
        assertThat(SdkMapping.job(describe().stoppingConditions(RecommendationJobStoppingConditions.builder()
                .modelLatencyThresholds(ModelLatencyThreshold.builder().percentile("P99").build()).build()).build())
                .inputConfig().stoppingConditions())
                .isEqualTo("{\"ModelLatencyThresholds\":[{\"Percentile\":\"P99\"}]}");
        assertThat(SdkMapping.job(describe().stoppingConditions(RecommendationJobStoppingConditions.builder()
                .flatInvocations("Stop").build()).build()).inputConfig().stoppingConditions())
                .isEqualTo("{\"FlatInvocations\":\"Stop\"}");
        assertThat(SdkMapping.job(describe().stoppingConditions(RecommendationJobStoppingConditions.builder().build())
                .build()).inputConfig().stoppingConditions()).as("present, with no member").isEqualTo("{}");
    }

    @Test
    void anAnswerWithoutStoppingConditionsHasNone() {
        JobObservation job = SdkMapping.job(describe().build());
        assertThat(job.inputConfig().stoppingConditions()).isNull();
        assertThat(job.inputConfig().jobDurationSeconds()).isEqualTo(7200);

        JobObservation bare = SdkMapping.job(describe().inputConfig((RecommendationJobInputConfig) null).build());
        assertThat(bare.inputConfig()).isNull();
        JobObservation onlyConditions = SdkMapping.job(describe().inputConfig((RecommendationJobInputConfig) null)
                .stoppingConditions(RecommendationJobStoppingConditions.builder().maxInvocations(5).build()).build());
        assertThat(onlyConditions.inputConfig()).isEqualTo(
                new JobObservation.InputConfig(null, null, null, "{\"MaxInvocations\":5}"));
    }

    @Test
    void aValueNewerThanTheSdkArrivesAsSent() {
        assertThat(SdkMapping.job(describe().stoppingConditions(RecommendationJobStoppingConditions.builder()
                .flatInvocations("Pause").build()).build()).inputConfig().stoppingConditions())
                .isEqualTo("{\"FlatInvocations\":\"Pause\"}");
    }
}
