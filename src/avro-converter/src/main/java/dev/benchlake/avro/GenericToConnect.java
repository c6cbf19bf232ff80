package dev.benchlake.avro;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Turns Avro generic data read with an Avro schema into the Connect value of the Connect schema
 * {@link AvroSchemas#toConnectSchema(org.apache.avro.Schema)} derives from it: records become {@link Struct}s,
 * {@code int}/{@code long} with {@code date}, {@code time-millis} and {@code timestamp-millis} become
 * {@link java.util.Date}s, decimals {@link BigDecimal}s, enum symbols and strings {@link String}s, bytes
 * {@code byte[]}, arrays of Confluent map entries {@link Map}s. Built once per schema; thread-safe.
 */
final class GenericToConnect {
    private final UnaryOperator<Object> mapping;

    private GenericToConnect(UnaryOperator<Object> mapping) {
        this.mapping = mapping;
    }

    static GenericToConnect of(org.apache.avro.Schema avro, Schema connect, String path) {
        if (avro.getType() == org.apache.avro.Schema.Type.UNION) {
            return of(AvroSchemas.nullableBranch(avro, path), connect, path);
        }
        return new GenericToConnect(mapping(avro, connect, path));
    }

    Object convert(Object datum) {
        // only a nullable union's null branch reads as null
        return datum == null ? null : mapping.apply(datum);
    }

    private static UnaryOperator<Object> mapping(org.apache.avro.Schema avro, Schema connect, String path) {
        String logical = connect.name();
        switch (avro.getType()) {
            case INT:
                if (connect.type() == Schema.Type.INT8) {
                    return v -> ((Integer) v).byteValue();
                }
                if (connect.type() == Schema.Type.INT16) {
                    return v -> ((Integer) v).shortValue();
                }
                if (Date.LOGICAL_NAME.equals(logical)) {
                    return v -> Date.toLogical(connect, (Integer) v);
                }
                if (Time.LOGICAL_NAME.equals(logical)) {
                    return v -> Time.toLogical(connect, (Integer) v);
                }
                return UnaryOperator.identity();
            case LONG:
                if (Timestamp.LOGICAL_NAME.equals(logical)) {
                    return v -> new java.util.Date((Long) v);
                }
                return UnaryOperator.identity();
            case STRING:
            case ENUM:
                return Object::toString;
            case BYTES:
                if (Decimal.LOGICAL_NAME.equals(logical)) {
                    int scale = AvroSchemas.decimalScale(connect, path);
                    return v -> decimal((ByteBuffer) v, scale, path);
                }
                return v -> bytes((ByteBuffer) v);
            case ARRAY:
                if (connect.type() == Schema.Type.MAP) {
                    return mapEntries(avro.getElementType(), connect, path);
                }
                GenericToConnect items = of(avro.getElementType(), connect.valueSchema(), path + "[]");
                return v -> {
                    Collection<?> array = (Collection<?>) v;
                    List<Object> list = new ArrayList<>(array.size());
                    for (Object item : array) {
                        list.add(items.convert(item));
                    }
                    return list;
                };
            case MAP: {
                GenericToConnect values = of(avro.getValueType(), connect.valueSchema(), path + "{}");
                return v -> {
                    Map<Object, Object> map = new LinkedHashMap<>();
                    ((Map<?, ?>) v).forEach((key, value) -> map.put(key.toString(), values.convert(value)));
                    return map;
                };
            }
            case RECORD:
                return record(avro, connect, path);
            default:
                // boolean, float and double are Connect's types already
                return UnaryOperator.identity();
        }
    }

    private static UnaryOperator<Object> mapEntries(org.apache.avro.Schema entry, Schema connect, String path) {
        GenericToConnect key = of(entry.getField(AvroSchemas.MAP_KEY).schema(), connect.keySchema(), path + ".key");
        GenericToConnect value = of(entry.getField(AvroSchemas.MAP_VALUE).schema(), connect.valueSchema(), path + "{}");
        int keyPos = entry.getField(AvroSchemas.MAP_KEY).pos();
        int valuePos = entry.getField(AvroSchemas.MAP_VALUE).pos();
        return v -> {
            Map<Object, Object> map = new LinkedHashMap<>();
            for (Object item : (Collection<?>) v) {
                IndexedRecord r = (IndexedRecord) item;
                map.put(key.convert(r.get(keyPos)), value.convert(r.get(valuePos)));
            }
            return map;
        };
    }

    private static UnaryOperator<Object> record(org.apache.avro.Schema avro, Schema connect, String path) {
        List<org.apache.avro.Schema.Field> avroFields = avro.getFields();
        Field[] fields = new Field[avroFields.size()];
        GenericToConnect[] values = new GenericToConnect[avroFields.size()];
        for (int i = 0; i < fields.length; i++) {
            org.apache.avro.Schema.Field f = avroFields.get(i);
            fields[i] = connect.field(f.name());
            values[i] = of(f.schema(), fields[i].schema(), path + "." + f.name());
        }
        return v -> {
            IndexedRecord record = (IndexedRecord) v;
            Struct struct = new Struct(connect);
            for (int i = 0; i < fields.length; i++) {
                struct.put(fields[i], values[i].convert(record.get(i)));
            }
            return struct;
        };
    }

    private static byte[] bytes(ByteBuffer buffer) {
        // BoundedDecoder wraps a fresh array of exactly the value's bytes: hand it over without a copy
        if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0 && buffer.remaining() == buffer.array().length) {
            return buffer.array();
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static BigDecimal decimal(ByteBuffer buffer, int scale, String path) {
        if (!buffer.hasRemaining()) {
            throw new DataException("Avro data is corrupt in field " + path + ": an empty decimal");
        }
        return new BigDecimal(new BigInteger(bytes(buffer)), scale);
    }
}
