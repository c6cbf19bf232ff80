package dev.benchlake.sagemaker;

import java.time.Instant;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.ListInferenceRecommendationsJobStepsRequest;
import software.amazon.awssdk.services.sagemaker.model.ListInferenceRecommendationsJobStepsResponse;
import software.amazon.awssdk.services.sagemaker.model.ListInferenceRecommendationsJobsRequest;
import software.amazon.awssdk.services.sagemaker.model.ListInferenceRecommendationsJobsResponse;
import software.amazon.awssdk.services.sagemaker.model.ListInferenceRecommendationsJobsSortBy;
import software.amazon.awssdk.services.sagemaker.model.SortOrder;

import dev.benchlake.api.JobFilter;
import dev.benchlake.api.JobObservation;
import dev.benchlake.api.RecommenderApi;
import dev.benchlake.config.BenchlakeSourceConfig;

/** {@link RecommenderApi} on the AWS SDK for Java v2. */
public final class SdkRecommenderApi implements RecommenderApi {

    static final String DESCRIBE = "DescribeInferenceRecommendationsJob";
    static final String LIST_STEPS = "ListInferenceRecommendationsJobSteps";
    static final String LIST_JOBS = "ListInferenceRecommendationsJobs";

    private final SageMakerClient client;
    /** The Date headers of the client's answers; null when the client was built without {@link ServerDates}. */
    private final ServerDates dates;

    public SdkRecommenderApi(SageMakerClient client) {
        this(client, null);
    }

    SdkRecommenderApi(SageMakerClient client, ServerDates dates) {
        this.client = client;
        this.dates = dates;
    }

    public static SdkRecommenderApi create(BenchlakeSourceConfig config) {
        ServerDates dates = new ServerDates();
        return new SdkRecommenderApi(SageMakerClientFactory.create(config, dates), dates);
    }

    @Override
    public Instant serverDate() {
        return dates == null ? null : dates.latest();
    }

    @Override
    public JobObservation describeJob(String jobName) {
        try {
            return SdkMapping.job(client.describeInferenceRecommendationsJob(r -> r.jobName(jobName)));
        } catch (SdkException e) {
            throw ApiErrorClassifier.classify(DESCRIBE, false, e);
        }
    }

    @Override
    public StepPage listSteps(String jobName, String statusFilter, int maxResults, String nextToken) {
        ListInferenceRecommendationsJobStepsRequest.Builder request = ListInferenceRecommendationsJobStepsRequest.builder()
                .jobName(jobName).maxResults(maxResults).nextToken(nextToken);
        if (statusFilter != null) {
            request.status(statusFilter);
        }
        try {
            ListInferenceRecommendationsJobStepsResponse response = client.listInferenceRecommendationsJobSteps(request.build());
            return new StepPage(response.steps().stream().map(SdkMapping::step).toList(), response.nextToken());
        } catch (SdkException e) {
            throw ApiErrorClassifier.classify(LIST_STEPS, nextToken != null, e);
        }
    }

    @Override
    public JobPage listJobs(JobFilter filter, Instant modifiedAfter, int maxResults, String nextToken) {
        ListInferenceRecommendationsJobsRequest.Builder request = ListInferenceRecommendationsJobsRequest.builder()
                .sortBy(ListInferenceRecommendationsJobsSortBy.CREATION_TIME).sortOrder(SortOrder.ASCENDING)
                .maxResults(maxResults).nextToken(nextToken)
                .nameContains(filter.nameContains()).statusEquals(filter.status())
                .modelNameEquals(filter.modelName()).modelPackageVersionArnEquals(filter.modelPackageVersionArn())
                .creationTimeAfter(filter.createdAfter()).lastModifiedTimeAfter(modifiedAfter);
        try {
            ListInferenceRecommendationsJobsResponse response = client.listInferenceRecommendationsJobs(request.build());
            return new JobPage(response.inferenceRecommendationsJobs().stream().map(SdkMapping::job).toList(),
                    response.nextToken());
        } catch (SdkException e) {
            throw ApiErrorClassifier.classify(LIST_JOBS, nextToken != null, e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
