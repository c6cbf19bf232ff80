package dev.benchlake.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema.Parser;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class AvroSchemasTest {

    private static org.apache.avro.Schema parse(String json) {
        return new Parser().parse(json);
    }

    @Test
    void benchmarkStepAvscRoundTripsToAnEqualSchema() {
        org.apache.avro.Schema avsc = TestSchemas.benchmarkStepAvro();
        Schema connect = AvroSchemas.toConnectSchema(avsc);

        assertThat(connect.type()).isEqualTo(Schema.Type.STRUCT);
        assertThat(connect.name()).isEqualTo("dev.benchlake.BenchmarkStep");
        assertThat(connect.doc()).isEqualTo("One step of a SageMaker benchmark job");
        assertThat(connect.field("step_id").schema().type()).isEqualTo(Schema.Type.STRING);
        assertThat(connect.field("step_id").schema().isOptional()).isFalse();
        assertThat(connect.field("step_id").schema().doc()).isEqualTo("unique step id");
        assertThat(connect.field("is_terminal").schema().type()).isEqualTo(Schema.Type.BOOLEAN);
        assertThat(connect.field("observed_at").schema().name()).isEqualTo(Timestamp.LOGICAL_NAME);
        assertThat(connect.field("observed_at").schema().isOptional()).isFalse();
        assertThat(connect.field("cost_per_hour").schema().type()).isEqualTo(Schema.Type.FLOAT64);
        assertThat(connect.field("cost_per_hour").schema().isOptional()).isTrue();
        assertThat(connect.field("cost_per_hour").schema().defaultValue()).isNull();
        assertThat(connect.field("max_invocations").schema().type()).isEqualTo(Schema.Type.INT32);
        assertThat(connect.field("invocation_start_time").schema().name()).isEqualTo(Timestamp.LOGICAL_NAME);
        assertThat(connect.field("invocation_start_time").schema().isOptional()).isTrue();
        assertThat(connect.fields()).extracting(f -> f.name()).containsExactly("step_id", "job_name", "status",
                "is_terminal", "observed_at", "cost_per_hour", "max_invocations", "invocation_start_time",
                "environment_parameters");

        assertThat(AvroSchemas.toAvroSchema(connect)).isEqualTo(avsc);
        // also after a trip through text, as the registry stores it
        assertThat(parse(AvroSchemas.toAvroSchema(connect).toString())).isEqualTo(avsc);
        assertThat(AvroSchemas.originalAvroSchema(connect)).contains(avsc);
        // an equal Connect schema built again finds the same original
        assertThat(AvroSchemas.originalAvroSchema(AvroSchemas.toConnectSchema(parse(TestSchemas.BENCHMARK_STEP_AVSC))))
                .contains(avsc);
    }

    static final String RICH_AVSC = """
            {"type":"record","name":"Rich","namespace":"dev.benchlake.test","fields":[
              {"name":"i","type":"int","default":7},
              {"name":"l","type":"long"},
              {"name":"f","type":"float"},
              {"name":"d","type":"double","default":1.5},
              {"name":"b","type":"bytes"},
              {"name":"s","type":"string","default":"x"},
              {"name":"flag","type":"boolean","default":false},
              {"name":"day","type":{"type":"int","logicalType":"date"}},
              {"name":"tod","type":{"type":"int","logicalType":"time-millis"}},
              {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
              {"name":"opt_price","type":["null",{"type":"bytes","logicalType":"decimal","precision":12,"scale":4}],"default":null},
              {"name":"color","type":{"type":"enum","name":"Color","symbols":["RED","GREEN","BLUE"]}},
              {"name":"tags","type":{"type":"array","items":"string"}},
              {"name":"counts","type":{"type":"map","values":"long"}},
              {"name":"nested","type":{"type":"record","name":"Inner","fields":[
                 {"name":"a","type":"string"},
                 {"name":"b","type":["null","int"],"default":null}]}},
              {"name":"maybe_nested","type":["null","Inner"],"default":null},
              {"name":"list_of_records","type":{"type":"array","items":"Inner"}},
              {"name":"tail_null","type":["string","null"],"default":"dflt"},
              {"name":"int_list_default","type":{"type":"array","items":"int"},"default":[1,2]}
            ]}""";

    @Test
    void richAvscRoundTripsToAnEqualSchema() {
        org.apache.avro.Schema avsc = parse(RICH_AVSC);
        Schema connect = AvroSchemas.toConnectSchema(avsc);

        assertThat(connect.field("i").schema().defaultValue()).isEqualTo(7);
        assertThat(connect.field("d").schema().defaultValue()).isEqualTo(1.5);
        assertThat(connect.field("s").schema().defaultValue()).isEqualTo("x");
        assertThat(connect.field("flag").schema().defaultValue()).isEqualTo(false);
        assertThat(connect.field("day").schema().name()).isEqualTo(Date.LOGICAL_NAME);
        assertThat(connect.field("tod").schema().name()).isEqualTo(Time.LOGICAL_NAME);
        assertThat(connect.field("price").schema().name()).isEqualTo(Decimal.LOGICAL_NAME);
        assertThat(connect.field("price").schema().parameters())
                .containsEntry("scale", "2").containsEntry(AvroSchemas.DECIMAL_PRECISION_PARAM, "10");
        assertThat(connect.field("color").schema().type()).isEqualTo(Schema.Type.STRING);
        assertThat(connect.field("color").schema().parameters())
                .containsEntry(AvroSchemas.ENUM_PARAM, "dev.benchlake.test.Color")
                .containsEntry(AvroSchemas.ENUM_PARAM + ".GREEN", "GREEN");
        assertThat(connect.field("tags").schema().valueSchema().type()).isEqualTo(Schema.Type.STRING);
        assertThat(connect.field("counts").schema().type()).isEqualTo(Schema.Type.MAP);
        assertThat(connect.field("counts").schema().keySchema()).isEqualTo(Schema.STRING_SCHEMA);
        assertThat(connect.field("nested").schema().name()).isEqualTo("dev.benchlake.test.Inner");
        assertThat(connect.field("maybe_nested").schema().isOptional()).isTrue();
        assertThat(connect.field("tail_null").schema().isOptional()).isTrue();
        assertThat(connect.field("tail_null").schema().defaultValue()).isEqualTo("dflt");
        assertThat(connect.field("int_list_default").schema().defaultValue()).isEqualTo(List.of(1, 2));

        assertThat(AvroSchemas.toAvroSchema(connect)).isEqualTo(avsc);
        assertThat(parse(AvroSchemas.toAvroSchema(connect).toString())).isEqualTo(avsc);
    }

    @Test
    void connectSchemaWithMetadataMatchesConfluentOutput() {
        Schema connect = SchemaBuilder.struct().name("com.example.Order").version(2).doc("An order")
                .field("id", Schema.INT64_SCHEMA)
                .field("small", Schema.INT8_SCHEMA)
                .field("medium", Schema.INT16_SCHEMA)
                .field("note", Schema.OPTIONAL_STRING_SCHEMA)
                .field("ts", Timestamp.SCHEMA)
                .field("amount", Decimal.schema(2))
                .build();
        org.apache.avro.Schema expected = parse("""
                {"type":"record","name":"Order","namespace":"com.example","doc":"An order","fields":[
                  {"name":"id","type":"long"},
                  {"name":"small","type":{"type":"int","connect.type":"int8"}},
                  {"name":"medium","type":{"type":"int","connect.type":"int16"}},
                  {"name":"note","type":["null","string"],"default":null},
                  {"name":"ts","type":{"type":"long","connect.version":1,
                     "connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}},
                  {"name":"amount","type":{"type":"bytes","scale":2,"precision":64,"connect.version":1,
                     "connect.parameters":{"scale":"2"},"connect.name":"org.apache.kafka.connect.data.Decimal",
                     "logicalType":"decimal"}}
                 ],
                 "connect.doc":"An order","connect.version":2,"connect.name":"com.example.Order"}""");

        assertThat(AvroSchemas.toAvroSchema(connect, true)).isEqualTo(expected);

        org.apache.avro.Schema plain = AvroSchemas.toAvroSchema(connect, false);
        assertThat(plain.getObjectProps()).isEmpty();
        assertThat(plain.getField("ts").schema().getObjectProps()).containsOnlyKeys("logicalType");
        // int8/int16 markers are kept without metadata too: they are needed to read the type back
        assertThat(plain.getField("small").schema().getProp("connect.type")).isEqualTo("int8");

        // and back: Confluent-written metadata restores version, doc and name
        Schema back = AvroSchemas.toConnectSchema(expected);
        assertThat(back).isEqualTo(connect);
    }

    @Test
    void unnamedStructsGetConnectDefaultNamesAndReadBackUnnamed() {
        Schema inner = SchemaBuilder.struct().field("x", Schema.INT32_SCHEMA).build();
        Schema outer = SchemaBuilder.struct().field("a", inner)
                .field("b", SchemaBuilder.struct().field("y", Schema.STRING_SCHEMA).build()).build();
        org.apache.avro.Schema avro = AvroSchemas.toAvroSchema(outer, true);

        assertThat(avro.getFullName()).isEqualTo("io.confluent.connect.avro.ConnectDefault");
        assertThat(avro.getField("a").schema().getFullName()).isEqualTo("io.confluent.connect.avro.ConnectDefault2");
        assertThat(avro.getField("b").schema().getFullName()).isEqualTo("io.confluent.connect.avro.ConnectDefault3");
        assertThat(parse(avro.toString())).isEqualTo(avro);

        Schema back = AvroSchemas.toConnectSchema(avro);
        assertThat(back.name()).isNull();
        assertThat(back.field("a").schema().name()).isNull();
        assertThat(back).isEqualTo(outer);
    }

    @Test
    void mapsWithStringKeysAreAvroMapsOthersAreMapEntryArrays() {
        Schema connect = SchemaBuilder.struct().name("M")
                .field("by_name", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build())
                .field("by_id", SchemaBuilder.map(Schema.INT64_SCHEMA, Schema.STRING_SCHEMA).build())
                .field("by_flag", SchemaBuilder.map(Schema.BOOLEAN_SCHEMA, Schema.OPTIONAL_FLOAT64_SCHEMA).build())
                .build();
        org.apache.avro.Schema avro = AvroSchemas.toAvroSchema(connect);

        assertThat(avro.getField("by_name").schema().getType()).isEqualTo(org.apache.avro.Schema.Type.MAP);
        org.apache.avro.Schema byId = avro.getField("by_id").schema();
        assertThat(byId.getType()).isEqualTo(org.apache.avro.Schema.Type.ARRAY);
        assertThat(byId.getElementType().getFullName()).isEqualTo("io.confluent.connect.avro.MapEntry");
        assertThat(byId.getElementType().getField("key").schema().getType()).isEqualTo(org.apache.avro.Schema.Type.LONG);
        assertThat(byId.getElementType().getField("value").schema().getType()).isEqualTo(org.apache.avro.Schema.Type.STRING);
        // a second, different entry record needs its own name
        assertThat(avro.getField("by_flag").schema().getElementType().getFullName())
                .isEqualTo("io.confluent.connect.avro.MapEntry2");
        assertThat(parse(avro.toString())).isEqualTo(avro);

        assertThat(AvroSchemas.toConnectSchema(avro)).isEqualTo(connect);
    }

    @Test
    void arraysOptionalItemsAndDefaults() {
        Schema connect = SchemaBuilder.struct().name("A")
                .field("xs", SchemaBuilder.array(Schema.OPTIONAL_INT64_SCHEMA).build())
                .field("n", SchemaBuilder.int32().defaultValue(5).build())
                .field("opt_with_default", SchemaBuilder.string().optional().defaultValue("d").build())
                .field("when", Timestamp.builder().defaultValue(new java.util.Date(1000)).build())
                .field("amount", Decimal.builder(1).defaultValue(new BigDecimal("2.5")).build())
                .build();
        org.apache.avro.Schema avro = AvroSchemas.toAvroSchema(connect);

        assertThat(avro.getField("xs").schema().getElementType().getTypes())
                .extracting(org.apache.avro.Schema::getType)
                .containsExactly(org.apache.avro.Schema.Type.NULL, org.apache.avro.Schema.Type.LONG);
        assertThat(avro.getField("n").defaultVal()).isEqualTo(5);
        // a non-null default must match the first branch, so null goes second
        assertThat(avro.getField("opt_with_default").schema().getTypes().get(0).getType())
                .isEqualTo(org.apache.avro.Schema.Type.STRING);
        assertThat(avro.getField("opt_with_default").defaultVal()).isEqualTo("d");
        assertThat(avro.getField("when").defaultVal()).isEqualTo(1000L);
        assertThat(avro.getField("amount").defaultVal()).isEqualTo(new byte[] {25});

        Schema back = AvroSchemas.toConnectSchema(avro);
        assertThat(back.field("when").schema().defaultValue()).isEqualTo(new java.util.Date(1000));
        assertThat(back.field("amount").schema().defaultValue()).isEqualTo(new BigDecimal("2.5"));
        assertThat(back.field("opt_with_default").schema().defaultValue()).isEqualTo("d");
        assertThat(back.field("n").schema().defaultValue()).isEqualTo(5);
    }

    @Test
    void topLevelPrimitivesAndOptionals() {
        assertThat(AvroSchemas.toAvroSchema(Schema.STRING_SCHEMA)).isEqualTo(parse("\"string\""));
        assertThat(AvroSchemas.toAvroSchema(Schema.OPTIONAL_STRING_SCHEMA)).isEqualTo(parse("[\"null\",\"string\"]"));
        assertThat(AvroSchemas.toAvroSchema(Schema.BYTES_SCHEMA)).isEqualTo(parse("\"bytes\""));
        assertThat(AvroSchemas.toAvroSchema(Schema.FLOAT32_SCHEMA)).isEqualTo(parse("\"float\""));
        assertThat(AvroSchemas.toAvroSchema(Date.SCHEMA))
                .isEqualTo(parse("{\"type\":\"int\",\"logicalType\":\"date\"}"));
        assertThat(AvroSchemas.toAvroSchema(Time.SCHEMA))
                .isEqualTo(parse("{\"type\":\"int\",\"logicalType\":\"time-millis\"}"));
        Schema named = SchemaBuilder.string().name("com.example.Id").build();
        assertThat(AvroSchemas.toAvroSchema(named, true).getProp("connect.name")).isEqualTo("com.example.Id");
        assertThat(AvroSchemas.toConnectSchema(AvroSchemas.toAvroSchema(named, true))).isEqualTo(named);
        Schema withParams = SchemaBuilder.int32().parameter("unit", "ms").build();
        assertThat(AvroSchemas.toAvroSchema(withParams, true).getObjectProp("connect.parameters"))
                .isEqualTo(Map.of("unit", "ms"));
        assertThat(AvroSchemas.toConnectSchema(AvroSchemas.toAvroSchema(withParams, true))).isEqualTo(withParams);
    }

    @Test
    void unsupportedAvroConstructsAreRejectedWithThePath() {
        assertThatThrownBy(() -> AvroSchemas.toConnectSchema(parse("""
                {"type":"record","name":"R","fields":[{"name":"u","type":["int","string"]}]}""")))
                .isInstanceOf(DataException.class).hasMessageContaining("R.u").hasMessageContaining("nullable");
        assertThatThrownBy(() -> AvroSchemas.toConnectSchema(parse("""
                {"type":"record","name":"R","fields":[{"name":"h","type":{"type":"fixed","name":"H","size":16}}]}""")))
                .isInstanceOf(DataException.class).hasMessageContaining("fixed").hasMessageContaining("R.h");
        assertThatThrownBy(() -> AvroSchemas.toConnectSchema(parse("""
                {"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"],"default":null}]}""")))
                .isInstanceOf(DataException.class).hasMessageContaining("Recursive").hasMessageContaining("Node");
    }

    @Test
    void invalidOrConflictingNamesAreRejected() {
        Schema badName = SchemaBuilder.struct().name("my-record").field("x", Schema.INT32_SCHEMA).build();
        assertThatThrownBy(() -> AvroSchemas.toAvroSchema(badName)).isInstanceOf(DataException.class)
                .hasMessageContaining("my-record");
        Schema a = SchemaBuilder.struct().name("dup.R").field("x", Schema.INT32_SCHEMA).build();
        Schema b = SchemaBuilder.struct().name("dup.R").field("y", Schema.STRING_SCHEMA).build();
        Schema both = SchemaBuilder.struct().name("Outer").field("a", a).field("b", b).build();
        assertThatThrownBy(() -> AvroSchemas.toAvroSchema(both)).isInstanceOf(DataException.class)
                .hasMessageContaining("dup.R").hasMessageContaining("Outer.b");
        // the same named struct twice is one Avro type, referenced by name the second time
        Schema twice = SchemaBuilder.struct().name("Outer2").field("a", a).field("b", a).build();
        org.apache.avro.Schema avro = AvroSchemas.toAvroSchema(twice);
        assertThat(avro.getField("a").schema()).isSameAs(avro.getField("b").schema());
        assertThat(parse(avro.toString())).isEqualTo(avro);
    }
}
