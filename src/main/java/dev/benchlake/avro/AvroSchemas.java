package dev.benchlake.avro;

import java.util.List;

import org.apache.avro.LogicalTypes;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Timestamp;

/**
 * PLACEHOLDER until the converter branch lands: flat records of primitives, nullable unions and
 * timestamp-millis only.
 */
public final class AvroSchemas {

    private AvroSchemas() {
    }

    public static Schema toConnectSchema(org.apache.avro.Schema avro) {
        SchemaBuilder struct = SchemaBuilder.struct().name(avro.getFullName());
        if (avro.getDoc() != null) {
            struct.doc(avro.getDoc());
        }
        for (org.apache.avro.Schema.Field field : avro.getFields()) {
            org.apache.avro.Schema type = field.schema();
            boolean optional = false;
            if (type.getType() == org.apache.avro.Schema.Type.UNION) {
                List<org.apache.avro.Schema> types = type.getTypes();
                type = types.get(1);
                optional = true;
            }
            SchemaBuilder b = switch (type.getType()) {
                case STRING -> SchemaBuilder.string();
                case BOOLEAN -> SchemaBuilder.bool();
                case INT -> SchemaBuilder.int32();
                case LONG -> type.getLogicalType() instanceof LogicalTypes.TimestampMillis ? Timestamp.builder() : SchemaBuilder.int64();
                case DOUBLE -> SchemaBuilder.float64();
                case FLOAT -> SchemaBuilder.float32();
                default -> throw new IllegalArgumentException("unsupported " + type);
            };
            if (optional) {
                b.optional();
            }
            if (field.doc() != null) {
                b.doc(field.doc());
            }
            struct.field(field.name(), b.build());
        }
        return struct.build();
    }
}
