package dev.benchlake.sagemaker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.config.ConfigException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.SageMakerClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.config.CredentialsMode;
import dev.benchlake.config.Version;

/** Owns region, credentials, HTTP client, retries, timeouts and endpoint override of the SageMaker client. */
public final class SageMakerClientFactory {

    /**
     * The SDK retries once inside a call (a dropped connection, a 5xx); anything longer is the task's scheduler backing
     * the job off, so that poll() stays short and stop() prompt.
     */
    static final int SDK_MAX_ATTEMPTS = 2;

    private SageMakerClientFactory() {
    }

    /** Cross-field checks of the credential settings; each message names the keys involved. */
    public static List<String> credentialProblems(BenchlakeSourceConfig config) {
        List<String> problems = new ArrayList<>();
        CredentialsMode mode = config.credentialsMode();
        boolean keyId = config.accessKeyId().isPresent();
        boolean secret = config.secretAccessKey().isPresent();
        if (keyId != secret) {
            problems.add(BenchlakeSourceConfig.ACCESS_KEY_ID + " and " + BenchlakeSourceConfig.SECRET_ACCESS_KEY
                    + " must be set together");
        }
        if (config.sessionToken().isPresent() && !keyId) {
            problems.add(BenchlakeSourceConfig.SESSION_TOKEN + " needs " + BenchlakeSourceConfig.ACCESS_KEY_ID
                    + " and " + BenchlakeSourceConfig.SECRET_ACCESS_KEY);
        }
        switch (mode) {
            case STATIC -> {
                if (!keyId || !secret) {
                    problems.add(BenchlakeSourceConfig.CREDENTIALS_PROVIDER + "=static needs "
                            + BenchlakeSourceConfig.ACCESS_KEY_ID + " and " + BenchlakeSourceConfig.SECRET_ACCESS_KEY);
                }
            }
            case PROFILE -> {
                if (config.profileName().isEmpty()) {
                    problems.add(BenchlakeSourceConfig.CREDENTIALS_PROVIDER + "=profile needs "
                            + BenchlakeSourceConfig.PROFILE_NAME);
                }
            }
            case ASSUME_ROLE -> {
                if (config.roleArn().isEmpty()) {
                    problems.add(BenchlakeSourceConfig.CREDENTIALS_PROVIDER + "=assume-role needs "
                            + BenchlakeSourceConfig.ROLE_ARN);
                }
            }
            case DEFAULT -> {
                if (keyId || secret) {
                    problems.add(BenchlakeSourceConfig.ACCESS_KEY_ID + "/" + BenchlakeSourceConfig.SECRET_ACCESS_KEY
                            + " are set but " + BenchlakeSourceConfig.CREDENTIALS_PROVIDER
                            + "=default ignores them: use " + BenchlakeSourceConfig.CREDENTIALS_PROVIDER + "=static");
                }
            }
        }
        if (mode != CredentialsMode.PROFILE && config.profileName().isPresent()) {
            problems.add(BenchlakeSourceConfig.PROFILE_NAME + " is set but " + BenchlakeSourceConfig.CREDENTIALS_PROVIDER
                    + " is " + mode.configValue() + ": use " + BenchlakeSourceConfig.CREDENTIALS_PROVIDER + "=profile");
        }
        if (mode != CredentialsMode.ASSUME_ROLE && (config.roleArn().isPresent() || config.externalId().isPresent())) {
            problems.add(BenchlakeSourceConfig.ROLE_ARN + "/" + BenchlakeSourceConfig.EXTERNAL_ID + " are set but "
                    + BenchlakeSourceConfig.CREDENTIALS_PROVIDER + " is " + mode.configValue()
                    + ": use " + BenchlakeSourceConfig.CREDENTIALS_PROVIDER + "=assume-role");
        }
        return problems;
    }

    /** A client ready to call SageMaker; the caller closes it. */
    public static SageMakerClient create(BenchlakeSourceConfig config) {
        return create(config, (ServerDates) null);
    }

    /** A client ready to call SageMaker whose answers' Date headers {@code dates} keeps (null: none kept). */
    static SageMakerClient create(BenchlakeSourceConfig config, ServerDates dates) {
        List<String> problems = credentialProblems(config);
        config.endpointProblem().ifPresent(problems::add);
        if (!problems.isEmpty()) {
            throw new ConfigException(String.join("; ", problems));
        }
        return create(config, credentials(config, Region.of(config.region())), dates);
    }

    /** A client with the given credentials (the caller has resolved them already); the caller closes it. */
    static SageMakerClient create(BenchlakeSourceConfig config, AwsCredentialsProvider credentials) {
        return create(config, credentials, null);
    }

    private static SageMakerClient create(BenchlakeSourceConfig config, AwsCredentialsProvider credentials,
            ServerDates dates) {
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .apiCallTimeout(config.apiCallTimeout())
                .retryStrategy(retryStrategy())
                .putAdvancedOption(software.amazon.awssdk.core.client.config.SdkAdvancedClientOption.USER_AGENT_SUFFIX,
                        "benchlake/" + Version.get());
        if (dates != null) {
            override.addExecutionInterceptor(dates);
        }
        Region region = Region.of(config.region());
        SageMakerClientBuilder builder = SageMakerClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClientBuilder(ApacheHttpClient.builder())
                .overrideConfiguration(override.build());
        config.endpointOverride().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /**
     * The SDK's own retries, without throttling. A throttled request retried by the SDK goes out at the SDK's pace,
     * outside the task's rate budget, and lands on the account's quota again: measured against a token bucket, each
     * throttled call was sent twice, and held a call thread for the SDK's throttling backoff (about 2 s). A throttled
     * call therefore comes straight back, and the task's budget slows that operation down instead.
     */
    static RetryStrategy retryStrategy() {
        return DefaultRetryStrategy.standardStrategyBuilder()
                .maxAttempts(SDK_MAX_ATTEMPTS)
                .retryOnException(SageMakerClientFactory::retriedBySdk)
                // the connector's budget decides how much to send; the SDK's circuit breaker would second-guess it
                .circuitBreakerEnabled(false)
                // else the client adds AWS's default conditions, throttling among them
                .useClientDefaults(false)
                .build();
    }

    /** A fault of the moment that one more request may get past: a 5xx, a clock skew, a dropped connection. */
    static boolean retriedBySdk(Throwable t) {
        if (t instanceof SdkServiceException e) {
            return !e.isThrottlingException() && (e.statusCode() >= 500 || e.isClockSkewException());
        }
        if (t instanceof ApiCallAttemptTimeoutException) {
            return true;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    static AwsCredentialsProvider credentials(BenchlakeSourceConfig config, Region region) {
        return switch (config.credentialsMode()) {
            case DEFAULT -> DefaultCredentialsProvider.builder().build();
            case STATIC -> staticKeys(config);
            case PROFILE -> ProfileCredentialsProvider.builder().profileName(config.profileName().orElseThrow()).build();
            case ASSUME_ROLE -> {
                AwsCredentialsProvider base = config.accessKeyId().isPresent()
                        ? staticKeys(config) : DefaultCredentialsProvider.builder().build();
                StsClient sts = StsClient.builder().region(region).credentialsProvider(base)
                        .httpClientBuilder(ApacheHttpClient.builder()).build();
                AssumeRoleRequest.Builder request = AssumeRoleRequest.builder()
                        .roleArn(config.roleArn().orElseThrow())
                        .roleSessionName(config.sessionName());
                config.externalId().ifPresent(request::externalId);
                yield new ClosingProvider(StsAssumeRoleCredentialsProvider.builder()
                        .stsClient(sts).refreshRequest(request.build()).build(), sts, config.roleArn().orElseThrow());
            }
        };
    }

    private static AwsCredentialsProvider staticKeys(BenchlakeSourceConfig config) {
        String id = config.accessKeyId().orElseThrow();
        String secret = config.secretAccessKey().orElseThrow();
        AwsCredentials credentials = config.sessionToken()
                .<AwsCredentials>map(token -> AwsSessionCredentials.create(id, secret, token))
                .orElseGet(() -> AwsBasicCredentials.create(id, secret));
        return StaticCredentialsProvider.create(credentials);
    }

    /**
     * An assume-role provider that also closes the STS client it owns, and says which role it could not assume: an
     * error of its STS call (AccessDenied, ExpiredToken, ...) reaches the SageMaker call that needed the credentials,
     * where it would otherwise read as an answer of SageMaker about that call ({@code ApiErrorClassifier} takes it for
     * a credential problem by its STS cause).
     */
    private record ClosingProvider(StsAssumeRoleCredentialsProvider delegate, StsClient sts, String roleArn)
            implements AwsCredentialsProvider, SdkAutoCloseable {

        @Override
        public AwsCredentials resolveCredentials() {
            try {
                return delegate.resolveCredentials();
            } catch (SdkException e) {
                throw SdkClientException.builder().message("The credential provider could not assume role " + roleArn
                        + " (" + BenchlakeSourceConfig.ROLE_ARN + "): " + e.getMessage()).cause(e).build();
            }
        }

        @Override
        public void close() {
            delegate.close();
            sts.close();
        }

        @Override
        public String toString() {
            return "AssumeRoleCredentialsProvider";
        }
    }
}
