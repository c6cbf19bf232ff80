package dev.benchlake.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.InferenceRecommendationsJobStep;
import software.amazon.awssdk.services.sagemaker.model.ListInferenceRecommendationsJobStepsRequest;
import software.amazon.awssdk.services.sagemaker.model.ListInferenceRecommendationsJobStepsResponse;
import software.amazon.awssdk.services.sagemaker.model.RecommendationJobStatus;
import software.amazon.awssdk.services.sagemaker.model.RecommendationStepType;
import software.amazon.awssdk.services.sagemaker.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/** Paging of ListInferenceRecommendationsJobSteps, and the NextToken faults. */
class StepPagingTest {
    private static final String JOB = "paging-00000";
    private static final int STEPS = 37;

    private ManualClock clock;
    private SageMakerEmulator emulator;
    private SageMakerClient sm;

    @BeforeEach
    void start() {
        clock = EmulatorClock.manual();
        Scenario scenario = Scenario.builder()
                .jobs(Fixtures.benchmarkJobs("paging", 2, STEPS).failEvery(5).build())
                .build();
        emulator = SageMakerEmulator.start(scenario, clock);
        sm = SdkClients.noRetries(emulator);
    }

    @AfterEach
    void stop() {
        sm.close();
        emulator.close();
    }

    private static List<String> expectedNames() {
        return IntStream.range(0, STEPS).mapToObj(k -> "sm-epc-" + JOB + "-" + k).toList();
    }

    private static String endpointName(InferenceRecommendationsJobStep s) {
        return s.inferenceBenchmark().endpointConfiguration().endpointName();
    }

    /** Follows NextToken by hand, returning the endpoint names in the order seen. */
    private List<String> listAll(ListInferenceRecommendationsJobStepsRequest first) {
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            ListInferenceRecommendationsJobStepsResponse r =
                    sm.listInferenceRecommendationsJobSteps(first.toBuilder().nextToken(token).build());
            r.steps().forEach(s -> seen.add(endpointName(s)));
            token = r.nextToken();
            assertThat(++pages).as("pages").isLessThan(1000);
        } while (token != null);
        return seen;
    }

    @Test
    void everyMaxResultsFrom1To100CoversEveryStepExactlyOnce() {
        for (int max = 1; max <= 100; max++) {
            int m = max;
            emulator.resetCounters();
            List<String> seen = listAll(ListInferenceRecommendationsJobStepsRequest.builder().jobName(JOB).maxResults(m).build());
            assertThat(seen).as("MaxResults=%d", m).containsExactlyElementsOf(expectedNames());
            int pages = (STEPS + m - 1) / m;
            assertThat(emulator.count(InferenceRecommenderApi.LIST_STEPS, JOB)).as("requests for MaxResults=%d", m).isEqualTo(pages);
            assertThat(emulator.stepsRequests()).allSatisfy(r -> assertThat(r.stepCount()).isLessThanOrEqualTo(m));
        }
    }

    @Test
    void defaultPageSizeIsTen() {
        ListInferenceRecommendationsJobStepsResponse r = sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB));
        assertThat(r.steps()).hasSize(InferenceRecommenderApi.DEFAULT_MAX_RESULTS);
        assertThat(r.nextToken()).isNotBlank();
    }

    @Test
    void theSdkPaginatorSeesEveryStep() {
        List<String> seen = sm.listInferenceRecommendationsJobStepsPaginator(b -> b.jobName(JOB).maxResults(7)).steps()
                .stream().map(StepPagingTest::endpointName).toList();
        assertThat(seen).containsExactlyElementsOf(expectedNames());
        assertThat(emulator.count(InferenceRecommenderApi.LIST_STEPS)).isEqualTo(6);
    }

    @Test
    void statusAndStepTypeFiltersPage() {
        clock.advance(Duration.ofSeconds(1));
        List<InferenceRecommendationsJobStep> failed = sm.listInferenceRecommendationsJobStepsPaginator(
                b -> b.jobName(JOB).status(RecommendationJobStatus.FAILED).stepType(RecommendationStepType.BENCHMARK).maxResults(2))
                .steps().stream().toList();
        // failEvery(5) counts steps from 1 across jobs: steps 4, 9, 14, ... of the first job
        assertThat(failed).extracting(StepPagingTest::endpointName)
                .containsExactly(IntStream.of(4, 9, 14, 19, 24, 29, 34).mapToObj(k -> "sm-epc-" + JOB + "-" + k).toArray(String[]::new));
        assertThat(failed).allSatisfy(s -> {
            assertThat(s.status()).isEqualTo(RecommendationJobStatus.FAILED);
            assertThat(s.inferenceBenchmark().failureReason()).isNotBlank();
        });
        List<InferenceRecommendationsJobStep> completed = sm.listInferenceRecommendationsJobStepsPaginator(
                b -> b.jobName(JOB).status(RecommendationJobStatus.COMPLETED).maxResults(100)).steps().stream().toList();
        assertThat(completed).hasSize(STEPS - 7);
        assertThat(sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).status(RecommendationJobStatus.PENDING)).steps())
                .isEmpty();
    }

    @Test
    void aTokenIsBoundToItsJobAndFilters() {
        String token = sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).maxResults(5)).nextToken();
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName("paging-00001").nextToken(token)))
                .isInstanceOfSatisfying(SageMakerException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).startsWith("Invalid NextToken");
                });
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobSteps(
                b -> b.jobName(JOB).status(RecommendationJobStatus.COMPLETED).nextToken(token)))
                .isInstanceOfSatisfying(SageMakerException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException"));
        String tampered = token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA");
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).nextToken(tampered)))
                .isInstanceOfSatisfying(SageMakerException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                });
        assertThat(sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).maxResults(5).nextToken(token)).steps())
                .extracting(StepPagingTest::endpointName).first().isEqualTo("sm-epc-" + JOB + "-5");
    }

    @Test
    void anExpiredTokenIsRefused() {
        emulator.faults().tokenTtlSeconds(60L);
        String token = sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).maxResults(5)).nextToken();
        clock.advance(Duration.ofSeconds(60));
        // exactly at the TTL: still good
        ListInferenceRecommendationsJobStepsResponse ok =
                sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).maxResults(5).nextToken(token));
        assertThat(ok.steps()).hasSize(5);
        clock.advance(Duration.ofMillis(1));
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).maxResults(5).nextToken(token)))
                .isInstanceOfSatisfying(SageMakerException.class, e -> {
                    assertThat(e).isNotInstanceOf(ResourceNotFoundException.class);
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Invalid NextToken: the token has expired");
                });
        // a token issued later has its own age
        String fresh = ok.nextToken();
        clock.advance(Duration.ofSeconds(59));
        assertThat(sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).maxResults(5).nextToken(fresh)).steps()).hasSize(5);

        List<SageMakerEmulator.StepsRequest> log = emulator.stepsRequests();
        assertThat(log).extracting(SageMakerEmulator.StepsRequest::tokenStatus).containsExactly(
                SageMakerEmulator.TokenStatus.NONE, SageMakerEmulator.TokenStatus.ACCEPTED,
                SageMakerEmulator.TokenStatus.REJECTED, SageMakerEmulator.TokenStatus.ACCEPTED);
        assertThat(log.get(2).nextTokenReceived()).isEqualTo(token);
        assertThat(log.get(2).outcome()).isEqualTo(Outcome.VALIDATION);
        assertThat(log.get(3).nextTokenReceived()).isEqualTo(fresh);
        assertThat(log.get(1).nextTokenReturned()).isEqualTo(fresh);
    }

    @Test
    void aTokenUsedTooOftenIsRefused() {
        emulator.faults().tokenMaxUses(2);
        String token = sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).maxResults(5)).nextToken();
        for (int i = 0; i < 2; i++) {
            assertThat(sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).maxResults(5).nextToken(token)).steps())
                    .hasSize(5);
        }
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).maxResults(5).nextToken(token)))
                .isInstanceOfSatisfying(SageMakerException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).startsWith("Invalid NextToken");
                });
        assertThat(emulator.count(InferenceRecommenderApi.LIST_STEPS, Outcome.VALIDATION)).isEqualTo(1);
        assertThat(emulator.count(InferenceRecommenderApi.LIST_STEPS, Outcome.OK)).isEqualTo(3);
    }

    @Test
    void emptyPagesCarryATokenAndTheListingContinues() {
        emulator.faults().seed(7).emptyPageRate(0.5);
        List<String> seen = listAll(ListInferenceRecommendationsJobStepsRequest.builder().jobName(JOB).maxResults(4).build());
        assertThat(seen).containsExactlyElementsOf(expectedNames());
        List<SageMakerEmulator.StepsRequest> log = emulator.stepsRequests();
        assertThat(log).filteredOn(r -> r.stepCount() == 0).isNotEmpty()
                .allSatisfy(r -> assertThat(r.nextTokenReturned()).isNotNull());
        assertThat(log).hasSizeGreaterThan(10); // 10 pages of content plus the empty ones
    }

    @Test
    void repeatedTokensGiveNonProgressingPages() {
        emulator.faults().seed(3).tokenRepeatRate(0.4);
        List<String> seen = listAll(ListInferenceRecommendationsJobStepsRequest.builder().jobName(JOB).maxResults(4).build());
        List<SageMakerEmulator.StepsRequest> log = emulator.stepsRequests();
        List<SageMakerEmulator.StepsRequest> repeats = log.stream()
                .filter(r -> r.nextTokenReceived() != null && r.nextTokenReceived().equals(r.nextTokenReturned())).toList();
        assertThat(repeats).isNotEmpty();
        // same content again: duplicates, but nothing missing and order kept once de-duplicated
        assertThat(seen).hasSize(STEPS + repeats.stream().mapToInt(SageMakerEmulator.StepsRequest::stepCount).sum());
        assertThat(new LinkedHashSet<>(seen)).containsExactlyElementsOf(expectedNames());
    }

    @Test
    void shuffledPassesDifferInOrderButCoverEverything() {
        emulator.faults().shuffleSteps(true);
        ListInferenceRecommendationsJobStepsRequest req =
                ListInferenceRecommendationsJobStepsRequest.builder().jobName(JOB).maxResults(6).build();
        List<String> first = listAll(req);
        List<String> second = listAll(req);
        assertThat(first).containsExactlyInAnyOrderElementsOf(expectedNames());
        assertThat(second).containsExactlyInAnyOrderElementsOf(expectedNames());
        assertThat(first).isNotEqualTo(second).isNotEqualTo(expectedNames());
    }

    @Test
    void stepsThatAppearLaterJoinTheListing() {
        Scenario scenario = emulator.scenario();
        scenario.addJob(ScenarioJob.builder("growing")
                .at(0, "{\"Status\":\"IN_PROGRESS\"}")
                .step(ScenarioStep.builder().at(0, step("a")).build())
                .step(ScenarioStep.builder().at(100, step("b")).build())
                .step(ScenarioStep.builder().at(50, step("c")).build())
                .build());
        assertThat(names("growing")).containsExactly("a");
        clock.set(Duration.ofSeconds(50));
        assertThat(names("growing")).containsExactly("a", "c");
        clock.set(Duration.ofSeconds(100));
        assertThat(names("growing")).containsExactly("a", "b", "c");
        emulator.addStepNow("growing", step("d"));
        assertThat(names("growing")).containsExactly("a", "b", "c", "d");
        emulator.updateStepNow("growing", 0, "{\"Status\":\"STOPPED\"}");
        assertThat(sm.listInferenceRecommendationsJobSteps(b -> b.jobName("growing").status(RecommendationJobStatus.STOPPED))
                .steps()).extracting(StepPagingTest::endpointName).containsExactly("a");
    }

    @Test
    void aJobDeletedDuringPagingAnswersResourceNotFound() {
        String token = sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).maxResults(5)).nextToken();
        emulator.deleteJob(JOB);
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB).maxResults(5).nextToken(token)))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFound");
                });
        assertThat(emulator.stepsRequests().get(1).tokenStatus()).isEqualTo(SageMakerEmulator.TokenStatus.NOT_EVALUATED);
    }

    private List<String> names(String job) {
        return sm.listInferenceRecommendationsJobSteps(b -> b.jobName(job)).steps().stream()
                .map(StepPagingTest::endpointName).toList();
    }

    private static String step(String endpointName) {
        return "{\"StepType\":\"BENCHMARK\",\"Status\":\"IN_PROGRESS\",\"InferenceBenchmark\":{\"EndpointConfiguration\":"
                + "{\"EndpointName\":\"" + endpointName + "\",\"VariantName\":\"AllTraffic\",\"InstanceType\":\"ml.m5.large\"}}}";
    }
}
