package dev.benchlake.avro;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro binary encoding through Apache Avro's own unbuffered {@link BinaryEncoder} and {@link BinaryDecoder}, with
 * what the codec needs around them: the Confluent header bytes, the position and the bytes that remain. Lengths
 * and block counts are checked against the bytes that remain before anything is allocated, so a truncated or
 * corrupt payload fails fast instead of allocating or returning garbage.
 */
final class AvroBinary {
    private AvroBinary() {
    }

    /** A growable output buffer; reused per thread by the converter. */
    static final class Sink {
        private final ByteArrayOutputStream out;
        private final BinaryEncoder encoder;

        Sink(int initialCapacity) {
            out = new ByteArrayOutputStream(initialCapacity);
            encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        }

        void reset() {
            out.reset();
        }

        int size() {
            return out.size();
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        void writeByte(int b) {
            out.write(b);
        }

        /** The schema id of the Confluent header: big-endian, unlike anything in Avro. */
        void writeIntBigEndian(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
        }

        void writeBoolean(boolean b) {
            try {
                encoder.writeBoolean(b);
            } catch (IOException e) {
                throw inMemory(e);
            }
        }

        void writeInt(int n) {
            try {
                encoder.writeInt(n);
            } catch (IOException e) {
                throw inMemory(e);
            }
        }

        void writeLong(long n) {
            try {
                encoder.writeLong(n);
            } catch (IOException e) {
                throw inMemory(e);
            }
        }

        void writeFloat(float f) {
            try {
                encoder.writeFloat(f);
            } catch (IOException e) {
                throw inMemory(e);
            }
        }

        void writeDouble(double d) {
            try {
                encoder.writeDouble(d);
            } catch (IOException e) {
                throw inMemory(e);
            }
        }

        void writeBytes(byte[] b, int off, int len) {
            try {
                encoder.writeBytes(b, off, len);
            } catch (IOException e) {
                throw inMemory(e);
            }
        }

        void writeString(String s) {
            try {
                encoder.writeString(s);
            } catch (IOException e) {
                throw inMemory(e);
            }
        }

        private static UncheckedIOException inMemory(IOException e) {
            return new UncheckedIOException("writing to memory cannot fail", e);
        }
    }

    /** Thrown when the input ends before a value does; carries no stack trace (callers add context). */
    static final class TruncatedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TruncatedException(String message) {
            super(message, null, false, false);
        }
    }

    /** Thrown for bytes that cannot be valid Avro (negative lengths, over-long varints, bad union index...). */
    static final class MalformedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message, null, false, false);
        }
    }

    /** A reader over a byte array slice. */
    static final class Source {
        private final Input in;
        private final BinaryDecoder decoder;

        Source(byte[] buf, int offset, int limit) {
            in = new Input(buf, offset, limit - offset);
            // the direct decoder reads no further than each value, so the stream's position stays exact
            decoder = DecoderFactory.get().directBinaryDecoder(in, null);
        }

        int position() {
            return in.position();
        }

        int remaining() {
            return in.available();
        }

        boolean readBoolean() {
            int at = position();
            int b = in.read();
            if (b < 0) {
                throw truncated(1, at);
            }
            if (b > 1) {
                // Avro's decoder reads any non-1 byte as false; a boolean is 0 or 1
                throw new MalformedException("invalid boolean byte " + b + " at offset " + at);
            }
            return b == 1;
        }

        int readInt() {
            int at = position();
            try {
                return decoder.readInt();
            } catch (IOException | AvroRuntimeException e) {
                throw failed(e, "int", at);
            }
        }

        long readLong() {
            int at = position();
            try {
                return decoder.readLong();
            } catch (IOException | AvroRuntimeException e) {
                throw failed(e, "long", at);
            }
        }

        float readFloat() {
            int at = position();
            try {
                return decoder.readFloat();
            } catch (IOException | AvroRuntimeException e) {
                throw failed(e, "float", at);
            }
        }

        double readDouble() {
            int at = position();
            try {
                return decoder.readDouble();
            } catch (IOException | AvroRuntimeException e) {
                throw failed(e, "double", at);
            }
        }

        private int readLength() {
            long len = readLong();
            if (len < 0) {
                throw new MalformedException("negative length " + len + " at offset " + position());
            }
            if (len > remaining()) {
                throw new TruncatedException("length " + len + " at offset " + position() + " exceeds the "
                        + remaining() + " byte(s) that remain");
            }
            return (int) len;
        }

        byte[] readBytes() {
            byte[] bytes = new byte[readLength()];
            in.readNBytes(bytes, 0, bytes.length);
            return bytes;
        }

        String readString() {
            return new String(readBytes(), StandardCharsets.UTF_8);
        }

        /**
         * Reads an array or map block count (Avro's decoder skips the byte size that follows a negative count).
         * {@code minItemBytes} bounds the count by the bytes that remain.
         */
        long readBlockCount(int minItemBytes) {
            int at = position();
            long count;
            try {
                count = decoder.arrayNext();
            } catch (IOException | AvroRuntimeException e) {
                throw failed(e, "block count", at);
            }
            if (count < 0) {
                throw new MalformedException("invalid block count at offset " + position());
            }
            if (minItemBytes > 0 && count > (long) remaining() / minItemBytes) {
                throw new TruncatedException("block of " + count + " item(s) at offset " + position()
                        + " cannot fit in the " + remaining() + " byte(s) that remain");
            }
            return count;
        }

        private RuntimeException failed(Exception e, String what, int at) {
            if (e instanceof EOFException) {
                return truncated(1, at);
            }
            return new MalformedException("invalid " + what + " at offset " + at + ": " + e.getMessage());
        }

        private TruncatedException truncated(int needed, int at) {
            return new TruncatedException("needed " + needed + " more byte(s) at offset " + at + " but only "
                    + remaining() + " remain");
        }
    }

    /** A byte array stream that tells where it stands. */
    private static final class Input extends ByteArrayInputStream {
        Input(byte[] buf, int offset, int length) {
            super(buf, offset, length);
        }

        int position() {
            return pos;
        }
    }
}
