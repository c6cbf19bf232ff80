package dev.benchlake.trends.stream;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.storage.Converter;

/**
 * The topics' formats through a Kafka Connect {@link Converter} (Benchlake's AvroConverter in the application, so the
 * records read and written are the ones the connector and the sinks use, schemas in the registry).
 */
final class ConnectSerdes {
    private ConnectSerdes() {
    }

    /** A record's Struct, or null for a tombstone or a record the converter cannot read (logged by the caller). */
    static Struct read(Converter converter, String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        SchemaAndValue sv = converter.toConnectData(topic, bytes);
        return sv.value() instanceof Struct s ? s : null;
    }

    static Serializer<Struct> writer(Converter converter, Schema schema) {
        return (topic, struct) -> struct == null ? null : converter.fromConnectData(topic, schema, struct);
    }
}
