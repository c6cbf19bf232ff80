package dev.benchlake.api;

/** A failed SageMaker call, classified. Its message never carries credentials. */
public class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ApiErrorKind kind;
    private final String operation;

    public ApiException(ApiErrorKind kind, String operation, String message, Throwable cause) {
        super(operation + ": " + message, cause);
        this.kind = kind;
        this.operation = operation;
    }

    public ApiErrorKind kind() {
        return kind;
    }

    public String operation() {
        return operation;
    }
}
