package dev.benchlake.avro;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Avro binary encoding primitives (Avro specification, "Binary Encoding"): zig-zag varints, little-endian IEEE
 * floats, length-prefixed bytes and UTF-8 strings. The reader never trusts a length it has not got the bytes for,
 * so a truncated or corrupt payload fails fast instead of allocating or returning garbage.
 */
final class AvroBinary {
    private AvroBinary() {
    }

    /** A growable output buffer; reused per thread by the converter. */
    static final class Sink {
        private byte[] buf;
        private int pos;

        Sink(int initialCapacity) {
            buf = new byte[initialCapacity];
        }

        void reset() {
            pos = 0;
        }

        int size() {
            return pos;
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }

        private void ensure(int extra) {
            if (pos + extra > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + extra));
            }
        }

        void writeByte(int b) {
            ensure(1);
            buf[pos++] = (byte) b;
        }

        void writeIntBigEndian(int v) {
            ensure(4);
            buf[pos++] = (byte) (v >>> 24);
            buf[pos++] = (byte) (v >>> 16);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
        }

        void writeBoolean(boolean b) {
            writeByte(b ? 1 : 0);
        }

        void writeInt(int n) {
            ensure(5);
            int v = (n << 1) ^ (n >> 31);
            while ((v & ~0x7F) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        void writeLong(long n) {
            ensure(10);
            long v = (n << 1) ^ (n >> 63);
            while ((v & ~0x7FL) != 0) {
                buf[pos++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[pos++] = (byte) v;
        }

        void writeFloat(float f) {
            int bits = Float.floatToRawIntBits(f);
            ensure(4);
            buf[pos++] = (byte) bits;
            buf[pos++] = (byte) (bits >>> 8);
            buf[pos++] = (byte) (bits >>> 16);
            buf[pos++] = (byte) (bits >>> 24);
        }

        void writeDouble(double d) {
            long bits = Double.doubleToRawLongBits(d);
            ensure(8);
            for (int i = 0; i < 8; i++) {
                buf[pos++] = (byte) (bits >>> (8 * i));
            }
        }

        void writeBytes(byte[] b, int off, int len) {
            writeLong(len);
            ensure(len);
            System.arraycopy(b, off, buf, pos, len);
            pos += len;
        }

        void writeString(String s) {
            int len = s.length();
            // fast path: short ASCII (one byte per char; a length < 64 zig-zags into a single byte)
            if (len < 64) {
                ensure(1 + len);
                int start = pos + 1;
                int i = 0;
                for (; i < len; i++) {
                    char c = s.charAt(i);
                    if (c >= 0x80) {
                        break;
                    }
                    buf[start + i] = (byte) c;
                }
                if (i == len) {
                    buf[pos] = (byte) (len << 1);
                    pos = start + len;
                    return;
                }
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            writeBytes(utf8, 0, utf8.length);
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
        private final byte[] buf;
        private int pos;
        private final int limit;

        Source(byte[] buf, int offset, int limit) {
            this.buf = buf;
            this.pos = offset;
            this.limit = limit;
        }

        int position() {
            return pos;
        }

        int remaining() {
            return limit - pos;
        }

        private void require(int n) {
            if (limit - pos < n) {
                throw new TruncatedException("needed " + n + " byte(s) at offset " + pos + " but only "
                        + (limit - pos) + " remain");
            }
        }

        boolean readBoolean() {
            require(1);
            byte b = buf[pos++];
            if (b == 0) {
                return false;
            }
            if (b == 1) {
                return true;
            }
            throw new MalformedException("invalid boolean byte " + b + " at offset " + (pos - 1));
        }

        int readInt() {
            int value = 0;
            int shift = 0;
            for (int i = 0; i < 5; i++) {
                require(1);
                int b = buf[pos++] & 0xFF;
                value |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return (value >>> 1) ^ -(value & 1);
                }
                shift += 7;
            }
            throw new MalformedException("invalid int varint ending at offset " + pos);
        }

        long readLong() {
            long value = 0;
            int shift = 0;
            for (int i = 0; i < 10; i++) {
                require(1);
                long b = buf[pos++] & 0xFF;
                value |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return (value >>> 1) ^ -(value & 1);
                }
                shift += 7;
            }
            throw new MalformedException("invalid long varint ending at offset " + pos);
        }

        float readFloat() {
            require(4);
            int bits = (buf[pos] & 0xFF) | (buf[pos + 1] & 0xFF) << 8 | (buf[pos + 2] & 0xFF) << 16 | (buf[pos + 3] & 0xFF) << 24;
            pos += 4;
            return Float.intBitsToFloat(bits);
        }

        double readDouble() {
            require(8);
            long bits = 0;
            for (int i = 0; i < 8; i++) {
                bits |= (buf[pos + i] & 0xFFL) << (8 * i);
            }
            pos += 8;
            return Double.longBitsToDouble(bits);
        }

        private int readLength() {
            long len = readLong();
            if (len < 0) {
                throw new MalformedException("negative length " + len + " at offset " + pos);
            }
            if (len > limit - pos) {
                throw new TruncatedException("length " + len + " at offset " + pos + " exceeds the "
                        + (limit - pos) + " byte(s) that remain");
            }
            return (int) len;
        }

        byte[] readBytes() {
            int len = readLength();
            byte[] out = Arrays.copyOfRange(buf, pos, pos + len);
            pos += len;
            return out;
        }

        String readString() {
            int len = readLength();
            String s = new String(buf, pos, len, StandardCharsets.UTF_8);
            pos += len;
            return s;
        }

        /**
         * Reads an array or map block count (a negative count is followed by the block's byte size, which is
         * skipped). {@code minItemBytes} bounds the count by the bytes that remain.
         */
        long readBlockCount(int minItemBytes) {
            long count = readLong();
            if (count < 0) {
                if (count == Long.MIN_VALUE) {
                    throw new MalformedException("invalid block count at offset " + pos);
                }
                count = -count;
                long size = readLong();
                if (size < 0) {
                    throw new MalformedException("negative block size at offset " + pos);
                }
            }
            if (minItemBytes > 0 && count > (long) (limit - pos) / minItemBytes) {
                throw new TruncatedException("block of " + count + " item(s) at offset " + pos + " cannot fit in the "
                        + (limit - pos) + " byte(s) that remain");
            }
            return count;
        }
    }
}
