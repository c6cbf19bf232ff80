package dev.benchlake.avro;

import java.io.IOException;

import org.apache.avro.Schema;
import org.apache.kafka.connect.errors.DataException;

/**
 * Reads Avro binary written with one schema into Avro's generic data ({@link org.apache.avro.generic.GenericData}):
 * Apache Avro's datum reader over a {@link BoundedDecoder}, with the whole message consumed or an error. Thread-safe.
 */
final class GenericReading {
    private static final ThreadLocal<BoundedDecoder> DECODERS = ThreadLocal.withInitial(BoundedDecoder::new);

    private final FieldNamingDatumReader reader;
    private final ReadLimits limits;
    private final String root;

    GenericReading(Schema schema) {
        this.reader = new FieldNamingDatumReader(schema);
        this.limits = ReadLimits.of(schema);
        this.root = schema.getType() == Schema.Type.RECORD ? schema.getFullName() : schema.getType().getName();
    }

    /**
     * Reads the value that takes {@code message} from {@code offset} to its end.
     *
     * @throws DataException if the bytes end early, hold more than one value, or are not valid for the schema
     */
    Object read(byte[] message, int offset) {
        BoundedDecoder in = DECODERS.get().reset(message, offset, message.length - offset, limits);
        Object datum;
        int left;
        try {
            datum = reader.read(null, in);
            left = in.remaining();
        } catch (IOException | RuntimeException e) {
            throw MalformedAvroException.of(e).toDataException(root);
        }
        if (left != 0) {
            throw new DataException(left + " unexpected byte(s) after the Avro value (at offset " + (message.length - left)
                    + "); the data does not match the schema it claims");
        }
        return datum;
    }
}
