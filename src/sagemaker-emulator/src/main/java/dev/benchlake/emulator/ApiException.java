package dev.benchlake.emulator;

/** An error answer in AWS JSON 1.1 form: {@code {"__type": code, "message": message}} with an HTTP status. */
final class ApiException extends Exception {
    private final int status;
    private final String code;
    private final Outcome outcome;

    ApiException(int status, String code, String message, Outcome outcome) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.outcome = outcome;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    Outcome outcome() {
        return outcome;
    }

    static ApiException validation(String message) {
        return new ApiException(400, "ValidationException", message, Outcome.VALIDATION);
    }

    /**
     * AWS's IAM denial: {@code User: <caller> is not authorized to perform: sagemaker:<Op> [on resource: <arn>] because no
     * identity-based policy allows the sagemaker:<Op> action}; the resource part only for resource-scoped calls.
     */
    static ApiException accessDenied(String callerArn, String operation, String resourceArn) {
        String action = "sagemaker:" + operation;
        return new ApiException(400, "AccessDeniedException", "User: " + callerArn + " is not authorized to perform: " + action
                + (resourceArn == null ? "" : " on resource: " + resourceArn)
                + " because no identity-based policy allows the " + action + " action", Outcome.ACCESS_DENIED);
    }

    static ApiException notFound(String message) {
        return new ApiException(400, "ResourceNotFound", message, Outcome.NOT_FOUND);
    }
}
