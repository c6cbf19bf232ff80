package dev.benchlake.sagemaker;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.model.StsException;

/**
 * Failures of the credentials rather than of the call: answers that the credentials expired, and errors of the
 * credential provider itself (its STS call under assume-role or web identity, the instance metadata or container
 * endpoint). They take the credentials path ({@code errors.credentials.failure.timeout.ms}): a blip passes, a lasting
 * failure fails the task with a remedy that names the role and its trust policy, never "access denied" for each job.
 */
final class CredentialProblems {

    /**
     * SageMaker's answers that the credentials have expired: the provider's next refresh fixes them (the instance
     * metadata provider signs with cached credentials through a metadata outage, and these follow). An
     * {@code InvalidSignatureException} counts when it says the signature expired; one that says the signature does
     * not match is a wrong secret, which no wait fixes.
     */
    static final Set<String> EXPIRED_CODES = Set.of("ExpiredTokenException", "ExpiredToken", "RequestExpired",
            "TokenRefreshRequired");

    /** Messages of the SDK's credential providers (their exceptions carry no code). */
    private static final String[] PROVIDER_MESSAGES = {"Unable to load credentials", "Unable to load region",
        "Failed to load credentials from IMDS", "Unable to contact EC2 metadata service", "Failed to load token from",
        "Unable to fetch credentials", "Unable to load web identity", "web identity token"};

    private CredentialProblems() {
    }

    /** An answer of SageMaker itself that the credentials expired. */
    static boolean expired(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        if (code != null && EXPIRED_CODES.contains(code)) {
            return true;
        }
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        return "InvalidSignatureException".equals(code) && message != null
                && message.toLowerCase(Locale.ROOT).contains("expired");
    }

    /** An error of the credential provider: an STS answer anywhere in the chain, or a provider's own message. */
    static boolean fromProvider(SdkException e) {
        if (sts(e).isPresent()) {
            return true;
        }
        if (!(e instanceof SdkClientException)) {
            return false;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null) {
                for (String p : PROVIDER_MESSAGES) {
                    if (m.contains(p)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static final java.util.regex.Pattern ROLE = java.util.regex.Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");

    /** The first role ARN in the messages of the chain (STS names it in AccessDenied), if any. */
    static String roleIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                java.util.regex.Matcher m = ROLE.matcher(t.getMessage());
                if (m.find()) {
                    return m.group();
                }
            }
        }
        return null;
    }

    /** The STS error in the chain, if any. */
    static Optional<AwsServiceException> sts(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StsException s) {
                return Optional.of(s);
            }
            if (t instanceof AwsServiceException s && s.awsErrorDetails() != null
                    && "sts".equalsIgnoreCase(String.valueOf(s.awsErrorDetails().serviceName()))) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * What to do about a credential failure: which role, which policy. {@code roleArn} is the role the provider assumes
     * (the assume-role setting, or {@code AWS_ROLE_ARN} under web identity), when known.
     */
    static String remedy(SdkException e, String roleArn) {
        String known = roleArn != null ? roleArn : roleIn(e);
        String role = known == null ? "the role the credential provider assumes" : "role " + known;
        Optional<AwsServiceException> sts = sts(e);
        if (sts.isPresent()) {
            String code = sts.get().awsErrorDetails() == null ? "" : String.valueOf(sts.get().awsErrorDetails().errorCode());
            String c = code.toLowerCase(Locale.ROOT);
            if (c.contains("invalididentitytoken") || c.contains("idpcommunication") || c.contains("idprejected")) {
                return ". The web identity token was refused by STS: " + role + " must trust the token's issuer (the "
                        + "cluster's OIDC provider, as a Federated principal with sts:AssumeRoleWithWebIdentity) and the "
                        + "token's audience and subject (the service account) in its trust policy";
            }
            if (c.contains("expired")) {
                return ". The credential provider's own credentials or token expired: it renews them; if this lasts, "
                        + "check the token file (AWS_WEB_IDENTITY_TOKEN_FILE) or the base credentials of " + role;
            }
            if (c.contains("denied") || c.contains("notauthorized")) {
                return ". STS refused to let the worker's identity assume " + role + ": the identity needs "
                        + "sts:AssumeRole (or sts:AssumeRoleWithWebIdentity) on it, and the role's trust policy must "
                        + "trust that identity (and the external id, if one is set). This is not a SageMaker permission";
            }
            return ". The credential provider's STS call for " + role + " failed: check the role and its trust policy";
        }
        if (e instanceof AwsServiceException service && expired(service)) {
            return ". The credentials expired or no longer sign: the credential provider renews them (instance metadata, "
                    + "container endpoint, STS); if this lasts past errors.credentials.failure.timeout.ms, check that "
                    + "the provider can reach its endpoint and that the worker's clock is right";
        }
        return ". The credential provider could not supply credentials (instance metadata, container endpoint, web "
                + "identity or profile): check that the worker can reach it and that " + role + " exists";
    }
}
