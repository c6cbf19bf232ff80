package dev.benchlake.avro;

import java.io.IOException;
import java.util.LinkedHashMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.ResolvingDecoder;

/**
 * Apache Avro's {@link GenericDatumReader} with three changes for the converter: a failure names the field being
 * read ({@link MalformedAvroException} collects the path), strings are read as {@link String} (Connect's type, so
 * no {@code Utf8} is made only to be copied), and maps keep the order they were written in.
 * <p>
 * Stateless beyond what Avro keeps per thread: one instance serves every thread.
 */
final class FieldNamingDatumReader extends GenericDatumReader<Object> {

    FieldNamingDatumReader(Schema schema) {
        super(schema, schema, plainData());
    }

    private static GenericData plainData() {
        GenericData data = new GenericData();
        // Avro's "fast reader" builds its own reader tree and would skip the readField hook that names fields
        data.setFastReaderEnabled(false);
        return data;
    }

    @Override
    protected void readField(Object record, Schema.Field field, Object oldDatum, ResolvingDecoder in, Object state)
            throws IOException {
        try {
            super.readField(record, field, oldDatum, in, state);
        } catch (IOException | RuntimeException e) {
            throw MalformedAvroException.of(e).inside("." + field.name());
        }
    }

    @Override
    protected Object readArray(Object old, Schema expected, ResolvingDecoder in) throws IOException {
        try {
            return super.readArray(old, expected, in);
        } catch (IOException | RuntimeException e) {
            throw MalformedAvroException.of(e).inside("[]");
        }
    }

    @Override
    protected Object readMap(Object old, Schema expected, ResolvingDecoder in) throws IOException {
        try {
            return super.readMap(old, expected, in);
        } catch (IOException | RuntimeException e) {
            throw MalformedAvroException.of(e).inside("{}");
        }
    }

    @Override
    protected Object newMap(Object old, int size) {
        return new LinkedHashMap<>();
    }

    @Override
    protected Object readString(Object old, Schema expected, Decoder in) throws IOException {
        return in.readString();
    }
}
