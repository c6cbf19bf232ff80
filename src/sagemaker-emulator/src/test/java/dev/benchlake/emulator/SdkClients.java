package dev.benchlake.emulator;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;

/** Real AWS SDK v2 clients pointed at an emulator, built the way the connector builds them. */
final class SdkClients {
    private SdkClients() {
    }

    /** The SDK's default retry behaviour. */
    static SageMakerClient client(SageMakerEmulator emulator) {
        return builder(emulator).build();
    }

    /** No retries: every SDK call is exactly one request. */
    static SageMakerClient noRetries(SageMakerEmulator emulator) {
        return builder(emulator)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** The SDK's standard retry strategy with {@code maxAttempts}, but without waiting between attempts. */
    static SageMakerClient retryingImmediately(SageMakerEmulator emulator, int maxAttempts) {
        return builder(emulator)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(maxAttempts)
                        .backoffStrategy(BackoffStrategy.retryImmediately())
                        .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())
                        .build()))
                .build();
    }

    static software.amazon.awssdk.services.sagemaker.SageMakerClientBuilder builder(SageMakerEmulator emulator) {
        return SageMakerClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(emulator.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(30)));
    }
}
