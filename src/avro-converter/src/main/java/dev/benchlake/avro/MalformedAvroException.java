package dev.benchlake.avro;

import java.io.EOFException;

import org.apache.kafka.connect.errors.DataException;

/**
 * Avro bytes that cannot be read: they end too early, or they are not valid for the schema. Collects the path of
 * the field being read as it travels up through the reader, and becomes a {@link DataException} at the top.
 */
final class MalformedAvroException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean truncated;
    private final StringBuilder path = new StringBuilder();

    private MalformedAvroException(boolean truncated, String detail) {
        // an expected outcome for bad input: the path and the detail say where, a stack trace would not
        super(detail, null, false, false);
        this.truncated = truncated;
    }

    static MalformedAvroException truncated(String detail) {
        return new MalformedAvroException(true, detail);
    }

    static MalformedAvroException corrupt(String detail) {
        return new MalformedAvroException(false, detail);
    }

    /** Wraps whatever Avro's reader threw for bad bytes. */
    static MalformedAvroException of(Throwable e) {
        if (e instanceof MalformedAvroException m) {
            return m;
        }
        if (e instanceof EOFException) {
            return truncated(null);
        }
        if (e instanceof IndexOutOfBoundsException) {
            return corrupt("an index is out of range (" + e.getMessage() + ")");
        }
        return corrupt(e.getMessage() != null ? e.getMessage() : e.getClass().getName());
    }

    /** Adds the segment (".field", "[]" or "{}") of the enclosing value; called from the innermost one outwards. */
    MalformedAvroException inside(String segment) {
        path.insert(0, segment);
        return this;
    }

    DataException toDataException(String root) {
        String detail = getMessage();
        if (path.length() == 0) {
            return new DataException("Avro data is " + (truncated ? "truncated" : "corrupt")
                    + (detail == null ? "" : " (" + detail + ")"));
        }
        String field = root + path;
        if (truncated) {
            return new DataException("Avro data is truncated: it ends inside field " + field
                    + (detail == null ? "" : " (" + detail + ")"));
        }
        return new DataException("Avro data is corrupt in field " + field + ": " + detail);
    }
}
