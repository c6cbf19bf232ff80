package dev.benchlake.avro;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.LogicalTypes;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Compiled value codecs: a {@link ValueWriter} writes Connect values as Avro binary for a given (Connect schema,
 * Avro schema) pair, a {@link ValueReader} reads Avro binary written with a given Avro schema into Connect values of
 * the Connect schema derived from it. Plans are built once per schema pair and reused for every record; every node
 * knows its field path, so errors name the field without any per-record bookkeeping.
 */
final class AvroValueCodec {
    private AvroValueCodec() {
    }

    // ============================================================================================================
    // Writing
    // ============================================================================================================

    abstract static class ValueWriter {
        final String path;

        ValueWriter(String path) {
            this.path = path;
        }

        /** Writes a value; {@code null} is an error unless this is a nullable writer. */
        void write(Object value, AvroBinary.Sink out) {
            if (value == null) {
                throw new DataException("Field " + path + " is required (not optional) but its value is null");
            }
            writeNonNull(value, out);
        }

        abstract void writeNonNull(Object value, AvroBinary.Sink out);

        final DataException wrongType(Object value, String expected) {
            return new DataException("Field " + path + ": expected " + expected + " but got a "
                    + value.getClass().getName());
        }
    }

    /** Builds the writer for {@code connect} values written with Avro schema {@code avro}. */
    static ValueWriter writer(Schema connect, org.apache.avro.Schema avro, String path) {
        if (avro.getType() == org.apache.avro.Schema.Type.UNION) {
            org.apache.avro.Schema inner = AvroSchemas.nullableBranch(avro, path);
            int nullIndex = avro.getTypes().get(0).getType() == org.apache.avro.Schema.Type.NULL ? 0 : 1;
            return new NullableWriter(path, nullIndex, 1 - nullIndex, writer(connect, inner, path));
        }
        String logical = connect.name();
        switch (avro.getType()) {
            case BOOLEAN:
                expect(connect, path, avro, Schema.Type.BOOLEAN);
                return new ValueWriter(path) {
                    @Override
                    void writeNonNull(Object value, AvroBinary.Sink out) {
                        if (!(value instanceof Boolean b)) {
                            throw wrongType(value, "a Boolean");
                        }
                        out.writeBoolean(b);
                    }
                };
            case INT:
                if (Date.LOGICAL_NAME.equals(logical) || Time.LOGICAL_NAME.equals(logical)) {
                    expect(connect, path, avro, Schema.Type.INT32);
                    boolean date = Date.LOGICAL_NAME.equals(logical);
                    return new ValueWriter(path) {
                        @Override
                        void writeNonNull(Object value, AvroBinary.Sink out) {
                            if (!(value instanceof java.util.Date d)) {
                                throw wrongType(value, "a java.util.Date (" + logical + ")");
                            }
                            try {
                                out.writeInt(date ? Date.fromLogical(connect, d) : Time.fromLogical(connect, d));
                            } catch (DataException e) {
                                throw new DataException("Field " + path + ": " + e.getMessage(), e);
                            }
                        }
                    };
                }
                expect(connect, path, avro, Schema.Type.INT8, Schema.Type.INT16, Schema.Type.INT32);
                return new ValueWriter(path) {
                    @Override
                    void writeNonNull(Object value, AvroBinary.Sink out) {
                        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
                            out.writeInt(((Number) value).intValue());
                        } else {
                            throw wrongType(value, "an Integer, Short or Byte");
                        }
                    }
                };
            case LONG:
                if (Timestamp.LOGICAL_NAME.equals(logical)) {
                    expect(connect, path, avro, Schema.Type.INT64);
                    return new ValueWriter(path) {
                        @Override
                        void writeNonNull(Object value, AvroBinary.Sink out) {
                            if (!(value instanceof java.util.Date d)) {
                                throw wrongType(value, "a java.util.Date (Timestamp)");
                            }
                            out.writeLong(d.getTime());
                        }
                    };
                }
                expect(connect, path, avro, Schema.Type.INT8, Schema.Type.INT16, Schema.Type.INT32, Schema.Type.INT64);
                return new ValueWriter(path) {
                    @Override
                    void writeNonNull(Object value, AvroBinary.Sink out) {
                        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                            out.writeLong(((Number) value).longValue());
                        } else {
                            throw wrongType(value, "a Long");
                        }
                    }
                };
            case FLOAT:
                expect(connect, path, avro, Schema.Type.FLOAT32);
                return new ValueWriter(path) {
                    @Override
                    void writeNonNull(Object value, AvroBinary.Sink out) {
                        if (!(value instanceof Float f)) {
                            throw wrongType(value, "a Float");
                        }
                        out.writeFloat(f);
                    }
                };
            case DOUBLE:
                expect(connect, path, avro, Schema.Type.FLOAT32, Schema.Type.FLOAT64);
                return new ValueWriter(path) {
                    @Override
                    void writeNonNull(Object value, AvroBinary.Sink out) {
                        if (value instanceof Double || value instanceof Float) {
                            out.writeDouble(((Number) value).doubleValue());
                        } else {
                            throw wrongType(value, "a Double");
                        }
                    }
                };
            case STRING:
                expect(connect, path, avro, Schema.Type.STRING);
                return new ValueWriter(path) {
                    @Override
                    void writeNonNull(Object value, AvroBinary.Sink out) {
                        if (value instanceof String s) {
                            out.writeString(s);
                        } else if (value instanceof CharSequence cs) {
                            out.writeString(cs.toString());
                        } else {
                            throw wrongType(value, "a String");
                        }
                    }
                };
            case ENUM: {
                expect(connect, path, avro, Schema.Type.STRING);
                Map<String, Integer> indexes = new HashMap<>();
                List<String> symbols = avro.getEnumSymbols();
                for (int i = 0; i < symbols.size(); i++) {
                    indexes.put(symbols.get(i), i);
                }
                return new ValueWriter(path) {
                    @Override
                    void writeNonNull(Object value, AvroBinary.Sink out) {
                        if (!(value instanceof CharSequence)) {
                            throw wrongType(value, "a String (enum symbol)");
                        }
                        Integer index = indexes.get(value.toString());
                        if (index == null) {
                            throw new DataException("Field " + path + ": '" + value + "' is not a symbol of enum "
                                    + avro.getFullName() + " " + symbols);
                        }
                        out.writeInt(index);
                    }
                };
            }
            case BYTES:
                if (Decimal.LOGICAL_NAME.equals(logical)) {
                    expect(connect, path, avro, Schema.Type.BYTES);
                    int scale = AvroSchemas.decimalScale(connect, path);
                    if (avro.getLogicalType() instanceof LogicalTypes.Decimal d && d.getScale() != scale) {
                        throw new DataException("Field " + path + ": Connect Decimal scale " + scale
                                + " differs from the Avro decimal scale " + d.getScale());
                    }
                    return new ValueWriter(path) {
                        @Override
                        void writeNonNull(Object value, AvroBinary.Sink out) {
                            if (!(value instanceof BigDecimal bd)) {
                                throw wrongType(value, "a java.math.BigDecimal");
                            }
                            if (bd.scale() != scale) {
                                throw new DataException("Field " + path + ": BigDecimal has scale " + bd.scale()
                                        + " but the schema's scale is " + scale);
                            }
                            byte[] bytes = bd.unscaledValue().toByteArray();
                            out.writeBytes(bytes, 0, bytes.length);
                        }
                    };
                }
                expect(connect, path, avro, Schema.Type.BYTES);
                return new ValueWriter(path) {
                    @Override
                    void writeNonNull(Object value, AvroBinary.Sink out) {
                        if (value instanceof byte[] b) {
                            out.writeBytes(b, 0, b.length);
                        } else if (value instanceof ByteBuffer bb) {
                            ByteBuffer dup = bb.duplicate();
                            byte[] b = new byte[dup.remaining()];
                            dup.get(b);
                            out.writeBytes(b, 0, b.length);
                        } else {
                            throw wrongType(value, "a byte[] or ByteBuffer");
                        }
                    }
                };
            case ARRAY:
                if (connect.type() == Schema.Type.MAP && AvroSchemas.isMapEntry(avro.getElementType())) {
                    org.apache.avro.Schema entry = avro.getElementType();
                    ValueWriter key = writer(connect.keySchema(), entry.getField(AvroSchemas.MAP_KEY).schema(), path + ".key");
                    ValueWriter val = writer(connect.valueSchema(), entry.getField(AvroSchemas.MAP_VALUE).schema(), path + "{}");
                    return new ValueWriter(path) {
                        @Override
                        void writeNonNull(Object value, AvroBinary.Sink out) {
                            if (!(value instanceof Map<?, ?> map)) {
                                throw wrongType(value, "a java.util.Map");
                            }
                            if (!map.isEmpty()) {
                                out.writeLong(map.size());
                                for (Map.Entry<?, ?> e : map.entrySet()) {
                                    key.write(e.getKey(), out);
                                    val.write(e.getValue(), out);
                                }
                            }
                            out.writeLong(0);
                        }
                    };
                }
                expect(connect, path, avro, Schema.Type.ARRAY);
                ValueWriter items = writer(connect.valueSchema(), avro.getElementType(), path + "[]");
                return new ValueWriter(path) {
                    @Override
                    void writeNonNull(Object value, AvroBinary.Sink out) {
                        if (!(value instanceof Collection<?> list)) {
                            throw wrongType(value, "a java.util.List");
                        }
                        if (!list.isEmpty()) {
                            out.writeLong(list.size());
                            for (Object item : list) {
                                items.write(item, out);
                            }
                        }
                        out.writeLong(0);
                    }
                };
            case MAP: {
                expect(connect, path, avro, Schema.Type.MAP);
                if (connect.keySchema().type() != Schema.Type.STRING) {
                    throw new DataException("Field " + path + ": Connect map keys of type " + connect.keySchema().type()
                            + " cannot be written as an Avro map (string keys)");
                }
                ValueWriter values = writer(connect.valueSchema(), avro.getValueType(), path + "{}");
                return new ValueWriter(path) {
                    @Override
                    void writeNonNull(Object value, AvroBinary.Sink out) {
                        if (!(value instanceof Map<?, ?> map)) {
                            throw wrongType(value, "a java.util.Map");
                        }
                        if (!map.isEmpty()) {
                            out.writeLong(map.size());
                            for (Map.Entry<?, ?> e : map.entrySet()) {
                                if (!(e.getKey() instanceof String k)) {
                                    throw new DataException("Field " + path + ": map key "
                                            + (e.getKey() == null ? "null" : "of type " + e.getKey().getClass().getName())
                                            + " is not a String");
                                }
                                out.writeString(k);
                                values.write(e.getValue(), out);
                            }
                        }
                        out.writeLong(0);
                    }
                };
            }
            case RECORD:
                expect(connect, path, avro, Schema.Type.STRUCT);
                return new StructWriter(path, connect, avro);
            default:
                throw new DataException("Field " + path + ": Avro type " + avro.getType() + " is not supported");
        }
    }

    private static void expect(Schema connect, String path, org.apache.avro.Schema avro, Schema.Type... allowed) {
        for (Schema.Type t : allowed) {
            if (connect.type() == t) {
                return;
            }
        }
        throw new DataException("Field " + path + ": Connect type " + connect.type() + " cannot be written as Avro "
                + avro.getType().getName());
    }

    static final class NullableWriter extends ValueWriter {
        private final int nullIndex;
        private final int valueIndex;
        private final ValueWriter inner;

        NullableWriter(String path, int nullIndex, int valueIndex, ValueWriter inner) {
            super(path);
            this.nullIndex = nullIndex;
            this.valueIndex = valueIndex;
            this.inner = inner;
        }

        @Override
        void write(Object value, AvroBinary.Sink out) {
            if (value == null) {
                out.writeInt(nullIndex);
            } else {
                out.writeInt(valueIndex);
                inner.writeNonNull(value, out);
            }
        }

        @Override
        void writeNonNull(Object value, AvroBinary.Sink out) {
            write(value, out);
        }
    }

    static final class StructWriter extends ValueWriter {
        private final Schema connect;
        private final Field[] fields;
        private final ValueWriter[] writers;

        StructWriter(String path, Schema connect, org.apache.avro.Schema avro) {
            super(path);
            this.connect = connect;
            List<org.apache.avro.Schema.Field> avroFields = avro.getFields();
            this.fields = new Field[avroFields.size()];
            this.writers = new ValueWriter[avroFields.size()];
            for (int i = 0; i < avroFields.size(); i++) {
                org.apache.avro.Schema.Field af = avroFields.get(i);
                String fieldPath = path + "." + af.name();
                Field cf = connect.field(af.name());
                if (cf == null) {
                    if (af.schema().getType() == org.apache.avro.Schema.Type.UNION) {
                        writers[i] = alwaysNullWriter(af.schema(), fieldPath);
                        continue;
                    }
                    throw new DataException("Field " + fieldPath + " of Avro schema " + avro.getFullName()
                            + " has no counterpart in the Connect schema " + AvroSchemas.describe(connect));
                }
                fields[i] = cf;
                writers[i] = writer(cf.schema(), af.schema(), fieldPath);
            }
            for (Field cf : connect.fields()) {
                if (avro.getField(cf.name()) == null) {
                    throw new DataException("Connect field " + path + "." + cf.name() + " does not exist in Avro schema "
                            + avro.getFullName() + " (its data would be lost)");
                }
            }
        }

        @Override
        void writeNonNull(Object value, AvroBinary.Sink out) {
            if (!(value instanceof Struct struct)) {
                throw wrongType(value, "a Struct of schema " + AvroSchemas.describe(connect));
            }
            Schema actual = struct.schema();
            if (actual != connect && !actual.equals(connect)) {
                throw new DataException("Field " + path + ": the Struct's schema " + AvroSchemas.describe(actual)
                        + " does not match the expected schema " + AvroSchemas.describe(connect)
                        + mismatchDetail(actual, connect));
            }
            for (int i = 0; i < writers.length; i++) {
                Field f = fields[i];
                writers[i].write(f == null ? null : struct.get(f), out);
            }
        }
    }

    /** A writer for an Avro nullable field that has no Connect counterpart: always writes null. */
    private static ValueWriter alwaysNullWriter(org.apache.avro.Schema union, String path) {
        int nullIndex = union.getTypes().get(0).getType() == org.apache.avro.Schema.Type.NULL ? 0 : 1;
        return new ValueWriter(path) {
            @Override
            void write(Object value, AvroBinary.Sink out) {
                out.writeInt(nullIndex);
            }

            @Override
            void writeNonNull(Object value, AvroBinary.Sink out) {
                out.writeInt(nullIndex);
            }
        };
    }

    private static String mismatchDetail(Schema actual, Schema expected) {
        if (actual.type() != Schema.Type.STRUCT || expected.type() != Schema.Type.STRUCT) {
            return "";
        }
        List<String> diffs = new ArrayList<>();
        for (Field f : expected.fields()) {
            Field other = actual.field(f.name());
            if (other == null) {
                diffs.add("field '" + f.name() + "' is missing");
            } else if (!other.schema().equals(f.schema())) {
                diffs.add("field '" + f.name() + "' is " + brief(other.schema()) + " instead of " + brief(f.schema()));
            }
        }
        for (Field f : actual.fields()) {
            if (expected.field(f.name()) == null) {
                diffs.add("unexpected field '" + f.name() + "'");
            }
        }
        if (diffs.isEmpty()) {
            return " (their name, version, doc or parameters differ)";
        }
        return ": " + String.join(", ", diffs.size() > 5 ? diffs.subList(0, 5) : diffs)
                + (diffs.size() > 5 ? ", ..." : "");
    }

    private static String brief(Schema s) {
        StringBuilder b = new StringBuilder(s.isOptional() ? "optional " : "").append(s.type());
        if (s.name() != null) {
            b.append(' ').append(s.name());
        }
        if (s.doc() != null) {
            b.append(" doc=\"").append(s.doc()).append('"');
        }
        if (s.defaultValue() != null) {
            b.append(" default=").append(s.defaultValue());
        }
        return b.toString();
    }

    // ============================================================================================================
    // Reading
    // ============================================================================================================

    abstract static class ValueReader {
        final String path;

        ValueReader(String path) {
            this.path = path;
        }

        abstract Object read(AvroBinary.Source in);

        /** The fewest bytes one value can take (bounds block counts against the remaining input). */
        int minBytes() {
            return 1;
        }
    }

    /** Builds a reader for data written with {@code avro}, producing values of {@code connect}. */
    static ValueReader reader(org.apache.avro.Schema avro, Schema connect, String path) {
        if (avro.getType() == org.apache.avro.Schema.Type.UNION) {
            org.apache.avro.Schema inner = AvroSchemas.nullableBranch(avro, path);
            int nullIndex = avro.getTypes().get(0).getType() == org.apache.avro.Schema.Type.NULL ? 0 : 1;
            ValueReader innerReader = reader(inner, connect, path);
            return new ValueReader(path) {
                @Override
                Object read(AvroBinary.Source in) {
                    long index = in.readLong();
                    if (index == nullIndex) {
                        return null;
                    }
                    if (index == 1 - nullIndex) {
                        return innerReader.read(in);
                    }
                    throw new AvroBinary.MalformedException("union index " + index + " out of range for " + avro);
                }
            };
        }
        String logical = connect.name();
        switch (avro.getType()) {
            case BOOLEAN:
                return new ValueReader(path) {
                    @Override
                    Object read(AvroBinary.Source in) {
                        return in.readBoolean();
                    }
                };
            case INT:
                switch (connect.type()) {
                    case INT8:
                        return new ValueReader(path) {
                            @Override
                            Object read(AvroBinary.Source in) {
                                return (byte) in.readInt();
                            }
                        };
                    case INT16:
                        return new ValueReader(path) {
                            @Override
                            Object read(AvroBinary.Source in) {
                                return (short) in.readInt();
                            }
                        };
                    default:
                        if (Date.LOGICAL_NAME.equals(logical)) {
                            return new ValueReader(path) {
                                @Override
                                Object read(AvroBinary.Source in) {
                                    return Date.toLogical(connect, in.readInt());
                                }
                            };
                        }
                        if (Time.LOGICAL_NAME.equals(logical)) {
                            return new ValueReader(path) {
                                @Override
                                Object read(AvroBinary.Source in) {
                                    return Time.toLogical(connect, in.readInt());
                                }
                            };
                        }
                        return new ValueReader(path) {
                            @Override
                            Object read(AvroBinary.Source in) {
                                return in.readInt();
                            }
                        };
                }
            case LONG:
                if (Timestamp.LOGICAL_NAME.equals(logical)) {
                    return new ValueReader(path) {
                        @Override
                        Object read(AvroBinary.Source in) {
                            return new java.util.Date(in.readLong());
                        }
                    };
                }
                return new ValueReader(path) {
                    @Override
                    Object read(AvroBinary.Source in) {
                        return in.readLong();
                    }
                };
            case FLOAT:
                return new ValueReader(path) {
                    @Override
                    Object read(AvroBinary.Source in) {
                        return in.readFloat();
                    }

                    @Override
                    int minBytes() {
                        return 4;
                    }
                };
            case DOUBLE:
                return new ValueReader(path) {
                    @Override
                    Object read(AvroBinary.Source in) {
                        return in.readDouble();
                    }

                    @Override
                    int minBytes() {
                        return 8;
                    }
                };
            case STRING:
                return new ValueReader(path) {
                    @Override
                    Object read(AvroBinary.Source in) {
                        return in.readString();
                    }
                };
            case ENUM: {
                String[] symbols = avro.getEnumSymbols().toArray(new String[0]);
                return new ValueReader(path) {
                    @Override
                    Object read(AvroBinary.Source in) {
                        int index = in.readInt();
                        if (index < 0 || index >= symbols.length) {
                            throw new AvroBinary.MalformedException("enum index " + index + " out of range for "
                                    + avro.getFullName());
                        }
                        return symbols[index];
                    }
                };
            }
            case BYTES:
                if (Decimal.LOGICAL_NAME.equals(logical)) {
                    int scale = AvroSchemas.decimalScale(connect, path);
                    return new ValueReader(path) {
                        @Override
                        Object read(AvroBinary.Source in) {
                            byte[] b = in.readBytes();
                            if (b.length == 0) {
                                throw new AvroBinary.MalformedException("empty decimal");
                            }
                            return new BigDecimal(new BigInteger(b), scale);
                        }
                    };
                }
                return new ValueReader(path) {
                    @Override
                    Object read(AvroBinary.Source in) {
                        return in.readBytes();
                    }
                };
            case ARRAY:
                if (connect.type() == Schema.Type.MAP) {
                    org.apache.avro.Schema entry = avro.getElementType();
                    ValueReader key = reader(entry.getField(AvroSchemas.MAP_KEY).schema(), connect.keySchema(), path + ".key");
                    ValueReader val = reader(entry.getField(AvroSchemas.MAP_VALUE).schema(), connect.valueSchema(), path + "{}");
                    int min = key.minBytes() + val.minBytes();
                    return new ValueReader(path) {
                        @Override
                        Object read(AvroBinary.Source in) {
                            Map<Object, Object> map = new LinkedHashMap<>();
                            for (long n = in.readBlockCount(min); n != 0; n = in.readBlockCount(min)) {
                                for (long i = 0; i < n; i++) {
                                    Object k = key.read(in);
                                    map.put(k, val.read(in));
                                }
                            }
                            return map;
                        }
                    };
                } else {
                    ValueReader items = reader(avro.getElementType(), connect.valueSchema(), path + "[]");
                    int min = items.minBytes();
                    return new ValueReader(path) {
                        @Override
                        Object read(AvroBinary.Source in) {
                            List<Object> list = new ArrayList<>();
                            for (long n = in.readBlockCount(min); n != 0; n = in.readBlockCount(min)) {
                                for (long i = 0; i < n; i++) {
                                    list.add(items.read(in));
                                }
                            }
                            return list;
                        }
                    };
                }
            case MAP: {
                ValueReader values = reader(avro.getValueType(), connect.valueSchema(), path + "{}");
                int min = 1 + values.minBytes();
                return new ValueReader(path) {
                    @Override
                    Object read(AvroBinary.Source in) {
                        Map<Object, Object> map = new LinkedHashMap<>();
                        for (long n = in.readBlockCount(min); n != 0; n = in.readBlockCount(min)) {
                            for (long i = 0; i < n; i++) {
                                String k = in.readString();
                                map.put(k, values.read(in));
                            }
                        }
                        return map;
                    }
                };
            }
            case RECORD:
                return new StructReader(path, avro, connect);
            default:
                throw new DataException("Field " + path + ": Avro type " + avro.getType() + " is not supported");
        }
    }

    static final class StructReader extends ValueReader {
        private final Schema connect;
        private final Field[] fields;
        private final ValueReader[] readers;
        private final int minBytes;

        StructReader(String path, org.apache.avro.Schema avro, Schema connect) {
            super(path);
            this.connect = connect;
            List<org.apache.avro.Schema.Field> avroFields = avro.getFields();
            fields = new Field[avroFields.size()];
            readers = new ValueReader[avroFields.size()];
            int min = 0;
            for (int i = 0; i < avroFields.size(); i++) {
                org.apache.avro.Schema.Field af = avroFields.get(i);
                fields[i] = connect.field(af.name());
                readers[i] = reader(af.schema(), fields[i].schema(), path + "." + af.name());
                min += readers[i].minBytes();
            }
            minBytes = min;
        }

        @Override
        Object read(AvroBinary.Source in) {
            Struct struct = new Struct(connect);
            for (int i = 0; i < readers.length; i++) {
                Object value;
                try {
                    value = readers[i].read(in);
                } catch (AvroBinary.TruncatedException e) {
                    throw new DataException("Avro data is truncated: it ends inside field " + readers[i].path
                            + " (" + e.getMessage() + ")");
                } catch (AvroBinary.MalformedException e) {
                    throw new DataException("Avro data is corrupt in field " + readers[i].path + ": " + e.getMessage());
                }
                struct.put(fields[i], value);
            }
            return struct;
        }

        @Override
        int minBytes() {
            return minBytes;
        }
    }
}
