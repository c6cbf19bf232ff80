package dev.benchlake.avro;

/**
 * An answer of the schema registry that is not a success, or no answer at all. Messages carry the registry URL
 * without credentials, never a credential.
 */
public class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Confluent error codes. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INCOMPATIBLE_SCHEMA_CODE = 40901;

    private final int status;
    private final int errorCode;
    private final String url;

    public SchemaRegistryException(String message, int status, int errorCode, String url, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.errorCode = errorCode;
        this.url = url;
    }

    /** HTTP status, or -1 when no registry answered. */
    public int status() {
        return status;
    }

    /** Confluent {@code error_code} from the body, or -1. */
    public int errorCode() {
        return errorCode;
    }

    /** The (credential-free) URL of the registry that answered or failed. */
    public String url() {
        return url;
    }

    public boolean isNotFound() {
        return status == 404;
    }

    public boolean isIncompatible() {
        return status == 409;
    }

    /** No registry could be reached, or all answered 5xx, within the retry budget. */
    public static final class Unavailable extends SchemaRegistryException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, int status, String url, Throwable cause) {
            super(message, status, -1, url, cause);
        }
    }
}
