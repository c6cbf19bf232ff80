package dev.benchlake.avro;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;

/**
 * Writes the Confluent wire format: magic byte {@code 0}, the schema id in 4 big-endian bytes, then the datum through
 * an Avro {@link DatumWriter}. Not thread-safe: the converter keeps one per thread and reuses its buffer and encoder.
 */
final class FramedEncoder {
    /** A buffer that grew past this for one large record is not kept for the next. */
    private static final int MAX_KEPT_BUFFER = 1 << 20;

    private ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
    private BinaryEncoder encoder;

    byte[] encode(int schemaId, DatumWriter<Object> writer, Object datum) {
        // first: reusing the encoder flushes what a failed write left in it, and the reset then drops it
        encoder = EncoderFactory.get().binaryEncoder(buffer, encoder);
        buffer.reset();
        buffer.write(AvroConverter.MAGIC_BYTE);
        buffer.write(schemaId >>> 24);
        buffer.write(schemaId >>> 16);
        buffer.write(schemaId >>> 8);
        buffer.write(schemaId);
        try {
            writer.write(datum, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        byte[] bytes = buffer.toByteArray();
        if (bytes.length > MAX_KEPT_BUFFER) {
            buffer = new ByteArrayOutputStream(512);
            encoder = null;
        }
        return bytes;
    }
}
