package dev.benchlake.avro;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

/**
 * Apache Avro's {@link BinaryDecoder} over one message, with every length, count and index it reads checked against
 * what the message can hold before anything is allocated. Avro's own decoder allocates whatever a length or block
 * count says, up to 2 GiB, and its system-property limits are process-wide, so they cannot follow the message size.
 * <p>
 * Strings and bytes: the length must fit in the bytes that remain. Array and map blocks: each item takes at least one
 * byte, so the count must too; the exception is an array of records without fields, whose items take no bytes, so
 * for schemas that have one the items of all blocks of a message share a fixed budget instead.
 * <p>
 * Not thread-safe: one per thread, {@linkplain #reset reset} for each message.
 */
final class BoundedDecoder extends Decoder {
    /** Items, over all blocks of one message, of a schema with arrays of field-less records. */
    static final int MAX_ITEMS_WITH_EMPTY_RECORDS = 1 << 20;
    /** Strings up to this size are decoded through a reused buffer; a larger one gets a buffer of its own. */
    private static final int MAX_SCRATCH = 1 << 16;

    private BinaryDecoder in;
    private int end;
    private ReadLimits limits;
    private long itemBudget;
    private byte[] scratch = new byte[256];
    private final byte[] oneByte = new byte[1];

    /** Reads {@code length} bytes of {@code message} from {@code offset}, written with a schema of these limits. */
    BoundedDecoder reset(byte[] message, int offset, int length, ReadLimits limits) {
        in = DecoderFactory.get().binaryDecoder(message, offset, length, in);
        end = offset + length;
        this.limits = limits;
        itemBudget = MAX_ITEMS_WITH_EMPTY_RECORDS;
        return this;
    }

    int remaining() throws IOException {
        // over a byte array the "input stream" is Avro's buffer view: its available() is exactly what is left
        return in.inputStream().available();
    }

    int position() throws IOException {
        return end - remaining();
    }

    private int length() throws IOException {
        long length = in.readLong();
        if (length < 0) {
            throw MalformedAvroException.corrupt("negative length " + length + " before offset " + position());
        }
        int remaining = remaining();
        if (length > remaining) {
            throw MalformedAvroException.truncated("length " + length + " at offset " + position() + " exceeds the "
                    + remaining + " byte(s) that remain");
        }
        return (int) length;
    }

    private long items(long count) throws IOException {
        if (limits.emptyItems()) {
            // a record without fields takes no bytes, so the input left cannot bound how many there are: a budget does
            itemBudget -= count;
            if (itemBudget < 0) {
                throw MalformedAvroException.corrupt("block of " + count + " item(s) at offset " + position()
                        + " goes over the limit of " + MAX_ITEMS_WITH_EMPTY_RECORDS + " items per message");
            }
            return count;
        }
        int remaining = remaining();
        if (count > remaining) {
            throw MalformedAvroException.truncated("block of " + count + " item(s) at offset " + position()
                    + " cannot fit in the " + remaining + " byte(s) that remain");
        }
        return count;
    }

    @Override
    public void readNull() throws IOException {
        in.readNull();
    }

    @Override
    public boolean readBoolean() throws IOException {
        // Avro's decoder reads any byte other than 1 as false; anything but 0 or 1 is not a boolean
        in.readFixed(oneByte, 0, 1);
        if (oneByte[0] != 0 && oneByte[0] != 1) {
            throw MalformedAvroException.corrupt("invalid boolean byte " + (oneByte[0] & 0xFF) + " at offset " + (position() - 1));
        }
        return oneByte[0] == 1;
    }

    @Override
    public int readInt() throws IOException {
        return in.readInt();
    }

    @Override
    public long readLong() throws IOException {
        return in.readLong();
    }

    @Override
    public float readFloat() throws IOException {
        return in.readFloat();
    }

    @Override
    public double readDouble() throws IOException {
        return in.readDouble();
    }

    @Override
    public Utf8 readString(Utf8 old) throws IOException {
        int length = length();
        Utf8 utf8 = old != null ? old : new Utf8();
        utf8.setByteLength(length);
        in.readFixed(utf8.getBytes(), 0, length);
        return utf8;
    }

    @Override
    public String readString() throws IOException {
        int length = length();
        if (scratch.length < length && length <= MAX_SCRATCH) {
            scratch = new byte[Math.min(MAX_SCRATCH, Math.max(length, scratch.length * 2))];
        }
        byte[] buffer = length <= scratch.length ? scratch : new byte[length];
        in.readFixed(buffer, 0, length);
        return new String(buffer, 0, length, StandardCharsets.UTF_8);
    }

    @Override
    public void skipString() throws IOException {
        in.skipFixed(length());
    }

    @Override
    public ByteBuffer readBytes(ByteBuffer old) throws IOException {
        int length = length();
        // a fresh buffer every time: the value is handed to Connect, which keeps it
        byte[] bytes = new byte[length];
        in.readFixed(bytes, 0, length);
        return ByteBuffer.wrap(bytes);
    }

    @Override
    public void skipBytes() throws IOException {
        in.skipFixed(length());
    }

    @Override
    public void readFixed(byte[] bytes, int start, int length) throws IOException {
        in.readFixed(bytes, start, length);
    }

    @Override
    public void skipFixed(int length) throws IOException {
        in.skipFixed(length);
    }

    @Override
    public int readEnum() throws IOException {
        return in.readEnum();
    }

    @Override
    public long readArrayStart() throws IOException {
        return items(in.readArrayStart());
    }

    @Override
    public long arrayNext() throws IOException {
        return items(in.arrayNext());
    }

    @Override
    public long skipArray() throws IOException {
        return items(in.skipArray());
    }

    @Override
    public long readMapStart() throws IOException {
        return items(in.readMapStart());
    }

    @Override
    public long mapNext() throws IOException {
        return items(in.mapNext());
    }

    @Override
    public long skipMap() throws IOException {
        return items(in.skipMap());
    }

    @Override
    public int readIndex() throws IOException {
        int index = in.readIndex();
        if (index < 0 || index >= limits.unionBranches()) {
            throw MalformedAvroException.corrupt("union index " + index + " out of range at offset " + position());
        }
        return index;
    }
}
