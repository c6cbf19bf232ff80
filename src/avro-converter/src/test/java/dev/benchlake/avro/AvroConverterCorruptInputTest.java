package dev.benchlake.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingSupplier;

/**
 * A message whose lengths or counts claim more than it holds fails at once with a {@link DataException} that names
 * the field and the problem: nothing is allocated for what the bytes only claim, and no loop runs for items that
 * are not there.
 */
class AvroConverterCorruptInputTest {
    private static final Duration FAST = Duration.ofSeconds(10);

    private FakeSchemaRegistry registry;
    private AvroConverter converter;

    @BeforeEach
    void start() throws IOException {
        registry = new FakeSchemaRegistry();
        converter = new AvroConverter();
        converter.configure(Map.of(AvroConverterConfig.SCHEMA_REGISTRY_URL, registry.url()), false);
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    /** A message of schema {@code avsc} (registered under a subject of its own) whose body Avro's encoder writes. */
    private byte[] message(String avsc, Body body) throws IOException {
        int id = converter.client().register("corrupt-" + Integer.toHexString(avsc.hashCode()) + "-value",
                new org.apache.avro.Schema.Parser().parse(avsc));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        body.write(encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private interface Body {
        void write(BinaryEncoder out) throws IOException;
    }

    private static String record(String fieldType) {
        return "{\"type\":\"record\",\"name\":\"R\",\"namespace\":\"dev.benchlake\",\"fields\":[{\"name\":\"f\",\"type\":"
                + fieldType + "}]}";
    }

    private static <T> T fast(ThrowingSupplier<T> read) {
        return assertTimeoutPreemptively(FAST, read);
    }

    @Test
    void aStringLongerThanTheMessageIsRejectedBeforeAnythingIsAllocated() throws IOException {
        byte[] bytes = message(record("\"string\""), out -> {
            out.writeLong(Integer.MAX_VALUE - 100L);
            out.writeFixed(new byte[] {'a', 'b', 'c'});
        });

        assertThatThrownBy(() -> fast(() -> converter.toConnectData("t", bytes)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("truncated")
                .hasMessageContaining("dev.benchlake.R.f")
                .hasMessageContaining("length 2147483547")
                .hasMessageContaining("exceeds the 3 byte(s) that remain");
    }

    @Test
    void bytesLongerThanTheMessageAreRejectedBeforeAnythingIsAllocated() throws IOException {
        byte[] bytes = message(record("\"bytes\""), out -> out.writeLong(1L << 40));

        assertThatThrownBy(() -> fast(() -> converter.toConnectData("t", bytes)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("dev.benchlake.R.f")
                .hasMessageContaining("length 1099511627776");
    }

    @Test
    void anArrayBlockOfMoreItemsThanTheMessageHasBytesIsRejected() throws IOException {
        byte[] bytes = message(record("{\"type\":\"array\",\"items\":\"long\"}"), out -> {
            out.writeLong(1_000_000_000L);
            out.writeLong(7);
        });

        assertThatThrownBy(() -> fast(() -> converter.toConnectData("t", bytes)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("dev.benchlake.R.f")
                .hasMessageContaining("block of 1000000000 item(s)")
                .hasMessageContaining("cannot fit in the 1 byte(s) that remain");
    }

    @Test
    void aMapBlockOfMoreEntriesThanTheMessageHasBytesIsRejected() throws IOException {
        byte[] bytes = message(record("{\"type\":\"map\",\"values\":\"string\"}"), out -> out.writeLong(Integer.MAX_VALUE - 8L));

        assertThatThrownBy(() -> fast(() -> converter.toConnectData("t", bytes)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("dev.benchlake.R.f")
                .hasMessageContaining("block of 2147483639 item(s)");
    }

    @Test
    void aHugeCountOfFieldlessRecordsIsRejectedThoughTheyTakeNoBytes() throws IOException {
        byte[] bytes = message(record("{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Empty\",\"fields\":[]}}"), out -> {
            out.writeLong(2_000_000_000L);
            out.writeLong(0);
        });

        assertThatThrownBy(() -> fast(() -> converter.toConnectData("t", bytes)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("dev.benchlake.R.f")
                .hasMessageContaining("block of 2000000000 item(s)")
                .hasMessageContaining("limit of 1048576 items per message");
    }

    @Test
    void manySmallBlocksOfFieldlessRecordsAreRejectedTogether() throws IOException {
        byte[] bytes = message(record("{\"type\":\"array\",\"items\":{\"type\":\"record\",\"name\":\"Empty\",\"fields\":[]}}"), out -> {
            for (int i = 0; i < 10_000; i++) {
                out.writeLong(1000);
            }
            out.writeLong(0);
        });

        assertThatThrownBy(() -> fast(() -> converter.toConnectData("t", bytes)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("dev.benchlake.R.f")
                .hasMessageContaining("limit of 1048576 items per message");
    }

    @Test
    void aFewFieldlessRecordsStillRoundTrip() {
        Schema empty = SchemaBuilder.struct().name("dev.benchlake.Empty").build();
        Schema schema = SchemaBuilder.struct().name("dev.benchlake.Holder").field("f", SchemaBuilder.array(empty).build()).build();
        Struct value = new Struct(schema).put("f", List.of(new Struct(empty), new Struct(empty), new Struct(empty)));

        Struct back = (Struct) converter.toConnectData("t", converter.fromConnectData("t", schema, value)).value();

        assertThat(back.getArray("f")).hasSize(3);
        assertThat(back).isEqualTo(value);
    }

    @Test
    void anEnumIndexOutOfRangeIsCorruptData() throws IOException {
        byte[] bytes = message(record("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}"), out -> out.writeEnum(7));

        assertThatThrownBy(() -> fast(() -> converter.toConnectData("t", bytes)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("corrupt in field dev.benchlake.R.f");
    }

    @Test
    void aBooleanByteOtherThanZeroOrOneIsCorruptData() throws IOException {
        byte[] bytes = message(record("\"boolean\""), out -> out.writeFixed(new byte[] {2}));

        assertThatThrownBy(() -> fast(() -> converter.toConnectData("t", bytes)))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("corrupt in field dev.benchlake.R.f")
                .hasMessageContaining("invalid boolean byte 2");
    }
}
