package dev.benchlake.sagemaker;

import java.util.Set;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sagemaker.model.ResourceNotFoundException;

import dev.benchlake.api.ApiErrorKind;
import dev.benchlake.api.ApiException;

/** The one place that decides what a failed SageMaker call means. */
public final class ApiErrorClassifier {

    /**
     * Error codes that mean the credentials are wrong: retrying cannot help. Expired credentials are not among them
     * ({@link CredentialProblems#EXPIRED_CODES}): the provider renews those.
     */
    static final Set<String> AUTH_CODES = Set.of("UnrecognizedClientException", "InvalidClientTokenId",
            "InvalidSignatureException", "SignatureDoesNotMatch", "MissingAuthenticationToken", "IncompleteSignature");
    /** Error codes of an IAM policy that does not allow the call (on this resource, maybe only on this one). */
    static final Set<String> DENIED_CODES = Set.of("AccessDeniedException", "AccessDenied", "NotAuthorized");

    private ApiErrorClassifier() {
    }

    /**
     * Classifies an exception thrown by a call.
     *
     * @param operation the API operation, used in messages (and to name the IAM action that is missing)
     * @param withToken whether the call carried a NextToken: a ValidationException then means the token is unusable
     */
    public static ApiException classify(String operation, boolean withToken, SdkException e) {
        return classify(operation, withToken, e, roleFromEnvironment());
    }

    /** As {@link #classify(String, boolean, SdkException)}, naming {@code roleArn} in credential remedies. */
    public static ApiException classify(String operation, boolean withToken, SdkException e, String roleArn) {
        return new ApiException(kind(withToken, e), operation, describe(operation, e, roleArn), e);
    }

    /** The role web identity (IRSA) assumes, when the environment names one. */
    static String roleFromEnvironment() {
        String role = System.getProperty("aws.roleArn");
        return role != null && !role.isBlank() ? role : System.getenv("AWS_ROLE_ARN");
    }

    static ApiErrorKind kind(boolean withToken, SdkException e) {
        if (e instanceof ResourceNotFoundException) {
            return ApiErrorKind.NOT_FOUND;
        }
        // before the codes: an STS AccessDenied of the credential provider is no SageMaker denial of a job
        if (CredentialProblems.fromProvider(e)) {
            return ApiErrorKind.CREDENTIALS_UNAVAILABLE;
        }
        if (e instanceof AwsServiceException service && CredentialProblems.expired(service)) {
            return ApiErrorKind.CREDENTIALS_UNAVAILABLE;
        }
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            if (service.isThrottlingException()) {
                return ApiErrorKind.THROTTLED;
            }
            if ("ResourceNotFound".equals(code)) {
                return ApiErrorKind.NOT_FOUND;
            }
            if (code != null && DENIED_CODES.contains(code) || code == null && service.statusCode() == 403) {
                return ApiErrorKind.ACCESS_DENIED;
            }
            if (code != null && AUTH_CODES.contains(code) || service.statusCode() == 401 || service.statusCode() == 403) {
                return ApiErrorKind.AUTH;
            }
            if ("ValidationException".equals(code) && withToken) {
                return ApiErrorKind.TOKEN_REJECTED;
            }
            if (service.statusCode() >= 500 || service.retryable()) {
                return ApiErrorKind.TRANSIENT;
            }
            return ApiErrorKind.JOB_ERROR;
        }
        if (e instanceof ApiCallTimeoutException || e instanceof ApiCallAttemptTimeoutException) {
            return ApiErrorKind.TRANSIENT;
        }
        return e.retryable() || causedByIo(e) ? ApiErrorKind.TRANSIENT : ApiErrorKind.JOB_ERROR;
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(String operation, SdkException e, String roleArn) {
        ApiErrorKind kind = kind(false, e);
        String base;
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            base = service.awsErrorDetails().errorCode() + " (HTTP " + service.statusCode() + "): "
                    + service.awsErrorDetails().errorMessage();
        } else {
            base = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        if (kind == ApiErrorKind.CREDENTIALS_UNAVAILABLE) {
            return base + CredentialProblems.remedy(e, roleArn);
        }
        if (kind == ApiErrorKind.AUTH || kind == ApiErrorKind.ACCESS_DENIED) {
            return base + ". The credentials need IAM permission sagemaker:" + operation
                    + " (Benchlake needs sagemaker:ListInferenceRecommendationsJobSteps, "
                    + "sagemaker:DescribeInferenceRecommendationsJob and sagemaker:ListInferenceRecommendationsJobs)";
        }
        return base;
    }
}
