package dev.benchlake.avro;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Turns Connect values of one Connect schema into the Avro generic data ({@link GenericData.Record},
 * {@link GenericData.Array}, {@link Map}, {@link ByteBuffer}, {@link GenericData.EnumSymbol},
 * {@link GenericData.Fixed}, boxed primitives, {@link String}) that Avro's {@code GenericDatumWriter} writes with
 * a given Avro schema. The Avro schema decides the encoding: a Connect {@link Timestamp} goes out in milliseconds,
 * microseconds or nanoseconds as its Avro field's logical type says, a {@link Time} in milliseconds or microseconds.
 * <p>
 * Built once per schema pair, after checking that the two fit; every node knows its field path, so a value that
 * does not fit is reported with the field's name. Thread-safe.
 */
final class ConnectToGeneric {
    private final String path;
    private final boolean nullable;
    private final UnaryOperator<Object> mapping;

    private ConnectToGeneric(String path, boolean nullable, UnaryOperator<Object> mapping) {
        this.path = path;
        this.nullable = nullable;
        this.mapping = mapping;
    }

    /**
     * @throws DataException if values of {@code connect} cannot be written with {@code avro}, naming the field
     */
    static ConnectToGeneric of(Schema connect, org.apache.avro.Schema avro, String path) {
        if (avro.getType() == org.apache.avro.Schema.Type.UNION) {
            return new ConnectToGeneric(path, true, mapping(connect, AvroSchemas.nullableBranch(avro, path), path));
        }
        return new ConnectToGeneric(path, false, mapping(connect, avro, path));
    }

    Object convert(Object value) {
        if (value != null) {
            return mapping.apply(value);
        }
        if (nullable) {
            return null;
        }
        throw new DataException("Field " + path + " is required (not optional) but its value is null");
    }

    private static UnaryOperator<Object> mapping(Schema connect, org.apache.avro.Schema avro, String path) {
        String logical = connect.name();
        switch (avro.getType()) {
            case BOOLEAN:
                expect(connect, avro, path, Schema.Type.BOOLEAN);
                return v -> check(v instanceof Boolean, v, "a Boolean", path);
            case INT:
                if (Date.LOGICAL_NAME.equals(logical) || Time.LOGICAL_NAME.equals(logical)) {
                    return dateOrTimeAsInt(connect, avro, path);
                }
                expect(connect, avro, path, Schema.Type.INT8, Schema.Type.INT16, Schema.Type.INT32);
                return v -> {
                    if (v instanceof Integer) {
                        return v;
                    }
                    check(v instanceof Short || v instanceof Byte, v, "an Integer, Short or Byte", path);
                    return ((Number) v).intValue();
                };
            case LONG:
                if (Timestamp.LOGICAL_NAME.equals(logical) || Time.LOGICAL_NAME.equals(logical)) {
                    return instantAsLong(connect, avro, path);
                }
                expect(connect, avro, path, Schema.Type.INT8, Schema.Type.INT16, Schema.Type.INT32, Schema.Type.INT64);
                return v -> {
                    if (v instanceof Long) {
                        return v;
                    }
                    check(v instanceof Integer || v instanceof Short || v instanceof Byte, v, "a Long", path);
                    return ((Number) v).longValue();
                };
            case FLOAT:
                expect(connect, avro, path, Schema.Type.FLOAT32);
                return v -> check(v instanceof Float, v, "a Float", path);
            case DOUBLE:
                expect(connect, avro, path, Schema.Type.FLOAT32, Schema.Type.FLOAT64);
                return v -> {
                    if (v instanceof Double) {
                        return v;
                    }
                    check(v instanceof Float, v, "a Double", path);
                    return ((Float) v).doubleValue();
                };
            case STRING:
                expect(connect, avro, path, Schema.Type.STRING);
                return v -> {
                    if (v instanceof String) {
                        return v;
                    }
                    check(v instanceof CharSequence, v, "a String", path);
                    return v.toString();
                };
            case ENUM:
                expect(connect, avro, path, Schema.Type.STRING);
                return enumSymbol(avro, path);
            case BYTES:
                if (Decimal.LOGICAL_NAME.equals(logical)) {
                    expect(connect, avro, path, Schema.Type.BYTES);
                    int scale = decimalScale(connect, avro, path);
                    return v -> ByteBuffer.wrap(unscaled(v, scale, path));
                }
                expect(connect, avro, path, Schema.Type.BYTES);
                return v -> {
                    if (v instanceof ByteBuffer) {
                        return v;
                    }
                    check(v instanceof byte[], v, "a byte[] or ByteBuffer", path);
                    return ByteBuffer.wrap((byte[]) v);
                };
            case FIXED:
                expect(connect, avro, path, Schema.Type.BYTES);
                return fixed(connect, avro, path);
            case ARRAY:
                if (connect.type() == Schema.Type.MAP && AvroSchemas.isMapEntry(avro.getElementType())) {
                    return mapEntries(connect, avro, path);
                }
                expect(connect, avro, path, Schema.Type.ARRAY);
                ConnectToGeneric items = of(connect.valueSchema(), avro.getElementType(), path + "[]");
                return v -> {
                    check(v instanceof Collection, v, "a java.util.List", path);
                    Collection<?> list = (Collection<?>) v;
                    GenericData.Array<Object> array = new GenericData.Array<>(list.size(), avro);
                    for (Object item : list) {
                        array.add(items.convert(item));
                    }
                    return array;
                };
            case MAP:
                expect(connect, avro, path, Schema.Type.MAP);
                return stringKeyMap(connect, avro, path);
            case RECORD:
                expect(connect, avro, path, Schema.Type.STRUCT);
                return new StructToRecord(connect, avro, path);
            default:
                throw new DataException("Field " + path + ": Avro type " + avro.getType() + " is not supported");
        }
    }

    private static void expect(Schema connect, org.apache.avro.Schema avro, String path, Schema.Type... allowed) {
        for (Schema.Type t : allowed) {
            if (connect.type() == t) {
                return;
            }
        }
        throw new DataException("Field " + path + ": Connect type " + connect.type() + " cannot be written as Avro "
                + avro.getType().getName());
    }

    private static Object check(boolean ok, Object value, String expected, String path) {
        if (!ok) {
            throw new DataException("Field " + path + ": expected " + expected + " but got a " + value.getClass().getName());
        }
        return value;
    }

    private static String logicalName(org.apache.avro.Schema avro) {
        LogicalType t = avro.getLogicalType();
        return t == null ? "none" : t.getName();
    }

    /** Connect Date (days) and Time (milliseconds of the day) into an Avro int: {@code date}, {@code time-millis}. */
    private static UnaryOperator<Object> dateOrTimeAsInt(Schema connect, org.apache.avro.Schema avro, String path) {
        expect(connect, avro, path, Schema.Type.INT32);
        boolean date = Date.LOGICAL_NAME.equals(connect.name());
        LogicalType target = avro.getLogicalType();
        if (target != null && !(date ? target instanceof LogicalTypes.Date : target instanceof LogicalTypes.TimeMillis)) {
            throw new DataException("Field " + path + ": a Connect " + connect.name() + " cannot be written as an Avro int with"
                    + " logical type " + target.getName());
        }
        return v -> {
            check(v instanceof java.util.Date, v, "a java.util.Date (" + connect.name() + ")", path);
            try {
                return date ? Date.fromLogical(connect, (java.util.Date) v) : Time.fromLogical(connect, (java.util.Date) v);
            } catch (DataException e) {
                throw new DataException("Field " + path + ": " + e.getMessage(), e);
            }
        };
    }

    /**
     * Connect Timestamp and Time into an Avro long, in the unit of its logical type: a Timestamp as
     * {@code timestamp-millis/micros/nanos} (or the local- variants, or a plain long: milliseconds), a Time as
     * {@code time-micros}.
     */
    private static UnaryOperator<Object> instantAsLong(Schema connect, org.apache.avro.Schema avro, String path) {
        boolean time = Time.LOGICAL_NAME.equals(connect.name());
        expect(connect, avro, path, time ? Schema.Type.INT32 : Schema.Type.INT64);
        LogicalType target = avro.getLogicalType();
        long perMilli;
        if (time) {
            perMilli = target instanceof LogicalTypes.TimeMicros ? 1_000L : 0L;
        } else if (target == null || target instanceof LogicalTypes.TimestampMillis || target instanceof LogicalTypes.LocalTimestampMillis) {
            perMilli = 1L;
        } else if (target instanceof LogicalTypes.TimestampMicros || target instanceof LogicalTypes.LocalTimestampMicros) {
            perMilli = 1_000L;
        } else if (target instanceof LogicalTypes.TimestampNanos || target instanceof LogicalTypes.LocalTimestampNanos) {
            perMilli = 1_000_000L;
        } else {
            perMilli = 0L;
        }
        if (perMilli == 0L) {
            throw new DataException("Field " + path + ": a Connect " + connect.name() + " cannot be written as an Avro long with"
                    + " logical type " + logicalName(avro));
        }
        return v -> {
            check(v instanceof java.util.Date, v, "a java.util.Date (" + connect.name() + ")", path);
            try {
                long millis = time ? Time.fromLogical(connect, (java.util.Date) v) : ((java.util.Date) v).getTime();
                return Math.multiplyExact(millis, perMilli);
            } catch (DataException e) {
                throw new DataException("Field " + path + ": " + e.getMessage(), e);
            } catch (ArithmeticException e) {
                throw new DataException("Field " + path + ": " + v + " is out of the range of Avro " + logicalName(avro), e);
            }
        };
    }

    private static UnaryOperator<Object> enumSymbol(org.apache.avro.Schema avro, String path) {
        Map<String, GenericData.EnumSymbol> symbols = new HashMap<>();
        for (String symbol : avro.getEnumSymbols()) {
            symbols.put(symbol, new GenericData.EnumSymbol(avro, symbol));
        }
        return v -> {
            check(v instanceof CharSequence, v, "a String (enum symbol)", path);
            GenericData.EnumSymbol symbol = symbols.get(v.toString());
            if (symbol == null) {
                throw new DataException("Field " + path + ": '" + v + "' is not a symbol of enum " + avro.getFullName() + " "
                        + avro.getEnumSymbols());
            }
            return symbol;
        };
    }

    /** The Connect Decimal's scale, which the Avro decimal must share (Avro stores only the unscaled value). */
    private static int decimalScale(Schema connect, org.apache.avro.Schema avro, String path) {
        int scale = AvroSchemas.decimalScale(connect, path);
        if (avro.getLogicalType() instanceof LogicalTypes.Decimal d && d.getScale() != scale) {
            throw new DataException("Field " + path + ": Connect Decimal scale " + scale + " differs from the Avro decimal scale "
                    + d.getScale());
        }
        return scale;
    }

    private static byte[] unscaled(Object v, int scale, String path) {
        check(v instanceof BigDecimal, v, "a java.math.BigDecimal", path);
        BigDecimal decimal = (BigDecimal) v;
        if (decimal.scale() != scale) {
            throw new DataException("Field " + path + ": BigDecimal has scale " + decimal.scale() + " but the schema's scale is "
                    + scale);
        }
        return decimal.unscaledValue().toByteArray();
    }

    /** Connect bytes or Decimal into an Avro fixed (possible with {@code use.latest.version}). */
    private static UnaryOperator<Object> fixed(Schema connect, org.apache.avro.Schema avro, String path) {
        int size = avro.getFixedSize();
        if (Decimal.LOGICAL_NAME.equals(connect.name())) {
            int scale = decimalScale(connect, avro, path);
            return v -> {
                byte[] unscaled = unscaled(v, scale, path);
                if (unscaled.length > size) {
                    throw new DataException("Field " + path + ": " + v + " needs " + unscaled.length + " bytes, more than the "
                            + size + " of fixed " + avro.getFullName());
                }
                // two's complement, sign-extended to the fixed size
                byte[] bytes = new byte[size];
                byte fill = unscaled[0] < 0 ? (byte) -1 : 0;
                Arrays.fill(bytes, 0, size - unscaled.length, fill);
                System.arraycopy(unscaled, 0, bytes, size - unscaled.length, unscaled.length);
                return new GenericData.Fixed(avro, bytes);
            };
        }
        return v -> {
            byte[] bytes;
            if (v instanceof ByteBuffer buffer) {
                bytes = new byte[buffer.remaining()];
                buffer.duplicate().get(bytes);
            } else {
                bytes = (byte[]) check(v instanceof byte[], v, "a byte[] or ByteBuffer", path);
            }
            if (bytes.length != size) {
                throw new DataException("Field " + path + ": " + bytes.length + " bytes do not fit fixed " + avro.getFullName()
                        + " of size " + size);
            }
            return new GenericData.Fixed(avro, bytes);
        };
    }

    /** A Connect map with string keys into an Avro map. */
    private static UnaryOperator<Object> stringKeyMap(Schema connect, org.apache.avro.Schema avro, String path) {
        if (connect.keySchema().type() != Schema.Type.STRING) {
            throw new DataException("Field " + path + ": Connect map keys of type " + connect.keySchema().type()
                    + " cannot be written as an Avro map (string keys)");
        }
        ConnectToGeneric values = of(connect.valueSchema(), avro.getValueType(), path + "{}");
        return v -> {
            check(v instanceof Map, v, "a java.util.Map", path);
            Map<?, ?> map = (Map<?, ?>) v;
            Map<String, Object> out = new LinkedHashMap<>(map.size() * 2);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new DataException("Field " + path + ": map key "
                            + (e.getKey() == null ? "null" : "of type " + e.getKey().getClass().getName()) + " is not a String");
                }
                out.put(key, values.convert(e.getValue()));
            }
            return out;
        };
    }

    /** Any other Connect map into an array of Confluent's MapEntry records. */
    private static UnaryOperator<Object> mapEntries(Schema connect, org.apache.avro.Schema avro, String path) {
        org.apache.avro.Schema entry = avro.getElementType();
        ConnectToGeneric key = of(connect.keySchema(), entry.getField(AvroSchemas.MAP_KEY).schema(), path + ".key");
        ConnectToGeneric value = of(connect.valueSchema(), entry.getField(AvroSchemas.MAP_VALUE).schema(), path + "{}");
        int keyPos = entry.getField(AvroSchemas.MAP_KEY).pos();
        int valuePos = entry.getField(AvroSchemas.MAP_VALUE).pos();
        return v -> {
            check(v instanceof Map, v, "a java.util.Map", path);
            Map<?, ?> map = (Map<?, ?>) v;
            GenericData.Array<Object> array = new GenericData.Array<>(map.size(), avro);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                GenericData.Record record = new GenericData.Record(entry);
                record.put(keyPos, key.convert(e.getKey()));
                record.put(valuePos, value.convert(e.getValue()));
                array.add(record);
            }
            return array;
        };
    }

    /** A Struct into a record: field by field, by name; a nullable Avro field the Struct lacks is written as null. */
    private static final class StructToRecord implements UnaryOperator<Object> {
        private final Schema connect;
        private final org.apache.avro.Schema avro;
        private final String path;
        private final Field[] fields;
        private final ConnectToGeneric[] values;

        StructToRecord(Schema connect, org.apache.avro.Schema avro, String path) {
            this.connect = connect;
            this.avro = avro;
            this.path = path;
            List<org.apache.avro.Schema.Field> avroFields = avro.getFields();
            fields = new Field[avroFields.size()];
            values = new ConnectToGeneric[avroFields.size()];
            for (int i = 0; i < fields.length; i++) {
                org.apache.avro.Schema.Field af = avroFields.get(i);
                String fieldPath = path + "." + af.name();
                fields[i] = connect.field(af.name());
                if (fields[i] != null) {
                    values[i] = of(fields[i].schema(), af.schema(), fieldPath);
                } else if (af.schema().getType() != org.apache.avro.Schema.Type.UNION) {
                    throw new DataException("Field " + fieldPath + " of Avro schema " + avro.getFullName()
                            + " has no counterpart in the Connect schema " + AvroSchemas.describe(connect));
                }
            }
            for (Field cf : connect.fields()) {
                if (avro.getField(cf.name()) == null) {
                    throw new DataException("Connect field " + path + "." + cf.name() + " does not exist in Avro schema "
                            + avro.getFullName() + " (its data would be lost)");
                }
            }
        }

        @Override
        public Object apply(Object v) {
            if (!(v instanceof Struct struct)) {
                throw new DataException("Field " + path + ": expected a Struct of schema " + AvroSchemas.describe(connect)
                        + " but got a " + v.getClass().getName());
            }
            Schema actual = struct.schema();
            if (actual != connect && !actual.equals(connect)) {
                throw new DataException("Field " + path + ": the Struct's schema " + AvroSchemas.describe(actual)
                        + " does not match the expected schema " + AvroSchemas.describe(connect)
                        + StructMismatch.describe(actual, connect));
            }
            GenericData.Record record = new GenericData.Record(avro);
            for (int i = 0; i < fields.length; i++) {
                if (fields[i] != null) {
                    record.put(i, values[i].convert(struct.get(fields[i])));
                }
            }
            return record;
        }
    }
}
