package dev.benchlake.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sagemaker.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;
import software.amazon.awssdk.services.sts.model.StsException;

import dev.benchlake.api.ApiErrorKind;
import dev.benchlake.api.ApiException;

class ApiErrorClassifierTest {

    private static AwsServiceException service(String code, int status) {
        return SageMakerException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("m-" + code).build())
                .statusCode(status).build();
    }

    private static ApiErrorKind kind(boolean withToken, SdkException e) {
        return ApiErrorClassifier.classify("ListInferenceRecommendationsJobSteps", withToken, e).kind();
    }

    @Test
    void throttlingBacksOff() {
        assertThat(kind(false, service("ThrottlingException", 400))).isEqualTo(ApiErrorKind.THROTTLED);
        assertThat(kind(true, service("ThrottlingException", 400))).isEqualTo(ApiErrorKind.THROTTLED);
    }

    @Test
    void serverErrorsAndTimeoutsAreTransient() {
        assertThat(kind(false, service("InternalFailure", 500))).isEqualTo(ApiErrorKind.TRANSIENT);
        assertThat(kind(false, service("ServiceUnavailable", 503))).isEqualTo(ApiErrorKind.TRANSIENT);
        assertThat(kind(false, ApiCallTimeoutException.create(20_000))).isEqualTo(ApiErrorKind.TRANSIENT);
        assertThat(kind(false, SdkClientException.create("connection reset", new IOException("reset"))))
                .isEqualTo(ApiErrorKind.TRANSIENT);
    }

    @Test
    void validationOfACallWithATokenMeansTheTokenIsUnusable() {
        assertThat(kind(true, service("ValidationException", 400))).isEqualTo(ApiErrorKind.TOKEN_REJECTED);
        assertThat(kind(false, service("ValidationException", 400))).isEqualTo(ApiErrorKind.JOB_ERROR);
    }

    @Test
    void missingJobIsNotFound() {
        ResourceNotFoundException notFound = ResourceNotFoundException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ResourceNotFound").build()).statusCode(400).build();
        assertThat(kind(false, notFound)).isEqualTo(ApiErrorKind.NOT_FOUND);
        assertThat(kind(true, service("ResourceNotFound", 400))).isEqualTo(ApiErrorKind.NOT_FOUND);
    }

    @Test
    void accessDeniedIsAboutTheJobAndNamesTheIamActionWhileBadCredentialsFailFast() {
        ApiException e = ApiErrorClassifier.classify("DescribeInferenceRecommendationsJob", false,
                service("AccessDeniedException", 400));
        assertThat(e.kind()).isEqualTo(ApiErrorKind.ACCESS_DENIED);
        assertThat(e.getMessage()).contains("sagemaker:DescribeInferenceRecommendationsJob");
        assertThat(kind(false, service("AccessDenied", 403))).isEqualTo(ApiErrorKind.ACCESS_DENIED);
        assertThat(kind(false, service("UnrecognizedClientException", 400))).isEqualTo(ApiErrorKind.AUTH);
        assertThat(kind(false, service("InvalidClientTokenId", 403))).isEqualTo(ApiErrorKind.AUTH);
    }

    @Test
    void expiredCredentialsEnterTheCredentialsWindowInsteadOfFailingTheTask() {
        // on today's main both were AUTH: the task failed at once, bypassing errors.credentials.failure.timeout.ms
        ApiException expired = ApiErrorClassifier.classify("ListInferenceRecommendationsJobSteps", false,
                service("ExpiredTokenException", 400), null);
        assertThat(expired.kind()).isEqualTo(ApiErrorKind.CREDENTIALS_UNAVAILABLE);
        assertThat(expired.getMessage()).contains("ExpiredTokenException (HTTP 400)", "the credential provider renews them",
                "errors.credentials.failure.timeout.ms").doesNotContain("sagemaker:ListInferenceRecommendationsJobSteps");
        AwsServiceException signatureExpired = SageMakerException.builder().awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("InvalidSignatureException").errorMessage("Signature expired: 20261207T101500Z is now earlier "
                        + "than 20261207T102000Z (20261207T103000Z - 15 min.)").build()).statusCode(403).build();
        assertThat(kind(false, signatureExpired)).isEqualTo(ApiErrorKind.CREDENTIALS_UNAVAILABLE);
        AwsServiceException wrongSecret = SageMakerException.builder().awsErrorDetails(AwsErrorDetails.builder()
                .errorCode("InvalidSignatureException").errorMessage("The request signature we calculated does not match "
                        + "the signature you provided.").build()).statusCode(403).build();
        assertThat(kind(false, wrongSecret)).as("a wrong secret still fails at once").isEqualTo(ApiErrorKind.AUTH);
        assertThat(dev.benchlake.retry.ErrorPolicy.reactionTo(expired.kind()))
                .isEqualTo(dev.benchlake.retry.ErrorPolicy.Reaction.CREDENTIALS);
    }

    private static StsException sts(String code, int status, String message) {
        return (StsException) StsException.builder().awsErrorDetails(AwsErrorDetails.builder().errorCode(code)
                .errorMessage(message).serviceName("Sts").build()).statusCode(status).message(message).build();
    }

    @Test
    void anStsAccessDeniedOfTheCredentialProviderIsACredentialProblemNamingTheRoleNotAJobDenial() {
        String role = "arn:aws:iam::123456789012:role/benchlake-reader";
        StsException denied = sts("AccessDenied", 403, "User: arn:aws:iam::123456789012:user/connect is not authorized "
                + "to perform: sts:AssumeRole on resource: " + role);
        // raw, as the default chain passes it on; and wrapped, as the assume-role provider passes it on
        ApiException raw = ApiErrorClassifier.classify("DescribeInferenceRecommendationsJob", false, denied, role);
        ApiException wrapped = ApiErrorClassifier.classify("DescribeInferenceRecommendationsJob", false,
                SdkClientException.builder().message("The credential provider could not assume role " + role + ": "
                        + denied.getMessage()).cause(denied).build(), null);
        for (ApiException e : java.util.List.of(raw, wrapped)) {
            assertThat(e.kind()).isEqualTo(ApiErrorKind.CREDENTIALS_UNAVAILABLE);
            assertThat(e.getMessage()).contains(role, "trust policy", "sts:AssumeRole")
                    .doesNotContain("sagemaker:DescribeInferenceRecommendationsJob");
        }
        assertThat(raw.getMessage()).contains("STS refused to let the worker's identity assume role " + role);
        assertThat(ApiErrorClassifier.classify("DescribeInferenceRecommendationsJob", false, denied, null).getMessage())
                .as("the role read from STS's answer when not configured")
                .contains("STS refused to let the worker's identity assume role " + role);
    }

    @Test
    void webIdentityErrorsAreCredentialProblemsNamingTheTrustPolicy() {
        ApiException e = ApiErrorClassifier.classify("ListInferenceRecommendationsJobs", false,
                sts("InvalidIdentityToken", 400, "Couldn't retrieve verification key from your identity provider"),
                "arn:aws:iam::123456789012:role/irsa");
        assertThat(e.kind()).isEqualTo(ApiErrorKind.CREDENTIALS_UNAVAILABLE);
        assertThat(e.getMessage()).contains("role arn:aws:iam::123456789012:role/irsa must trust the token's issuer",
                "OIDC", "service account");
        assertThat(kind(false, SdkClientException.create("Failed to load credentials from IMDS.")))
                .isEqualTo(ApiErrorKind.CREDENTIALS_UNAVAILABLE);
    }

    @Test
    void credentialsThatCannotBeLoadedAreABlipNotAnAuthFailure() {
        assertThat(kind(false, SdkClientException.create("Unable to load credentials from any of the providers in the chain")))
                .isEqualTo(ApiErrorKind.CREDENTIALS_UNAVAILABLE);
    }

    @Test
    void unparseableAnswerIsolatesTheJob() {
        assertThat(kind(false, SdkClientException.create("Unable to unmarshall response"))).isEqualTo(ApiErrorKind.JOB_ERROR);
    }
}
