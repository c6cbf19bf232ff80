package dev.benchlake.sagemaker;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.ListInferenceRecommendationsJobsResponse;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import dev.benchlake.api.ApiErrorKind;
import dev.benchlake.api.ApiOperation;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.config.CredentialsMode;

/**
 * What {@code validate()} asks AWS before a connector is created: that the credentials load (and, with assume-role,
 * that STS hands out the role's), then one call of each operation the tasks will make, each asking for one result:
 * {@code ListInferenceRecommendationsJobs} (with discovery), {@code DescribeInferenceRecommendationsJob} and
 * {@code ListInferenceRecommendationsJobSteps} (of the first named job, else the first listed one, else a job name
 * that does not exist: IAM is evaluated before the job is looked up, so "not found" means the call is allowed).
 * Each problem names the setting it is about and its remedy (the IAM action, the region, the credentials). A
 * throttled or failing (5xx) answer is no configuration problem and is only logged.
 */
public final class AccessCheck {

    private static final Logger log = LoggerFactory.getLogger(AccessCheck.class);

    /** Describe and ListSteps ask about this job when no job is named or listed: not found means allowed. */
    static final String PROBE_JOB = "benchlake-validate-probe";

    private static final String SKIP = " To validate without reaching AWS (an air-gapped build), set "
            + BenchlakeSourceConfig.VALIDATE_ACCESS + "=false.";

    /** A problem found, about the setting {@code key}. */
    public record Problem(String key, String message) {
    }

    private AccessCheck() {
    }

    /** The problems found by asking AWS with this configuration; empty when every call was allowed. */
    public static List<Problem> check(BenchlakeSourceConfig config) {
        Region region = Region.of(config.region());
        AwsCredentialsProvider credentials;
        try {
            credentials = SageMakerClientFactory.credentials(config, region);
        } catch (SdkException | IllegalStateException e) {
            return List.of(credentialsProblem(config, e));
        }
        try {
            try {
                credentials.resolveCredentials();
            } catch (SdkException e) {
                return List.of(credentialsProblem(config, e));
            }
            try (SageMakerClient client = SageMakerClientFactory.create(config, credentials)) {
                return calls(config, client);
            }
        } finally {
            if (credentials instanceof SdkAutoCloseable closeable) {
                closeable.close();
            }
        }
    }

    private static List<Problem> calls(BenchlakeSourceConfig config, SageMakerClient client) {
        String job = config.jobNames().isEmpty() ? null : config.jobNames().get(0);
        List<Problem> problems = new ArrayList<>();
        if (config.discoveryEnabled()) {
            try {
                ListInferenceRecommendationsJobsResponse listed = client.listInferenceRecommendationsJobs(r -> r.maxResults(1));
                if (job == null && !listed.inferenceRecommendationsJobs().isEmpty()) {
                    job = listed.inferenceRecommendationsJobs().get(0).jobName();
                }
            } catch (SdkException e) {
                problem(config, ApiOperation.LIST_JOBS, e).ifPresent(problems::add);
                return problems;
            }
        }
        String probe = job == null ? PROBE_JOB : job;
        try {
            client.describeInferenceRecommendationsJob(r -> r.jobName(probe));
        } catch (SdkException e) {
            Optional<Problem> p = problem(config, ApiOperation.DESCRIBE, e);
            if (p.isPresent()) {
                problems.add(p.get());
                return problems;
            }
            if (job != null && ApiErrorClassifier.kind(false, e) == ApiErrorKind.NOT_FOUND && !config.discoveryEnabled()) {
                log.warn("validate: job {} is not found in {}: it is read once it exists; if it ran elsewhere, check {}",
                        probe, config.region(), BenchlakeSourceConfig.REGION);
            }
        }
        try {
            client.listInferenceRecommendationsJobSteps(r -> r.jobName(probe).maxResults(1));
        } catch (SdkException e) {
            problem(config, ApiOperation.LIST_STEPS, e).ifPresent(problems::add);
        }
        return problems;
    }

    /** The problem a failed call shows, or nothing when the answer still shows the call is allowed (or says nothing). */
    private static Optional<Problem> problem(BenchlakeSourceConfig config, ApiOperation op, SdkException e) {
        ApiErrorKind kind = ApiErrorClassifier.kind(false, e);
        String answer = answer(e);
        String region = config.region();
        switch (kind) {
            case NOT_FOUND:
                return Optional.empty();
            case ACCESS_DENIED:
                return Optional.of(new Problem(BenchlakeSourceConfig.CREDENTIALS_PROVIDER, op.awsName() + " in " + region
                        + " was denied: " + answer + ". Remedy: allow the IAM action sagemaker:" + op.awsName()
                        + " to these credentials (config/iam-policy.json lists the three read-only actions Benchlake "
                        + "needs)."));
            case AUTH:
                if (answer.toLowerCase(java.util.Locale.ROOT).contains("region")) {
                    return Optional.of(new Problem(BenchlakeSourceConfig.REGION, op.awsName() + " signed for region "
                            + region + " was refused: " + answer + ". Remedy: set " + BenchlakeSourceConfig.REGION
                            + " to the region of the jobs and of " + endpoint(config) + "."));
                }
                return Optional.of(new Problem(BenchlakeSourceConfig.CREDENTIALS_PROVIDER, op.awsName() + " in " + region
                        + " refused the credentials (" + BenchlakeSourceConfig.CREDENTIALS_PROVIDER + "="
                        + config.credentialsMode().configValue() + "): " + answer + ". Remedy: use an active access key "
                        + "of this account with its secret (and a session token that has not expired), or another "
                        + "credentials provider."));
            case CREDENTIALS_UNAVAILABLE:
                return Optional.of(credentialsProblem(config, e));
            case TRANSIENT:
                if (!(e instanceof AwsServiceException)) {
                    String key = config.endpointOverride().isPresent()
                            ? BenchlakeSourceConfig.ENDPOINT_OVERRIDE : BenchlakeSourceConfig.REGION;
                    return Optional.of(new Problem(key, op.awsName() + " could not reach " + endpoint(config) + ": "
                            + answer + ". Remedy: check " + key + " and the network path from the worker (proxy, "
                            + "firewall, VPC endpoint)." + SKIP));
                }
                log.warn("validate: {} answered {}; not a configuration problem, not checked further", op.awsName(), answer);
                return Optional.empty();
            default:
                log.warn("validate: {} answered {}; not a configuration problem, not checked further", op.awsName(), answer);
                return Optional.empty();
        }
    }

    private static Problem credentialsProblem(BenchlakeSourceConfig config, Exception e) {
        CredentialsMode mode = config.credentialsMode();
        String remedy = switch (mode) {
            case DEFAULT -> "give the worker credentials (an instance, container or IRSA role, AWS_ACCESS_KEY_ID and "
                    + "AWS_SECRET_ACCESS_KEY in its environment, or a default profile), or choose another "
                    + BenchlakeSourceConfig.CREDENTIALS_PROVIDER;
            case STATIC -> "set " + BenchlakeSourceConfig.ACCESS_KEY_ID + " and " + BenchlakeSourceConfig.SECRET_ACCESS_KEY;
            case PROFILE -> "define the profile " + config.profileName().orElse("") + " in the worker's AWS config "
                    + "files (~/.aws/config, ~/.aws/credentials, or AWS_CONFIG_FILE)";
            case ASSUME_ROLE -> "the base credentials need sts:AssumeRole on " + config.roleArn().orElse("the role")
                    + " and the role's trust policy must trust them (with " + BenchlakeSourceConfig.EXTERNAL_ID
                    + " if it requires an external id)";
        };
        return new Problem(BenchlakeSourceConfig.CREDENTIALS_PROVIDER, "AWS credentials could not be loaded ("
                + BenchlakeSourceConfig.CREDENTIALS_PROVIDER + "=" + mode.configValue() + "): " + answer(e)
                + ". Remedy: " + remedy + "." + SKIP);
    }

    /** What the service (or the SDK) said, without the request id. */
    private static String answer(Exception e) {
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            return service.awsErrorDetails().errorCode() + " (HTTP " + service.statusCode() + "): "
                    + service.awsErrorDetails().errorMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String endpoint(BenchlakeSourceConfig config) {
        return config.endpointOverride().map(u -> dev.benchlake.avro.Urls.redact(u.toString()))
                .orElse("SageMaker's endpoint in " + config.region());
    }
}
