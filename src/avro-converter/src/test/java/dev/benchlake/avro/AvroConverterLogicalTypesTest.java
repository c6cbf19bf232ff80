package dev.benchlake.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.apache.avro.Conversions;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dates, times, timestamps and decimals are written in the unit the target Avro schema declares (which, with
 * {@code use.latest.version}, is not necessarily the one the Connect schema would give), and read by Apache Avro's own
 * logical-type conversions as the instant, day, time of day or number that was written.
 */
class AvroConverterLogicalTypesTest {

    private static final Schema TIMES = SchemaBuilder.struct().name("dev.benchlake.Times")
            .field("ts", Timestamp.SCHEMA)
            .field("t", Time.SCHEMA)
            .field("d", Date.SCHEMA)
            .field("dec", Decimal.builder(2).parameter(AvroSchemas.DECIMAL_PRECISION_PARAM, "9").build())
            .field("opt_ts", Timestamp.builder().optional().build())
            .build();
    private static final java.util.Date INSTANT = new java.util.Date(1_700_000_000_123L);
    private static final java.util.Date TIME_OF_DAY = new java.util.Date(45_296_789L);
    private static final java.util.Date DAY = new java.util.Date(19_000L * 86_400_000L);
    private static final BigDecimal AMOUNT = new BigDecimal("-1234567.89");

    private FakeSchemaRegistry registry;

    @BeforeEach
    void start() throws IOException {
        registry = new FakeSchemaRegistry();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private static Struct times() {
        return new Struct(TIMES).put("ts", INSTANT).put("t", TIME_OF_DAY).put("d", DAY).put("dec", AMOUNT)
                .put("opt_ts", new java.util.Date(1_700_000_000_456L));
    }

    private static String avsc(String ts, String time, String optTs) {
        return """
                {"type":"record","name":"Times","namespace":"dev.benchlake","fields":[
                  {"name":"ts","type":{"type":"long","logicalType":"%s"}},
                  {"name":"t","type":{"type":"%s","logicalType":"%s"}},
                  {"name":"d","type":{"type":"int","logicalType":"date"}},
                  {"name":"dec","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
                  {"name":"opt_ts","type":["null",{"type":"long","logicalType":"%s"}],"default":null}]}"""
                .formatted(ts, time.equals("time-micros") ? "long" : "int", time, optTs);
    }

    /** A converter that writes with the latest version registered under {@code topic-value}. */
    private AvroConverter writingWithLatest(String topic, String avsc) {
        AvroConverter c = new AvroConverter();
        Map<String, Object> configs = new HashMap<>();
        configs.put(AvroConverterConfig.SCHEMA_REGISTRY_URL, registry.url());
        configs.put(AvroConverterConfig.AUTO_REGISTER_SCHEMAS, "false");
        configs.put(AvroConverterConfig.USE_LATEST_VERSION, "true");
        c.configure(configs, false);
        c.client().register(topic + "-value", new org.apache.avro.Schema.Parser().parse(avsc));
        return c;
    }

    /** What Apache Avro itself reads from the converter's bytes, with its logical-type conversions. */
    private static GenericRecord readByAvro(String avsc, byte[] framed) throws IOException {
        GenericData data = new GenericData();
        data.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        data.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        data.addLogicalTypeConversion(new TimeConversions.TimestampNanosConversion());
        data.addLogicalTypeConversion(new TimeConversions.TimeMillisConversion());
        data.addLogicalTypeConversion(new TimeConversions.TimeMicrosConversion());
        data.addLogicalTypeConversion(new TimeConversions.DateConversion());
        data.addLogicalTypeConversion(new Conversions.DecimalConversion());
        org.apache.avro.Schema schema = new org.apache.avro.Schema.Parser().parse(avsc);
        byte[] body = Arrays.copyOfRange(framed, 5, framed.length);
        return new GenericDatumReader<GenericRecord>(schema, schema, data).read(null, DecoderFactory.get().binaryDecoder(body, null));
    }

    @Test
    void timestampsAreWrittenInMicrosecondsWhenTheLatestSchemaSaysTimestampMicros() throws IOException {
        String avsc = avsc("timestamp-micros", "time-millis", "timestamp-micros");
        AvroConverter c = writingWithLatest("micros", avsc);

        byte[] bytes = c.fromConnectData("micros", TIMES, times());

        GenericRecord avro = readByAvro(avsc, bytes);
        assertThat(avro.get("ts")).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
        assertThat(avro.get("opt_ts")).isEqualTo(Instant.ofEpochMilli(1_700_000_000_456L));
        assertThat(avro.get("t")).isEqualTo(LocalTime.ofNanoOfDay(45_296_789_000_000L));
        assertThat(avro.get("d")).isEqualTo(LocalDate.ofEpochDay(19_000));
        assertThat(avro.get("dec")).isEqualTo(AMOUNT);
        // micros have no Connect logical type: they read back as the exact number (as Confluent's converter does)
        Struct back = (Struct) c.toConnectData("micros", bytes).value();
        assertThat(back.get("ts")).isEqualTo(1_700_000_000_123_000L);
        assertThat(back.get("opt_ts")).isEqualTo(1_700_000_000_456_000L);
        assertThat(back.get("t")).isEqualTo(TIME_OF_DAY);
    }

    @Test
    void timesOfDayAreWrittenInMicrosecondsWhenTheLatestSchemaSaysTimeMicros() throws IOException {
        String avsc = avsc("timestamp-millis", "time-micros", "timestamp-millis");
        AvroConverter c = writingWithLatest("time-micros", avsc);

        byte[] bytes = c.fromConnectData("time-micros", TIMES, times());

        assertThat(readByAvro(avsc, bytes).get("t")).isEqualTo(LocalTime.ofNanoOfDay(45_296_789_000_000L));
        Struct back = (Struct) c.toConnectData("time-micros", bytes).value();
        assertThat(back.get("t")).isEqualTo(45_296_789_000L);
        assertThat(back.get("ts")).isEqualTo(INSTANT);
    }

    @Test
    void millisecondLogicalTypesAndDecimalsRoundTripThroughTheLatestSchema() throws IOException {
        String avsc = avsc("timestamp-millis", "time-millis", "timestamp-millis");
        AvroConverter c = writingWithLatest("millis", avsc);

        byte[] bytes = c.fromConnectData("millis", TIMES, times());

        GenericRecord avro = readByAvro(avsc, bytes);
        assertThat(avro.get("ts")).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
        assertThat(avro.get("t")).isEqualTo(LocalTime.ofNanoOfDay(45_296_789_000_000L));
        assertThat(avro.get("d")).isEqualTo(LocalDate.ofEpochDay(19_000));
        assertThat(avro.get("dec")).isEqualTo(AMOUNT);
        Struct back = (Struct) c.toConnectData("millis", bytes).value();
        assertThat(back.get("ts")).isEqualTo(INSTANT);
        assertThat(back.get("t")).isEqualTo(TIME_OF_DAY);
        assertThat(back.get("d")).isEqualTo(DAY);
        assertThat(back.get("dec")).isEqualTo(AMOUNT);
        assertThat(back.get("opt_ts")).isEqualTo(new java.util.Date(1_700_000_000_456L));
    }

    @Test
    void timestampsAreWrittenInNanosecondsWhenTheLatestSchemaSaysNanos() throws IOException {
        String avsc = avsc("timestamp-nanos", "time-millis", "timestamp-nanos");
        AvroConverter c = writingWithLatest("nanos", avsc);

        GenericRecord avro = readByAvro(avsc, c.fromConnectData("nanos", TIMES, times()));

        assertThat(avro.get("ts")).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
        assertThat(avro.get("opt_ts")).isEqualTo(Instant.ofEpochMilli(1_700_000_000_456L));
    }

    @Test
    void aTimestampBeyondTheRangeOfNanosecondsIsRejectedNamingTheField() {
        AvroConverter c = writingWithLatest("far", avsc("timestamp-nanos", "time-millis", "timestamp-nanos"));
        Struct far = times().put("ts", new java.util.Date(Long.MAX_VALUE / 1000));

        assertThatThrownBy(() -> c.fromConnectData("far", TIMES, far))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("dev.benchlake.Times.ts")
                .hasMessageContaining("out of the range of Avro timestamp-nanos");
    }

    @Test
    void aTimestampCannotBeWrittenAsATimeOfDay() {
        AvroConverter c = writingWithLatest("mixed", avsc("time-micros", "time-millis", "timestamp-millis"));

        assertThatThrownBy(() -> c.fromConnectData("mixed", TIMES, times()))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("use.latest.version=true")
                .hasMessageContaining("dev.benchlake.Times.ts")
                .hasMessageContaining("logical type time-micros");
    }
}
