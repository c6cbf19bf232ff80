package dev.benchlake.emulator;

/** How the emulator answered a request; counted per operation by {@link SageMakerEmulator}. */
public enum Outcome {
    /** HTTP 200. */
    OK,
    /** HTTP 400 {@code ThrottlingException}. */
    THROTTLED,
    /** HTTP 500 {@code InternalFailure} or 503 {@code ServiceUnavailable}. */
    SERVER_ERROR,
    /** HTTP 400 {@code ResourceNotFound}. */
    NOT_FOUND,
    /** HTTP 400 {@code ValidationException} (bad parameter, bad/expired/overused NextToken) or {@code SerializationException}. */
    VALIDATION,
    /** HTTP 400 {@code AccessDeniedException} (a denied operation) or 403 for a request without a usable SigV4 Authorization header. */
    ACCESS_DENIED,
    /** HTTP 400 {@code UnknownOperationException} (missing or unknown X-Amz-Target). */
    UNKNOWN_OPERATION,
    /** HTTP 400 {@code ExpiredTokenException} ({@link CredentialFaults#expireTokensFor}). */
    EXPIRED_TOKEN
}
