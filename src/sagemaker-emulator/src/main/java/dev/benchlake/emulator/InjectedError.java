package dev.benchlake.emulator;

/** Errors the emulator can inject (by rate or scripted with {@link Faults#failNext}). */
public enum InjectedError {
    /** HTTP 400, {@code ThrottlingException}: the SDK classifies it as throttling and retries it. */
    THROTTLING(400, "ThrottlingException", "Rate exceeded", Outcome.THROTTLED),
    /** HTTP 500, {@code InternalFailure}: retried by the SDK (5xx). */
    INTERNAL_FAILURE(500, "InternalFailure", "An internal error occurred. Try again.", Outcome.SERVER_ERROR),
    /** HTTP 503, {@code ServiceUnavailable}: retried by the SDK (5xx). */
    SERVICE_UNAVAILABLE(503, "ServiceUnavailable", "The service is unavailable. Try again later.", Outcome.SERVER_ERROR),
    /** HTTP 400, {@code AccessDeniedException}: not retried. */
    ACCESS_DENIED(400, "AccessDeniedException", null, Outcome.ACCESS_DENIED);

    private final int status;
    private final String code;
    private final String message;
    private final Outcome outcome;

    InjectedError(int status, String code, String message, Outcome outcome) {
        this.status = status;
        this.code = code;
        this.message = message;
        this.outcome = outcome;
    }

    public int httpStatus() {
        return status;
    }

    public String errorCode() {
        return code;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** The answer; {@code resourceArn} (may be null) only matters to ACCESS_DENIED. */
    ApiException toException(String operation, String callerArn, String resourceArn) {
        if (this == ACCESS_DENIED) {
            return ApiException.accessDenied(callerArn, operation, resourceArn);
        }
        return new ApiException(status, code, message, outcome);
    }
}
