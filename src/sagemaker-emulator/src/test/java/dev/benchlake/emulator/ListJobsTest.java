package dev.benchlake.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.InferenceRecommendationsJob;
import software.amazon.awssdk.services.sagemaker.model.ListInferenceRecommendationsJobsRequest;
import software.amazon.awssdk.services.sagemaker.model.ListInferenceRecommendationsJobsResponse;
import software.amazon.awssdk.services.sagemaker.model.ListInferenceRecommendationsJobsSortBy;
import software.amazon.awssdk.services.sagemaker.model.RecommendationJobStatus;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.sagemaker.model.SortOrder;

/**
 * ListInferenceRecommendationsJobs: filters, sorting, paging. At scenario time 700 s: twelve
 * "alpha" jobs created at 0, 60, ..., 660 s (alpha i completes at 60i+300 s, so 0..6 are COMPLETED)
 * and eight "beta" jobs created at 30, 90, ..., 450 s, all IN_PROGRESS.
 */
class ListJobsTest {
    private ManualClock clock;
    private SageMakerEmulator emulator;
    private SageMakerClient sm;
    private Instant epoch;

    @BeforeEach
    void start() {
        clock = EmulatorClock.manual();
        Scenario scenario = Scenario.builder()
                .jobs(Fixtures.benchmarkJobs("alpha", 12, 2).createdEvery(Duration.ofSeconds(60))
                        .stepDuration(Duration.ofSeconds(300)).modelName("resnet50").build())
                .jobs(Fixtures.benchmarkJobs("beta", 8, 1).startAt(Duration.ofSeconds(30)).createdEvery(Duration.ofSeconds(60))
                        .stepDuration(Duration.ofSeconds(1000)).modelName("bert").build())
                .build();
        epoch = scenario.epoch();
        emulator = SageMakerEmulator.start(scenario, clock);
        sm = SdkClients.noRetries(emulator);
        clock.set(Duration.ofSeconds(700));
    }

    @AfterEach
    void stop() {
        sm.close();
        emulator.close();
    }

    private List<String> names(Consumer<ListInferenceRecommendationsJobsRequest.Builder> request) {
        return sm.listInferenceRecommendationsJobsPaginator(b -> {
            b.maxResults(100);
            request.accept(b);
        }).inferenceRecommendationsJobs().stream().map(InferenceRecommendationsJob::jobName).toList();
    }

    private static List<String> alpha(int... i) {
        return IntStream.of(i).mapToObj(k -> String.format("alpha-%05d", k)).toList();
    }

    private static List<String> beta(int... i) {
        return IntStream.of(i).mapToObj(k -> String.format("beta-%05d", k)).toList();
    }

    @Test
    void defaultOrderIsCreationTimeDescending() {
        List<String> names = names(b -> { });
        assertThat(names).hasSize(20).startsWith("alpha-00011", "alpha-00010", "alpha-00009", "alpha-00008", "beta-00007")
                .endsWith("beta-00000", "alpha-00000");
        List<InferenceRecommendationsJob> jobs = sm.listInferenceRecommendationsJobs(b -> b.maxResults(100))
                .inferenceRecommendationsJobs();
        assertThat(jobs).extracting(InferenceRecommendationsJob::creationTime)
                .isSortedAccordingTo(Comparator.reverseOrder());
        assertThat(jobs.get(0).creationTime()).isEqualTo(epoch.plusSeconds(660));
        assertThat(jobs.get(0).status()).isEqualTo(RecommendationJobStatus.IN_PROGRESS);
        assertThat(jobs.get(0).modelName()).isEqualTo("resnet50");
        assertThat(jobs.get(0).jobDescription()).isEqualTo("Generated benchmark of resnet50");
        assertThat(jobs.get(0).completionTime()).isNull();
        InferenceRecommendationsJob alpha0 = jobs.get(19);
        assertThat(alpha0.status()).isEqualTo(RecommendationJobStatus.COMPLETED);
        assertThat(alpha0.completionTime()).isEqualTo(epoch.plusSeconds(300));
        assertThat(alpha0.lastModifiedTime()).isEqualTo(epoch.plusSeconds(300));
    }

    @Test
    void sortByNameAndStatusBothWays() {
        List<String> all = new ArrayList<>(alpha(IntStream.range(0, 12).toArray()));
        all.addAll(beta(IntStream.range(0, 8).toArray()));
        assertThat(names(b -> b.sortBy(ListInferenceRecommendationsJobsSortBy.NAME).sortOrder(SortOrder.ASCENDING)))
                .containsExactlyElementsOf(all);
        List<String> reversed = new ArrayList<>(all);
        java.util.Collections.reverse(reversed);
        assertThat(names(b -> b.sortBy(ListInferenceRecommendationsJobsSortBy.NAME))).containsExactlyElementsOf(reversed);

        List<String> byStatus = new ArrayList<>(alpha(0, 1, 2, 3, 4, 5, 6));          // COMPLETED
        byStatus.addAll(alpha(7, 8, 9, 10, 11));                                       // IN_PROGRESS, by name
        byStatus.addAll(beta(0, 1, 2, 3, 4, 5, 6, 7));
        assertThat(names(b -> b.sortBy(ListInferenceRecommendationsJobsSortBy.STATUS).sortOrder(SortOrder.ASCENDING)))
                .containsExactlyElementsOf(byStatus);
        assertThat(names(b -> b.sortBy(ListInferenceRecommendationsJobsSortBy.CREATION_TIME).sortOrder(SortOrder.ASCENDING)))
                .startsWith("alpha-00000", "beta-00000", "alpha-00001", "beta-00001");
    }

    @Test
    void filters() {
        assertThat(names(b -> b.statusEquals(RecommendationJobStatus.COMPLETED).sortBy("Name").sortOrder("Ascending")))
                .containsExactlyElementsOf(alpha(0, 1, 2, 3, 4, 5, 6));
        assertThat(names(b -> b.statusEquals(RecommendationJobStatus.FAILED))).isEmpty();
        // NameContains is case-insensitive
        assertThat(names(b -> b.nameContains("BETA-0000"))).hasSize(8).allMatch(n -> n.startsWith("beta-"));
        assertThat(names(b -> b.nameContains("a-00011"))).containsExactly("alpha-00011");
        assertThat(names(b -> b.modelNameEquals("bert"))).hasSize(8).allMatch(n -> n.startsWith("beta-"));
        assertThat(names(b -> b.modelNameEquals("Bert"))).isEmpty();
        // times are exclusive bounds
        Instant at300 = epoch.plusSeconds(300);
        assertThat(names(b -> b.creationTimeAfter(at300).sortBy("Name").sortOrder("Ascending")))
                .containsExactlyElementsOf(concat(alpha(6, 7, 8, 9, 10, 11), beta(5, 6, 7)));
        assertThat(names(b -> b.creationTimeBefore(at300).sortBy("Name").sortOrder("Ascending")))
                .containsExactlyElementsOf(concat(alpha(0, 1, 2, 3, 4), beta(0, 1, 2, 3, 4)));
        assertThat(names(b -> b.creationTimeAfter(at300.minusMillis(1)).creationTimeBefore(at300.plusMillis(1))))
                .containsExactly("alpha-00005");
        // last modified: alpha i at 60i+300 s when completed (i <= 6), else at creation; beta at creation
        Instant at600 = epoch.plusSeconds(600);
        assertThat(names(b -> b.lastModifiedTimeAfter(at600).sortBy("Name").sortOrder("Ascending")))
                .containsExactly("alpha-00006", "alpha-00011");
        assertThat(names(b -> b.lastModifiedTimeBefore(epoch.plusSeconds(100)).sortBy("Name").sortOrder("Ascending")))
                .containsExactly("beta-00000", "beta-00001");
        // combined
        assertThat(names(b -> b.nameContains("alpha").statusEquals("IN_PROGRESS").creationTimeBefore(epoch.plusSeconds(500))))
                .containsExactly("alpha-00008", "alpha-00007");
        // filters follow the clock
        clock.set(Duration.ofSeconds(2000));
        assertThat(names(b -> b.statusEquals(RecommendationJobStatus.COMPLETED))).hasSize(20);
        clock.set(Duration.ofSeconds(29));
        assertThat(names(b -> { })).containsExactly("alpha-00000");
    }

    @Test
    void modelPackageFilterOnTheFixture() {
        try (SageMakerEmulator e = SageMakerEmulator.start(Scenario.fromResource("scenarios/three-jobs.json"), clock);
             SageMakerClient c = SdkClients.noRetries(e)) {
            assertThat(c.listInferenceRecommendationsJobs(b -> b.modelPackageVersionArnEquals(
                    "arn:aws:sagemaker:us-east-1:123456789012:model-package/bert-base/3")).inferenceRecommendationsJobs())
                    .extracting(InferenceRecommendationsJob::jobName).containsExactly("bert-base-ondemand-002");
            assertThat(c.listInferenceRecommendationsJobs(b -> b.modelNameEquals("xgboost-churn")).inferenceRecommendationsJobs())
                    .extracting(InferenceRecommendationsJob::jobName).containsExactly("xgboost-serverless-003");
        }
    }

    @Test
    void pagingCoversEveryJobExactlyOnceForEverySort() {
        for (String sortBy : List.of("Name", "CreationTime", "Status")) {
            for (String order : List.of("Ascending", "Descending")) {
                List<String> onePage = names(b -> b.sortBy(sortBy).sortOrder(order));
                for (int max = 1; max <= 21; max++) {
                    int m = max;
                    List<String> paged = new ArrayList<>();
                    String token = null;
                    do {
                        String t = token;
                        ListInferenceRecommendationsJobsResponse r = sm.listInferenceRecommendationsJobs(
                                b -> b.sortBy(sortBy).sortOrder(order).maxResults(m).nextToken(t));
                        assertThat(r.inferenceRecommendationsJobs().size()).isLessThanOrEqualTo(m);
                        r.inferenceRecommendationsJobs().forEach(j -> paged.add(j.jobName()));
                        token = r.nextToken();
                    } while (token != null);
                    assertThat(paged).as("%s %s MaxResults=%d", sortBy, order, m).containsExactlyElementsOf(onePage);
                }
            }
        }
    }

    @Test
    void aJobCreatedDuringPagingCausesNoDuplicateNorGap() {
        ListInferenceRecommendationsJobsResponse first = sm.listInferenceRecommendationsJobs(b -> b.maxResults(5));
        emulator.addJob(ScenarioJob.builder("gamma-new").version(clock.now(), "{\"Status\":\"PENDING\"}").build());
        List<String> seen = new ArrayList<>(first.inferenceRecommendationsJobs().stream().map(InferenceRecommendationsJob::jobName).toList());
        String token = first.nextToken();
        while (token != null) {
            String t = token;
            ListInferenceRecommendationsJobsResponse r = sm.listInferenceRecommendationsJobs(b -> b.maxResults(5).nextToken(t));
            r.inferenceRecommendationsJobs().forEach(j -> seen.add(j.jobName()));
            token = r.nextToken();
        }
        assertThat(seen).hasSize(20).doesNotHaveDuplicates().doesNotContain("gamma-new");
        assertThat(names(b -> { })).first().isEqualTo("gamma-new");
    }

    @Test
    void defaultPageSizeAndTokenBinding() {
        ListInferenceRecommendationsJobsResponse r = sm.listInferenceRecommendationsJobs(b -> b.sortBy("Name"));
        assertThat(r.inferenceRecommendationsJobs()).hasSize(InferenceRecommenderApi.DEFAULT_MAX_RESULTS);
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobs(b -> b.sortBy("Status").nextToken(r.nextToken())))
                .isInstanceOfSatisfying(SageMakerException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).startsWith("Invalid NextToken");
                });
        assertThat(sm.listInferenceRecommendationsJobs(b -> b.sortBy("Name").nextToken(r.nextToken())).inferenceRecommendationsJobs())
                .hasSize(10).first().extracting(InferenceRecommendationsJob::jobName).isEqualTo("alpha-00009");
    }

    @Test
    void emptyPagesAndTokenTtlApplyToJobListingsToo() {
        emulator.faults().seed(5).emptyPageRate(0.5);
        List<String> all = names(b -> b.maxResults(3));
        assertThat(all).hasSize(20).doesNotHaveDuplicates();
        assertThat(emulator.count(InferenceRecommenderApi.LIST_JOBS)).isGreaterThan(7);

        emulator.faults().emptyPageRate(0).tokenTtlSeconds(10L);
        String token = sm.listInferenceRecommendationsJobs(b -> b.maxResults(3)).nextToken();
        clock.advance(Duration.ofSeconds(11));
        assertThatThrownBy(() -> sm.listInferenceRecommendationsJobs(b -> b.maxResults(3).nextToken(token)))
                .isInstanceOfSatisfying(SageMakerException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Invalid NextToken: the token has expired"));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
