package dev.benchlake.api;

/** The three SageMaker operations Benchlake calls; AWS limits the rate of each one separately. */
public enum ApiOperation {
    DESCRIBE("DescribeInferenceRecommendationsJob"),
    LIST_STEPS("ListInferenceRecommendationsJobSteps"),
    LIST_JOBS("ListInferenceRecommendationsJobs");

    private final String awsName;

    ApiOperation(String awsName) {
        this.awsName = awsName;
    }

    /** The operation's name in AWS's API (and in IAM actions, after {@code sagemaker:}). */
    public String awsName() {
        return awsName;
    }
}
