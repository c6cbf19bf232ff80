package dev.benchlake.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.avro.Conversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/**
 * The Connect to Avro generic data mapping ({@link ConnectToGeneric}, {@link GenericToConnect}) and the bounded
 * reading ({@link GenericReading}) against an independent conversion in this test: for random values of every
 * supported type, the mapping's datum is written by Avro to the same bytes, and those bytes read back as the value.
 */
class GenericMappingTest {

    private static byte[] ours(Schema connect, org.apache.avro.Schema avro, Object value) throws IOException {
        return avros(avro, ConnectToGeneric.of(connect, avro, avro.getFullName()).convert(value));
    }

    private static byte[] avros(org.apache.avro.Schema avro, Object datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<Object>(avro, new GenericData()).write(datum, enc);
        enc.flush();
        return out.toByteArray();
    }

    private static Object read(org.apache.avro.Schema avro, Schema connect, byte[] bytes) {
        Object datum = new GenericReading(avro).read(bytes, 0);
        return GenericToConnect.of(avro, connect, avro.getFullName()).convert(datum);
    }

    @Test
    void randomRichRecordsMapToWhatAvroWritesIdenticallyAndReadBackEqual() throws IOException {
        org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(AvroSchemasTest.RICH_AVSC);
        Schema connect = AvroSchemas.toConnectSchema(avro);
        Random random = new Random(20251126L);
        for (int n = 0; n < 300; n++) {
            Struct value = randomStruct(connect, random);
            byte[] mine = ours(connect, avro, value);
            byte[] theirs = avros(avro, toGeneric(value, avro));
            assertThat(mine).as("record %d", n).isEqualTo(theirs);
            Object back = read(avro, connect, theirs);
            assertThat(back).as("record %d", n).isEqualTo(value);
        }
    }

    @Test
    void randomBenchmarkStepsMapToWhatAvroWritesIdenticallyAndReadBackEqual() throws IOException {
        org.apache.avro.Schema avro = TestSchemas.benchmarkStepAvro();
        Schema connect = AvroSchemas.toConnectSchema(avro);
        Random random = new Random(7L);
        for (int n = 0; n < 300; n++) {
            Struct value = randomStruct(connect, random);
            byte[] theirs = avros(avro, toGeneric(value, avro));
            assertThat(ours(connect, avro, value)).isEqualTo(theirs);
            assertThat(read(avro, connect, theirs)).isEqualTo(value);
        }
    }

    @Test
    void int8Int16AndNonStringKeyMapsMapToIntsAndMapEntryArrays() throws IOException {
        Schema connect = SchemaBuilder.struct().name("K")
                .field("b", Schema.INT8_SCHEMA)
                .field("s", Schema.INT16_SCHEMA)
                .field("m", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).build())
                .field("f", Schema.FLOAT32_SCHEMA)
                .build();
        org.apache.avro.Schema avro = AvroSchemas.toAvroSchema(connect, true);
        Map<Integer, String> m = new LinkedHashMap<>();
        m.put(-3, "minus three");
        m.put(400, null);
        Struct value = new Struct(connect).put("b", (byte) -7).put("s", (short) 30000).put("m", m).put("f", 3.25f);

        GenericRecord rec = new GenericData.Record(avro);
        rec.put("b", -7);
        rec.put("s", 30000);
        org.apache.avro.Schema entry = avro.getField("m").schema().getElementType();
        List<GenericRecord> entries = new ArrayList<>();
        for (Map.Entry<Integer, String> e : m.entrySet()) {
            GenericRecord r = new GenericData.Record(entry);
            r.put("key", e.getKey());
            r.put("value", e.getValue());
            entries.add(r);
        }
        rec.put("m", entries);
        rec.put("f", 3.25f);
        byte[] theirs = avros(avro, rec);

        assertThat(ours(connect, avro, value)).isEqualTo(theirs);
        Struct back = (Struct) read(avro, AvroSchemas.toConnectSchema(avro), theirs);
        assertThat(back.get("b")).isEqualTo((byte) -7);
        assertThat(back.get("s")).isEqualTo((short) 30000);
        assertThat(back.get("m")).isEqualTo(m);
        assertThat(back.get("f")).isEqualTo(3.25f);
    }

    @Test
    void truncatedOrCorruptInputIsRejectedNamingTheField() throws IOException {
        org.apache.avro.Schema avro = TestSchemas.benchmarkStepAvro();
        Schema connect = AvroSchemas.toConnectSchema(avro);
        byte[] full = ours(connect, avro, TestSchemas.benchmarkStep(connect, 1));
        for (int cut = 0; cut < full.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(full, cut);
            assertThatThrownBy(() -> read(avro, connect, truncated))
                    .as("cut at %d", cut)
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("truncated")
                    .hasMessageContaining("dev.benchlake.BenchmarkStep.");
        }
        // a union index that does not exist in ["null","double"]
        Schema s = SchemaBuilder.struct().name("U").field("x", Schema.OPTIONAL_FLOAT64_SCHEMA).build();
        org.apache.avro.Schema u = AvroSchemas.toAvroSchema(s);
        assertThatThrownBy(() -> read(u, s, new byte[] {0x06}))
                .isInstanceOf(DataException.class).hasMessageContaining("U.x").hasMessageContaining("union index 3");
        // a string length larger than the input
        Schema str = SchemaBuilder.struct().name("S").field("name", Schema.STRING_SCHEMA).build();
        assertThatThrownBy(() -> read(AvroSchemas.toAvroSchema(str), str, new byte[] {(byte) 0xFE, (byte) 0xFF, 0x7F, 'a'}))
                .isInstanceOf(DataException.class).hasMessageContaining("S.name").hasMessageContaining("exceeds");
    }

    @Test
    void decimalsAndBytesAreWrittenIntoAnAvroFixedSignExtended() throws IOException {
        Schema connect = SchemaBuilder.struct().name("F")
                .field("amount", Decimal.schema(2))
                .field("hash", Schema.BYTES_SCHEMA)
                .build();
        org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse("""
                {"type":"record","name":"F","fields":[
                  {"name":"amount","type":{"type":"fixed","name":"Amount","size":8,"logicalType":"decimal","precision":18,"scale":2}},
                  {"name":"hash","type":{"type":"fixed","name":"Hash","size":4}}]}""");
        Struct value = new Struct(connect).put("amount", new BigDecimal("-12345.67")).put("hash", new byte[] {1, 2, 3, 4});

        GenericData data = new GenericData();
        data.addLogicalTypeConversion(new Conversions.DecimalConversion());
        GenericRecord back = new GenericDatumReader<GenericRecord>(avro, avro, data)
                .read(null, DecoderFactory.get().binaryDecoder(ours(connect, avro, value), null));

        assertThat(back.get("amount")).isEqualTo(new BigDecimal("-12345.67"));
        assertThat(((GenericData.Fixed) back.get("hash")).bytes()).containsExactly(1, 2, 3, 4);
        assertThatThrownBy(() -> ours(connect, avro, new Struct(connect).put("amount", BigDecimal.ONE.setScale(2)).put("hash", new byte[3])))
                .isInstanceOf(DataException.class).hasMessageContaining("F.hash").hasMessageContaining("size 4");
        assertThatThrownBy(() -> ours(connect, avro, new Struct(connect).put("amount", new BigDecimal("1e30").setScale(2))
                .put("hash", new byte[4])))
                .isInstanceOf(DataException.class).hasMessageContaining("F.amount").hasMessageContaining("more than the 8");
    }

    // ------------------------------------------------------------------------------------------------------------

    private static Struct randomStruct(Schema schema, Random r) {
        Struct s = new Struct(schema);
        for (Field f : schema.fields()) {
            s.put(f, randomValue(f.schema(), r));
        }
        return s;
    }

    private static Object randomValue(Schema schema, Random r) {
        // (a null where the schema has a default reads back as the default, as Struct.get defines)
        if (schema.isOptional() && schema.defaultValue() == null && r.nextInt(3) == 0) {
            return null;
        }
        String name = schema.name();
        switch (schema.type()) {
            case BOOLEAN:
                return r.nextBoolean();
            case INT32:
                if (Date.LOGICAL_NAME.equals(name)) {
                    return new java.util.Date((long) r.nextInt(40_000) * 86_400_000L);
                }
                if (Time.LOGICAL_NAME.equals(name)) {
                    return new java.util.Date(r.nextInt(86_400_000));
                }
                return r.nextBoolean() ? r.nextInt() : r.nextInt(100) - 50;
            case INT64:
                if (Timestamp.LOGICAL_NAME.equals(name)) {
                    return new java.util.Date(r.nextLong() >> 20);
                }
                return r.nextBoolean() ? r.nextLong() : (long) (r.nextInt(100) - 50);
            case FLOAT32:
                return r.nextFloat() * 1000 - 500;
            case FLOAT64:
                return r.nextDouble() * 1e6 - 5e5;
            case STRING: {
                if (schema.parameters() != null && schema.parameters().containsKey(AvroSchemas.ENUM_PARAM)) {
                    String[] symbols = {"RED", "GREEN", "BLUE"};
                    return symbols[r.nextInt(3)];
                }
                StringBuilder sb = new StringBuilder();
                int len = r.nextInt(4) == 0 ? 70 + r.nextInt(200) : r.nextInt(20);
                for (int i = 0; i < len; i++) {
                    int kind = r.nextInt(10);
                    sb.append(kind < 7 ? (char) ('a' + r.nextInt(26)) : kind < 9 ? (char) (0xE0 + r.nextInt(30)) : "\uD83D\uDE00");
                }
                return sb.toString();
            }
            case BYTES: {
                if (Decimal.LOGICAL_NAME.equals(name)) {
                    int scale = Integer.parseInt(schema.parameters().get("scale"));
                    return new BigDecimal(BigInteger.valueOf(r.nextLong() >> r.nextInt(60)), scale);
                }
                byte[] b = new byte[r.nextInt(40)];
                r.nextBytes(b);
                return b;
            }
            case ARRAY: {
                List<Object> list = new ArrayList<>();
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    list.add(randomValue(schema.valueSchema(), r));
                }
                return list;
            }
            case MAP: {
                Map<Object, Object> map = new LinkedHashMap<>();
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    map.put(randomValue(schema.keySchema(), r), randomValue(schema.valueSchema(), r));
                }
                return map;
            }
            case STRUCT:
                return randomStruct(schema, r);
            default:
                throw new IllegalArgumentException(schema.type().toString());
        }
    }

    /** Connect value to Apache Avro's generic representation (no logical-type conversions: raw ints/longs/bytes). */
    private static Object toGeneric(Object value, org.apache.avro.Schema avro) {
        if (value == null) {
            return null;
        }
        if (avro.getType() == org.apache.avro.Schema.Type.UNION) {
            return toGeneric(value, AvroSchemas.nullableBranch(avro, "test"));
        }
        switch (avro.getType()) {
            case INT:
                if (value instanceof java.util.Date d) {
                    return "date".equals(avro.getProp("logicalType"))
                            ? (int) (d.getTime() / 86_400_000L) : (int) d.getTime();
                }
                return ((Number) value).intValue();
            case LONG:
                return value instanceof java.util.Date d ? d.getTime() : value;
            case BYTES:
                if (value instanceof BigDecimal bd) {
                    return ByteBuffer.wrap(bd.unscaledValue().toByteArray());
                }
                return ByteBuffer.wrap((byte[]) value);
            case ENUM:
                return new GenericData.EnumSymbol(avro, value);
            case ARRAY: {
                List<Object> out = new ArrayList<>();
                for (Object item : (List<?>) value) {
                    out.add(toGeneric(item, avro.getElementType()));
                }
                return out;
            }
            case MAP: {
                Map<Object, Object> out = new HashMap<>();
                ((Map<?, ?>) value).forEach((k, v) -> out.put(k, toGeneric(v, avro.getValueType())));
                // Avro iterates its own map: order must match ours, so use a LinkedHashMap copy
                Map<Object, Object> ordered = new LinkedHashMap<>();
                ((Map<?, ?>) value).forEach((k, v) -> ordered.put(k, out.get(k)));
                return ordered;
            }
            case RECORD: {
                Struct s = (Struct) value;
                GenericRecord rec = new GenericData.Record(avro);
                for (org.apache.avro.Schema.Field f : avro.getFields()) {
                    rec.put(f.name(), toGeneric(s.get(f.name()), f.schema()));
                }
                return rec;
            }
            default:
                return value;
        }
    }
}
