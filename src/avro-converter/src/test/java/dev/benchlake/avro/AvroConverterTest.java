package dev.benchlake.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AvroConverterTest {

    private FakeSchemaRegistry registry;

    @BeforeEach
    void start() throws IOException {
        registry = new FakeSchemaRegistry();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private Map<String, Object> configs(Object... kv) {
        return registry.converterConfigs(kv);
    }

    private AvroConverter converter(boolean isKey, Object... kv) {
        AvroConverter c = new AvroConverter();
        c.configure(configs(kv), isKey);
        return c;
    }

    private static byte[] header(int id) {
        return ByteBuffer.allocate(5).put((byte) 0).putInt(id).array();
    }

    private static byte[] concat(byte[] a, byte... b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ------------------------------------------------------------------------------------------------------------

    @Test
    void bytesAreConfluentFramingOfHandComputedAvro() {
        Schema schema = SchemaBuilder.struct().name("dev.benchlake.Ping")
                .field("id", Schema.INT32_SCHEMA)
                .field("name", Schema.STRING_SCHEMA)
                .field("ok", Schema.BOOLEAN_SCHEMA)
                .field("maybe", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
        AvroConverter c = converter(false);

        byte[] withNull = c.fromConnectData("pings", schema,
                new Struct(schema).put("id", 1).put("name", "hi").put("ok", true));
        int id = registry.latestId("pings-value");
        // magic 0, id big-endian, zig-zag 1 = 0x02, len 2 = 0x04 'h' 'i', true = 0x01, union branch 0 (null) = 0x00
        assertThat(withNull).isEqualTo(concat(header(id), (byte) 0x02, (byte) 0x04, (byte) 'h', (byte) 'i', (byte) 0x01, (byte) 0x00));

        byte[] withValue = c.fromConnectData("pings", schema,
                new Struct(schema).put("id", -64).put("name", "").put("ok", false).put("maybe", 300L));
        // -64 zig-zags to 127 = 0x7F; "" = 0x00; false = 0x00; branch 1 = 0x02; 300 -> 600 = 0xD8 0x04
        assertThat(withValue).isEqualTo(concat(header(id), (byte) 0x7F, (byte) 0x00, (byte) 0x00, (byte) 0x02, (byte) 0xD8, (byte) 0x04));

        // the registered schema is the Confluent-style one (connect.name on the record)
        assertThat(c.client().getById(id).getProp("connect.name")).isEqualTo("dev.benchlake.Ping");
        SchemaAndValue back = c.toConnectData("pings", withValue);
        assertThat(((Struct) back.value()).getInt64("maybe")).isEqualTo(300L);
        assertThat(((Struct) back.value()).getInt32("id")).isEqualTo(-64);
        assertThat(back.schema()).isEqualTo(schema);
    }

    @Test
    void benchmarkStepRegistersTheAvscItselfAndRoundTrips() {
        Schema schema = TestSchemas.benchmarkStepConnect();
        AvroConverter c = converter(false); // connect.meta.data defaults to true
        Struct step = TestSchemas.benchmarkStep(schema, 3);

        byte[] bytes = c.fromConnectData("benchmark-steps", schema, step);

        int id = registry.latestId("benchmark-steps-value");
        assertThat(c.client().getById(id)).isEqualTo(TestSchemas.benchmarkStepAvro());
        assertThat(c.client().getById(id).getObjectProps()).isEmpty();
        assertThat(Arrays.copyOf(bytes, 5)).isEqualTo(header(id));

        SchemaAndValue back = converter(false).toConnectData("benchmark-steps", bytes);
        assertThat(back.schema()).isEqualTo(schema);
        assertThat(back.value()).isEqualTo(step);

        Struct sparse = new Struct(schema).put("step_id", "s").put("job_name", "j").put("status", "InProgress")
                .put("is_terminal", false).put("observed_at", new java.util.Date(5));
        Struct sparseBack = (Struct) c.toConnectData("benchmark-steps", c.fromConnectData("benchmark-steps", schema, sparse)).value();
        assertThat(sparseBack).isEqualTo(sparse);
        assertThat(sparseBack.get("cost_per_hour")).isNull();
        assertThat(sparseBack.get("invocation_start_time")).isNull();
    }

    @Test
    void everyConnectTypeRoundTripsThroughTheConverter() {
        Schema inner = SchemaBuilder.struct().field("x", Schema.INT32_SCHEMA).field("y", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema schema = SchemaBuilder.struct().name("dev.benchlake.All").version(3).doc("all types")
                .field("i8", Schema.INT8_SCHEMA)
                .field("i16", Schema.INT16_SCHEMA)
                .field("i32", Schema.INT32_SCHEMA)
                .field("i64", Schema.INT64_SCHEMA)
                .field("f32", Schema.FLOAT32_SCHEMA)
                .field("f64", Schema.FLOAT64_SCHEMA)
                .field("bool", Schema.BOOLEAN_SCHEMA)
                .field("str", Schema.STRING_SCHEMA)
                .field("bytes", Schema.BYTES_SCHEMA)
                .field("ts", Timestamp.SCHEMA)
                .field("date", Date.SCHEMA)
                .field("time", Time.SCHEMA)
                .field("dec", Decimal.builder(3).parameter(AvroSchemas.DECIMAL_PRECISION_PARAM, "9").build())
                .field("opt_ts", Timestamp.builder().optional().build())
                .field("arr", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
                .field("arr_of_structs", SchemaBuilder.array(inner).build())
                .field("str_map", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.FLOAT64_SCHEMA).build())
                .field("int_map", SchemaBuilder.map(Schema.INT32_SCHEMA, inner).build())
                .field("nested", inner)
                .field("opt_nested", SchemaBuilder.struct().name("dev.benchlake.Opt").field("z", Schema.BOOLEAN_SCHEMA).optional().build())
                .field("with_default", SchemaBuilder.string().defaultValue("dflt").build())
                .build();
        Map<String, Double> strMap = new LinkedHashMap<>();
        strMap.put("a", 1.0);
        strMap.put("b", -2.5);
        Map<Integer, Struct> intMap = new LinkedHashMap<>();
        intMap.put(7, new Struct(inner).put("x", 70));
        Struct value = new Struct(schema)
                .put("i8", (byte) -8).put("i16", (short) -1600).put("i32", 32).put("i64", 1L << 40)
                .put("f32", 1.5f).put("f64", Math.PI).put("bool", true).put("str", "héllo")
                .put("bytes", new byte[] {0, 1, 2, (byte) 255})
                .put("ts", new java.util.Date(1_700_000_000_123L))
                .put("date", new java.util.Date(19_000L * 86_400_000L))
                .put("time", new java.util.Date(45_296_789L))
                .put("dec", new BigDecimal("-123456.789"))
                .put("arr", List.of("p", "q"))
                .put("arr_of_structs", List.of(new Struct(inner).put("x", 1), new Struct(inner).put("x", 2).put("y", "two")))
                .put("str_map", strMap)
                .put("int_map", intMap)
                .put("nested", new Struct(inner).put("x", 9));
        AvroConverter c = converter(false);

        byte[] bytes = c.fromConnectData("all", schema, value);
        SchemaAndValue back = c.toConnectData("all", bytes);

        assertThat(back.schema()).isEqualTo(schema);
        Struct s = (Struct) back.value();
        assertThat(s.get("i8")).isEqualTo((byte) -8);
        assertThat(s.get("i16")).isEqualTo((short) -1600);
        assertThat(s.getBytes("bytes")).containsExactly(0, 1, 2, 255);
        assertThat(s.get("dec")).isEqualTo(new BigDecimal("-123456.789"));
        assertThat(s.get("time")).isEqualTo(new java.util.Date(45_296_789L));
        assertThat(s.get("opt_ts")).isNull();
        assertThat(s.get("int_map")).isEqualTo(intMap);
        assertThat(s.getString("with_default")).isEqualTo("dflt");
        // everything else, field by field (byte[] compares by identity in Struct.equals)
        for (org.apache.kafka.connect.data.Field f : schema.fields()) {
            if (!f.name().equals("bytes") && !f.name().equals("with_default")) {
                assertThat(s.get(f)).as(f.name()).isEqualTo(value.get(f));
            }
        }
        org.apache.avro.Schema registered = c.client().getById(registry.latestId("all-value"));
        assertThat(registered.getProp("connect.name")).isEqualTo("dev.benchlake.All");
        assertThat(registered.getObjectProp("connect.version")).isEqualTo(3);
        assertThat(registered.getField("dec").schema().getObjectProp("precision")).isEqualTo(9);
    }

    @Test
    void topLevelPrimitivesKeysAndTombstones() {
        AvroConverter keys = converter(true);
        byte[] key = keys.fromConnectData("t", Schema.STRING_SCHEMA, "step-1");
        int id = registry.latestId("t-key");
        assertThat(key).isEqualTo(concat(header(id), (byte) 12, (byte) 's', (byte) 't', (byte) 'e', (byte) 'p', (byte) '-', (byte) '1'));
        assertThat(keys.toConnectData("t", key)).isEqualTo(new SchemaAndValue(Schema.STRING_SCHEMA, "step-1"));

        AvroConverter values = converter(false);
        assertThat(values.fromConnectData("t", TestSchemas.benchmarkStepConnect(), null)).isNull();
        assertThat(values.toConnectData("t", null)).isEqualTo(SchemaAndValue.NULL);
        byte[] optional = values.fromConnectData("t", Schema.OPTIONAL_INT64_SCHEMA, 5L);
        assertThat(values.toConnectData("t", optional).value()).isEqualTo(5L);
        assertThat(values.toConnectData("t", optional).schema()).isEqualTo(Schema.OPTIONAL_INT64_SCHEMA);
    }

    @Test
    void connectMetaDataFalseRegistersPlainSchemas() {
        Schema schema = SchemaBuilder.struct().name("dev.benchlake.Plain").version(4)
                .field("ts", Timestamp.SCHEMA).build();
        AvroConverter c = converter(false, AvroConverterConfig.CONNECT_META_DATA, "false");
        c.fromConnectData("p", schema, new Struct(schema).put("ts", new java.util.Date(1)));
        org.apache.avro.Schema registered = c.client().getById(registry.latestId("p-value"));
        assertThat(registered).isEqualTo(new org.apache.avro.Schema.Parser().parse("""
                {"type":"record","name":"Plain","namespace":"dev.benchlake","fields":[
                  {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}}]}"""));
    }

    @Test
    void subjectNameStrategies() {
        Schema schema = TestSchemas.benchmarkStepConnect();
        Struct v = TestSchemas.benchmarkStep(schema, 1);
        converter(false, AvroConverterConfig.VALUE_SUBJECT_NAME_STRATEGY,
                "io.confluent.kafka.serializers.subject.RecordNameStrategy").fromConnectData("a", schema, v);
        converter(false, AvroConverterConfig.VALUE_SUBJECT_NAME_STRATEGY, "TopicRecordNameStrategy")
                .fromConnectData("b", schema, v);
        converter(true, AvroConverterConfig.KEY_SUBJECT_NAME_STRATEGY,
                "io.confluent.kafka.serializers.subject.TopicNameStrategy").fromConnectData("c", schema, v);
        assertThat(registry.count("POST", "/subjects/dev.benchlake.BenchmarkStep/versions")).isEqualTo(1);
        assertThat(registry.count("POST", "/subjects/b-dev.benchlake.BenchmarkStep/versions")).isEqualTo(1);
        assertThat(registry.count("POST", "/subjects/c-key/versions")).isEqualTo(1);
        assertThatThrownBy(() -> converter(false, AvroConverterConfig.VALUE_SUBJECT_NAME_STRATEGY, "com.example.Mine"))
                .hasMessageContaining("com.example.Mine").hasMessageContaining("TopicNameStrategy");
    }

    @Test
    void oneRegistryCallForAThousandRecordsEachWay() {
        Schema schema = TestSchemas.benchmarkStepConnect();
        AvroConverter writer = converter(false);
        AvroConverter reader = converter(false);
        byte[][] all = new byte[1000][];
        for (int i = 0; i < 1000; i++) {
            // a new but equal Connect schema every 100 records must not cost a call either
            Schema s = i % 100 == 0 ? TestSchemas.benchmarkStepConnect() : schema;
            all[i] = writer.fromConnectData("steps", s, TestSchemas.benchmarkStep(s, i));
        }
        for (int i = 0; i < 1000; i++) {
            assertThat(((Struct) reader.toConnectData("steps", all[i]).value()).getString("step_id"))
                    .isEqualTo("job-42/step-" + i);
        }
        assertThat(registry.count("POST", "/subjects/steps-value/versions")).isEqualTo(1);
        assertThat(registry.count("GET", "/schemas/ids/")).isEqualTo(1);
        assertThat(registry.requests()).hasSize(2);
    }

    @Test
    void registry409NamesTheSubjectAndTheChange() {
        AvroConverter c = converter(false);
        Schema v1 = SchemaBuilder.struct().name("dev.benchlake.Evolving")
                .field("id", Schema.STRING_SCHEMA).field("count", Schema.INT64_SCHEMA).build();
        c.fromConnectData("evo", v1, new Struct(v1).put("id", "a").put("count", 1L));
        Schema v2 = SchemaBuilder.struct().name("dev.benchlake.Evolving")
                .field("id", Schema.STRING_SCHEMA).field("count", Schema.STRING_SCHEMA)
                .field("owner", Schema.STRING_SCHEMA).build();

        assertThatThrownBy(() -> c.fromConnectData("evo", v2, new Struct(v2).put("id", "a").put("count", "1").put("owner", "me")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("subject 'evo-value'")
                .hasMessageContaining("409")
                .hasMessageContaining("field 'count' changed type from long")
                .hasMessageContaining("to string")
                .hasMessageContaining("field 'owner' was added without a default value");
        // compatible evolution (optional field) still works
        Schema v3 = SchemaBuilder.struct().name("dev.benchlake.Evolving")
                .field("id", Schema.STRING_SCHEMA).field("count", Schema.INT64_SCHEMA)
                .field("owner", Schema.OPTIONAL_STRING_SCHEMA).build();
        byte[] ok = c.fromConnectData("evo", v3, new Struct(v3).put("id", "a").put("count", 2L));
        assertThat(((Struct) c.toConnectData("evo", ok).value()).getInt64("count")).isEqualTo(2L);
    }

    @Test
    void failsOverToTheNextUrlWhenOneIsDownOrFailing() throws IOException {
        try (FakeSchemaRegistry second = new FakeSchemaRegistry()) {
            // first URL: nothing listens there any more
            int deadPort;
            try (FakeSchemaRegistry dead = new FakeSchemaRegistry()) {
                deadPort = dead.port();
            }
            AvroConverter c = new AvroConverter();
            c.configure(Map.of(AvroConverterConfig.SCHEMA_REGISTRY_URL,
                    "http://127.0.0.1:" + deadPort + "," + second.url(),
                    AvroConverterConfig.RETRY_TIMEOUT_MS, "0"), false);
            Schema schema = TestSchemas.benchmarkStepConnect();
            byte[] bytes = c.fromConnectData("f", schema, TestSchemas.benchmarkStep(schema, 1));
            assertThat(second.count("POST", "/subjects/f-value/versions")).isEqualTo(1);
            assertThat(c.client().activeUrl()).isEqualTo(second.url());
            assertThat(bytes[0]).isZero();

            // a 5xx from the active one moves on to the next (the first, dead, then back to second)
            AvroConverter c2 = new AvroConverter();
            c2.configure(Map.of(AvroConverterConfig.SCHEMA_REGISTRY_URL, registry.url() + "," + second.url(),
                    AvroConverterConfig.RETRY_TIMEOUT_MS, "0"), false);
            registry.failNext(1, 503);
            c2.fromConnectData("g", schema, TestSchemas.benchmarkStep(schema, 1));
            assertThat(second.count("POST", "/subjects/g-value/versions")).isEqualTo(1);
            assertThat(registry.count("POST", "/subjects/g-value/versions")).isEqualTo(1);
        }
    }

    @Test
    void retriesA5xxWithBackoffThenSucceeds() {
        AvroConverter c = converter(false, AvroConverterConfig.RETRY_TIMEOUT_MS, "5000");
        registry.failNext(3, 503);
        Schema schema = TestSchemas.benchmarkStepConnect();
        byte[] bytes = c.fromConnectData("r", schema, TestSchemas.benchmarkStep(schema, 1));
        assertThat(registry.count("POST", "/subjects/r-value/versions")).isEqualTo(4);
        assertThat(c.toConnectData("r", bytes).value()).isEqualTo(TestSchemas.benchmarkStep(schema, 1));
    }

    @Test
    void anUnavailableRegistryFailsTheRecordRetriably() {
        AvroConverter c = converter(false);
        registry.failNext(1000, 500);
        Schema schema = TestSchemas.benchmarkStepConnect();
        assertThatThrownBy(() -> c.fromConnectData("u", schema, TestSchemas.benchmarkStep(schema, 1)))
                .isInstanceOf(RetriableException.class)
                .hasMessageContaining("subject 'u-value'")
                .hasMessageContaining("unavailable")
                .hasMessageContaining("HTTP 500")
                .hasMessageContaining(registry.url());
        assertThat(registry.count("POST", "/subjects/u-value/versions")).isGreaterThan(1);

        registry.failNext(0, 500);
        // and nothing was cached: the next record goes through
        assertThat(c.fromConnectData("u", schema, TestSchemas.benchmarkStep(schema, 1))).isNotNull();

        registry.failNext(1000, 503);
        byte[] unknownId = concat(header(999_999), (byte) 0);
        assertThatThrownBy(() -> c.toConnectData("u", unknownId)).isInstanceOf(RetriableException.class)
                .hasMessageContaining("999999");
    }

    @Test
    void autoRegisterFalseLooksTheSchemaUpAndUseLatestVersionWritesWithTheLatest() {
        Schema schema = TestSchemas.benchmarkStepConnect();
        Struct step = TestSchemas.benchmarkStep(schema, 1);
        AvroConverter noRegister = converter(false, AvroConverterConfig.AUTO_REGISTER_SCHEMAS, "false");
        assertThatThrownBy(() -> noRegister.fromConnectData("l", schema, step))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("not registered under subject 'l-value'")
                .hasMessageContaining("auto.register.schemas=false");

        converter(false).fromConnectData("l", schema, step);
        byte[] found = noRegister.fromConnectData("l", schema, step);
        assertThat(Arrays.copyOf(found, 5)).isEqualTo(header(registry.latestId("l-value")));

        // latest has an extra nullable field the Connect schema lacks: written as null
        org.apache.avro.Schema v2 = new org.apache.avro.Schema.Parser().parse(TestSchemas.BENCHMARK_STEP_AVSC
                .replace("\"fields\": [", "\"fields\": [{\"name\":\"region\",\"type\":[\"null\",\"string\"],\"default\":null},"));
        int v2id = noRegister.client().register("l-value", v2);
        AvroConverter latest = converter(false, AvroConverterConfig.AUTO_REGISTER_SCHEMAS, "false",
                AvroConverterConfig.USE_LATEST_VERSION, "true");
        byte[] bytes = latest.fromConnectData("l", schema, step);
        assertThat(Arrays.copyOf(bytes, 5)).isEqualTo(header(v2id));
        Struct back = (Struct) latest.toConnectData("l", bytes).value();
        assertThat(back.get("region")).isNull();
        assertThat(back.getString("step_id")).isEqualTo("job-42/step-1");
        assertThat(back.get("observed_at")).isEqualTo(step.get("observed_at"));
    }

    // ---------------------------------------------------------------------------------------- bad input

    @Test
    void nullForARequiredFieldNamesTheField() {
        Schema schema = TestSchemas.benchmarkStepConnect();
        Struct incomplete = new Struct(schema).put("step_id", "s").put("job_name", "j").put("is_terminal", true)
                .put("observed_at", new java.util.Date(1));
        AvroConverter c = converter(false);
        assertThatThrownBy(() -> c.fromConnectData("b", schema, incomplete))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("dev.benchlake.BenchmarkStep.status")
                .hasMessageContaining("required");
    }

    @Test
    void aStructOfAnotherSchemaIsRejectedNamingTheDifference() {
        Schema schema = TestSchemas.benchmarkStepConnect();
        Schema other = SchemaBuilder.struct().name("dev.benchlake.BenchmarkStep")
                .field("step_id", Schema.STRING_SCHEMA).build();
        AvroConverter c = converter(false);
        assertThatThrownBy(() -> c.fromConnectData("b", schema, new Struct(other).put("step_id", "x")))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("does not match")
                .hasMessageContaining("job_name");
        assertThatThrownBy(() -> c.fromConnectData("b", schema, "not a struct"))
                .isInstanceOf(DataException.class).hasMessageContaining("java.lang.String");
        // (Struct.put validates nested values, so a bad list is given top-level)
        Schema list = SchemaBuilder.array(Schema.INT32_SCHEMA).build();
        assertThatThrownBy(() -> c.fromConnectData("b2", list, Arrays.asList(1, null)))
                .isInstanceOf(DataException.class).hasMessageContaining("array[]").hasMessageContaining("null");
        assertThatThrownBy(() -> c.fromConnectData("b3", Schema.INT32_SCHEMA, "7"))
                .isInstanceOf(DataException.class).hasMessageContaining("expected an Integer");
        assertThatThrownBy(() -> c.fromConnectData("b4", null, "schemaless"))
                .isInstanceOf(DataException.class).hasMessageContaining("needs a schema");
        Schema dec = SchemaBuilder.struct().name("D").field("d", Decimal.schema(2)).build();
        Struct wrongScale = new Struct(dec);
        // Struct.put does not check the scale: the converter must
        wrongScale.put("d", new BigDecimal("1.5"));
        assertThatThrownBy(() -> c.fromConnectData("b5", dec, wrongScale))
                .isInstanceOf(DataException.class).hasMessageContaining("D.d").hasMessageContaining("scale");
    }

    @Test
    void badBytesAreRejectedNamingTheIdOrField() {
        AvroConverter c = converter(false);
        Schema schema = TestSchemas.benchmarkStepConnect();
        byte[] good = c.fromConnectData("x", schema, TestSchemas.benchmarkStep(schema, 1));
        int id = registry.latestId("x-value");

        byte[] badMagic = good.clone();
        badMagic[0] = 1;
        assertThatThrownBy(() -> c.toConnectData("x", badMagic))
                .isInstanceOf(DataException.class).hasMessageContaining("magic byte 0x01");
        assertThatThrownBy(() -> c.toConnectData("x", new byte[] {0, 0, 0}))
                .isInstanceOf(DataException.class).hasMessageContaining("3 byte(s)");
        byte[] unknown = good.clone();
        ByteBuffer.wrap(unknown).putInt(1, 424_242);
        assertThatThrownBy(() -> c.toConnectData("x", unknown))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("schema id 424242 is not known")
                .hasMessageContaining(registry.url());
        byte[] truncated = Arrays.copyOf(good, good.length - 3);
        assertThatThrownBy(() -> c.toConnectData("x", truncated))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("schema id " + id)
                .hasMessageContaining("truncated")
                .hasMessageContaining("environment_parameters");
        byte[] trailing = concat(good, (byte) 1);
        assertThatThrownBy(() -> c.toConnectData("x", trailing))
                .isInstanceOf(DataException.class).hasMessageContaining("1 unexpected byte(s)");
        byte[] headerOnly = Arrays.copyOf(good, 5);
        assertThatThrownBy(() -> c.toConnectData("x", headerOnly))
                .isInstanceOf(DataException.class).hasMessageContaining("step_id");
    }

    @Test
    void unconfiguredConverterSaysSo() {
        assertThatThrownBy(() -> new AvroConverter().toConnectData("t", new byte[5]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("configure");
        assertThat(new AvroConverter().version()).isNotBlank();
        assertThat(new AvroConverter().config().names()).contains("schema.registry.url", "auto.register.schemas",
                "use.latest.version", "key.subject.name.strategy", "value.subject.name.strategy",
                "basic.auth.credentials.source", "basic.auth.user.info", "schema.registry.ssl.truststore.location",
                "schema.registry.ssl.truststore.password", "schema.registry.ssl.truststore.type",
                "max.schemas.per.subject", "connect.meta.data");
    }
}
