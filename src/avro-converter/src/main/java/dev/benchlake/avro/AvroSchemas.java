package dev.benchlake.avro;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Pure conversions between Kafka Connect schemas and Avro schemas, compatible with the conventions of
 * Confluent's {@code AvroData} (property names, default record name, map-entry records, int8/int16 markers).
 *
 * <h2>Avro to Connect ({@link #toConnectSchema(org.apache.avro.Schema)})</h2>
 * Supported Avro constructs:
 * <ul>
 *   <li>{@code record} → STRUCT named after the record's full name (records named
 *       {@code io.confluent.connect.avro.ConnectDefault*} become unnamed structs); record doc → schema doc;
 *       field doc → the field schema's doc (for non-record, non-enum field types);</li>
 *   <li>{@code boolean, int, long, float, double, bytes, string} → BOOLEAN, INT32, INT64, FLOAT32, FLOAT64, BYTES,
 *       STRING; an {@code int} with {@code "connect.type":"int8"|"int16"} → INT8 / INT16;</li>
 *   <li>nullable unions {@code ["null", T]} and {@code [T, "null"]} → optional T (other unions are rejected);</li>
 *   <li>logical types {@code timestamp-millis} (long) → Timestamp, {@code date} (int) → Date,
 *       {@code time-millis} (int) → Time, {@code decimal} (bytes) → Decimal with parameter
 *       {@code connect.decimal.precision}; other logical types map to their underlying type (annotation dropped);</li>
 *   <li>{@code array} → ARRAY; {@code map} → MAP with STRING keys; an array of
 *       {@code io.confluent.connect.avro.MapEntry*} records with fields {@code key}/{@code value} → MAP;</li>
 *   <li>{@code enum} → STRING named after the enum with parameters {@code io.confluent.connect.avro.Enum} (the
 *       enum's full name) and {@code io.confluent.connect.avro.Enum.<symbol>} per symbol, in order;</li>
 *   <li>field defaults → Connect default values (except for record-typed fields, whose defaults Connect cannot
 *       carry); {@code connect.name}, {@code connect.version}, {@code connect.doc}, {@code connect.parameters}
 *       properties written by Confluent are read back.</li>
 * </ul>
 * Rejected with a {@link DataException}: {@code fixed}, unions other than nullable ones, recursive records.
 *
 * <h2>Connect to Avro</h2>
 * {@link #toAvroSchema(Schema)} writes no {@code connect.*} metadata and is the exact inverse of
 * {@link #toConnectSchema(org.apache.avro.Schema)} for the constructs above: for such an {@code .avsc},
 * {@code toAvroSchema(toConnectSchema(avsc)).equals(avsc)}. {@link #toAvroSchema(Schema, boolean)} with
 * {@code true} adds Confluent's {@code connect.doc}, {@code connect.version}, {@code connect.default},
 * {@code connect.parameters} and {@code connect.name} properties, as Confluent's converter does with its default
 * {@code connect.meta.data=true}. Optional schemas become {@code ["null", T]} with field default {@code null}
 * ({@code [T, "null"]} when the Connect schema has a non-null default); unnamed structs are named
 * {@code io.confluent.connect.avro.ConnectDefault}, {@code ConnectDefault2}, ...; maps with non-string (or
 * optional) keys become arrays of {@code io.confluent.connect.avro.MapEntry} records.
 *
 * <h2>Original Avro schemas</h2>
 * Every Connect schema produced by {@link #toConnectSchema(org.apache.avro.Schema)} remembers (in a bounded,
 * process-wide table keyed by Connect schema equality) the Avro schema it came from; {@link
 * #originalAvroSchema(Schema)} returns it. {@link AvroConverter} uses that schema as is, whatever
 * {@code connect.meta.data} says, so a connector that derives its Connect schema from a hand-written
 * {@code .avsc} registers exactly that {@code .avsc}.
 */
public final class AvroSchemas {

    public static final String NAMESPACE = "io.confluent.connect.avro";
    public static final String DEFAULT_SCHEMA_NAME = "ConnectDefault";
    public static final String DEFAULT_SCHEMA_FULL_NAME = NAMESPACE + "." + DEFAULT_SCHEMA_NAME;
    public static final String MAP_ENTRY_NAME = "MapEntry";
    public static final String MAP_ENTRY_FULL_NAME = NAMESPACE + "." + MAP_ENTRY_NAME;
    public static final String MAP_KEY = "key";
    public static final String MAP_VALUE = "value";

    public static final String CONNECT_NAME_PROP = "connect.name";
    public static final String CONNECT_DOC_PROP = "connect.doc";
    public static final String CONNECT_VERSION_PROP = "connect.version";
    public static final String CONNECT_PARAMETERS_PROP = "connect.parameters";
    public static final String CONNECT_DEFAULT_PROP = "connect.default";
    public static final String CONNECT_TYPE_PROP = "connect.type";
    public static final String CONNECT_TYPE_INT8 = "int8";
    public static final String CONNECT_TYPE_INT16 = "int16";

    /** Connect parameter carrying an Avro decimal's precision (Confluent's name). */
    public static final String DECIMAL_PRECISION_PARAM = "connect.decimal.precision";
    /** Precision used when a Connect Decimal has no {@link #DECIMAL_PRECISION_PARAM} (Confluent's default). */
    public static final int DEFAULT_DECIMAL_PRECISION = 64;
    /** Connect parameter marking a STRING that is an Avro enum; its value is the enum's full name. */
    public static final String ENUM_PARAM = "io.confluent.connect.avro.Enum";

    private static final Pattern DEFAULT_NAME = Pattern.compile(Pattern.quote(DEFAULT_SCHEMA_FULL_NAME) + "\\d*");
    private static final Pattern MAP_ENTRY = Pattern.compile(Pattern.quote(MAP_ENTRY_FULL_NAME) + "\\d*");

    private static final BoundedCache<Schema, org.apache.avro.Schema> ORIGINS = new BoundedCache<>(1000);

    private AvroSchemas() {
    }

    // ------------------------------------------------------------------------------------------------------------
    // Avro -> Connect
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Converts an Avro schema to the equivalent Connect schema (see the class documentation for what is supported)
     * and remembers {@code avro} as the Connect schema's {@linkplain #originalAvroSchema(Schema) original}.
     *
     * @throws DataException for Avro constructs Connect cannot represent, naming the offending path
     */
    public static Schema toConnectSchema(org.apache.avro.Schema avro) {
        Schema connect = toConnectBuilder(avro, new IdentityHashMap<>(), avro.getType() == org.apache.avro.Schema.Type.RECORD
                ? avro.getName() : avro.getType().getName()).build();
        ORIGINS.put(connect, avro);
        return connect;
    }

    /** The Avro schema that {@link #toConnectSchema(org.apache.avro.Schema)} derived {@code connect} from, if any. */
    public static Optional<org.apache.avro.Schema> originalAvroSchema(Schema connect) {
        return connect == null ? Optional.empty() : Optional.ofNullable(ORIGINS.get(connect));
    }

    private static SchemaBuilder toConnectBuilder(org.apache.avro.Schema avro,
                                                  IdentityHashMap<org.apache.avro.Schema, Boolean> inProgress,
                                                  String path) {
        org.apache.avro.Schema.Type type = avro.getType();
        if (type == org.apache.avro.Schema.Type.UNION) {
            org.apache.avro.Schema inner = nullableBranch(avro, path);
            return toConnectBuilder(inner, inProgress, path).optional();
        }
        SchemaBuilder builder;
        LogicalType logical = avro.getLogicalType();
        switch (type) {
            case BOOLEAN -> builder = SchemaBuilder.bool();
            case INT -> {
                Object connectType = avro.getProp(CONNECT_TYPE_PROP);
                if (logical instanceof LogicalTypes.Date) {
                    builder = Date.builder();
                } else if (logical instanceof LogicalTypes.TimeMillis) {
                    builder = Time.builder();
                } else if (CONNECT_TYPE_INT8.equals(connectType)) {
                    builder = SchemaBuilder.int8();
                } else if (CONNECT_TYPE_INT16.equals(connectType)) {
                    builder = SchemaBuilder.int16();
                } else {
                    builder = SchemaBuilder.int32();
                }
            }
            case LONG -> builder = logical instanceof LogicalTypes.TimestampMillis ? Timestamp.builder() : SchemaBuilder.int64();
            case FLOAT -> builder = SchemaBuilder.float32();
            case DOUBLE -> builder = SchemaBuilder.float64();
            case STRING -> builder = SchemaBuilder.string();
            case BYTES -> {
                if (logical instanceof LogicalTypes.Decimal decimal) {
                    builder = Decimal.builder(decimal.getScale());
                    if (decimal.getPrecision() != DEFAULT_DECIMAL_PRECISION) {
                        builder.parameter(DECIMAL_PRECISION_PARAM, Integer.toString(decimal.getPrecision()));
                    }
                } else {
                    builder = SchemaBuilder.bytes();
                }
            }
            case ENUM -> {
                builder = SchemaBuilder.string().name(avro.getFullName()).parameter(ENUM_PARAM, avro.getFullName());
                for (String symbol : avro.getEnumSymbols()) {
                    builder.parameter(ENUM_PARAM + "." + symbol, symbol);
                }
                if (avro.getDoc() != null) {
                    builder.doc(avro.getDoc());
                }
            }
            case ARRAY -> {
                org.apache.avro.Schema items = avro.getElementType();
                if (isMapEntry(items)) {
                    builder = SchemaBuilder.map(
                            toConnectBuilder(items.getField(MAP_KEY).schema(), inProgress, path + ".key").build(),
                            toConnectBuilder(items.getField(MAP_VALUE).schema(), inProgress, path + ".value").build());
                } else {
                    builder = SchemaBuilder.array(toConnectBuilder(items, inProgress, path + "[]").build());
                }
            }
            case MAP -> builder = SchemaBuilder.map(Schema.STRING_SCHEMA,
                    toConnectBuilder(avro.getValueType(), inProgress, path + "{}").build());
            case RECORD -> builder = recordToConnect(avro, inProgress, path);
            case FIXED -> throw new DataException("Avro type 'fixed' (" + avro.getFullName() + " at " + path
                    + ") is not supported by Benchlake's Avro converter");
            case NULL -> throw new DataException("Avro type 'null' outside a nullable union (at " + path
                    + ") is not supported by Benchlake's Avro converter");
            default -> throw new DataException("Unsupported Avro type " + type + " at " + path);
        }
        applyConnectMetadata(avro, builder);
        return builder;
    }

    private static SchemaBuilder recordToConnect(org.apache.avro.Schema avro,
                                                 IdentityHashMap<org.apache.avro.Schema, Boolean> inProgress,
                                                 String path) {
        if (inProgress.put(avro, Boolean.TRUE) != null) {
            throw new DataException("Recursive Avro record " + avro.getFullName() + " (at " + path
                    + ") cannot be represented as a Kafka Connect schema");
        }
        try {
            SchemaBuilder builder = SchemaBuilder.struct();
            Object connectName = avro.getObjectProp(CONNECT_NAME_PROP);
            if (connectName instanceof String n) {
                builder.name(n);
            } else if (!DEFAULT_NAME.matcher(avro.getFullName()).matches()) {
                builder.name(avro.getFullName());
            }
            if (avro.getDoc() != null) {
                builder.doc(avro.getDoc());
            }
            for (org.apache.avro.Schema.Field field : avro.getFields()) {
                String fieldPath = path + "." + field.name();
                SchemaBuilder fieldBuilder = toConnectBuilder(field.schema(), inProgress, fieldPath);
                org.apache.avro.Schema.Type fieldType = nonNull(field.schema()).getType();
                boolean named = fieldType == org.apache.avro.Schema.Type.RECORD || fieldType == org.apache.avro.Schema.Type.ENUM;
                if (field.doc() != null && !named && fieldBuilder.doc() == null) {
                    fieldBuilder.doc(field.doc());
                }
                if (field.hasDefaultValue() && fieldBuilder.type() != Schema.Type.STRUCT) {
                    Object def = field.defaultVal();
                    if (def != null && def != JsonProperties.NULL_VALUE) {
                        try {
                            fieldBuilder.defaultValue(avroDefaultToConnect(def, fieldBuilder, fieldPath));
                        } catch (RuntimeException e) {
                            throw new DataException("Default value of Avro field " + fieldPath
                                    + " cannot be converted to Connect: " + e.getMessage(), e);
                        }
                    }
                }
                builder.field(field.name(), fieldBuilder.build());
            }
            return builder;
        } finally {
            inProgress.remove(avro);
        }
    }

    private static void applyConnectMetadata(org.apache.avro.Schema avro, SchemaBuilder builder) {
        Object version = avro.getObjectProp(CONNECT_VERSION_PROP);
        if (version instanceof Number n && builder.version() == null) {
            builder.version(n.intValue());
        }
        Object doc = avro.getObjectProp(CONNECT_DOC_PROP);
        if (doc instanceof String d && builder.doc() == null) {
            builder.doc(d);
        }
        Object params = avro.getObjectProp(CONNECT_PARAMETERS_PROP);
        if (params instanceof Map<?, ?> map) {
            Map<String, String> existing = builder.parameters();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = String.valueOf(e.getKey());
                if (existing == null || !existing.containsKey(key)) {
                    builder.parameter(key, String.valueOf(e.getValue()));
                }
            }
        }
        Object name = avro.getObjectProp(CONNECT_NAME_PROP);
        if (name instanceof String n && builder.name() == null) {
            builder.name(n);
        }
    }

    static boolean isMapEntry(org.apache.avro.Schema schema) {
        return schema.getType() == org.apache.avro.Schema.Type.RECORD
                && MAP_ENTRY.matcher(schema.getFullName()).matches()
                && schema.getFields().size() == 2
                && schema.getField(MAP_KEY) != null
                && schema.getField(MAP_VALUE) != null;
    }

    /** For a union {@code ["null", T]} or {@code [T, "null"]}, returns T; otherwise throws. */
    static org.apache.avro.Schema nullableBranch(org.apache.avro.Schema union, String path) {
        List<org.apache.avro.Schema> types = union.getTypes();
        if (types.size() == 2) {
            if (types.get(0).getType() == org.apache.avro.Schema.Type.NULL
                    && types.get(1).getType() != org.apache.avro.Schema.Type.NULL) {
                return types.get(1);
            }
            if (types.get(1).getType() == org.apache.avro.Schema.Type.NULL
                    && types.get(0).getType() != org.apache.avro.Schema.Type.NULL) {
                return types.get(0);
            }
        }
        throw new DataException("Avro union " + union + " at " + path
                + " is not supported: only nullable unions [\"null\", T] / [T, \"null\"] are");
    }

    static org.apache.avro.Schema nonNull(org.apache.avro.Schema schema) {
        return schema.getType() == org.apache.avro.Schema.Type.UNION ? nullableBranch(schema, schema.toString()) : schema;
    }

    /** Converts an Avro default value (as returned by {@link org.apache.avro.Schema.Field#defaultVal()}). */
    private static Object avroDefaultToConnect(Object value, Schema schema, String path) {
        if (value == null || value == JsonProperties.NULL_VALUE) {
            return null;
        }
        String logical = schema.name();
        switch (schema.type()) {
            case INT8:
                return ((Number) value).byteValue();
            case INT16:
                return ((Number) value).shortValue();
            case INT32:
                if (Date.LOGICAL_NAME.equals(logical)) {
                    return Date.toLogical(schema, ((Number) value).intValue());
                }
                if (Time.LOGICAL_NAME.equals(logical)) {
                    return Time.toLogical(schema, ((Number) value).intValue());
                }
                return ((Number) value).intValue();
            case INT64:
                if (Timestamp.LOGICAL_NAME.equals(logical)) {
                    return Timestamp.toLogical(schema, ((Number) value).longValue());
                }
                return ((Number) value).longValue();
            case FLOAT32:
                return ((Number) value).floatValue();
            case FLOAT64:
                return ((Number) value).doubleValue();
            case BOOLEAN:
                return value;
            case STRING:
                return value.toString();
            case BYTES: {
                byte[] bytes = toBytes(value);
                return Decimal.LOGICAL_NAME.equals(logical) ? Decimal.toLogical(schema, bytes) : bytes;
            }
            case ARRAY: {
                List<Object> out = new ArrayList<>();
                for (Object item : (Collection<?>) value) {
                    out.add(avroDefaultToConnect(item, schema.valueSchema(), path + "[]"));
                }
                return out;
            }
            case MAP: {
                Map<Object, Object> out = new LinkedHashMap<>();
                if (value instanceof Map<?, ?> map) {
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        out.put(avroDefaultToConnect(e.getKey(), schema.keySchema(), path),
                                avroDefaultToConnect(e.getValue(), schema.valueSchema(), path + "{}"));
                    }
                } else {
                    for (Object entry : (Collection<?>) value) {
                        Map<?, ?> kv = (Map<?, ?>) entry;
                        out.put(avroDefaultToConnect(kv.get(MAP_KEY), schema.keySchema(), path),
                                avroDefaultToConnect(kv.get(MAP_VALUE), schema.valueSchema(), path + "{}"));
                    }
                }
                return out;
            }
            case STRUCT: {
                Struct struct = new Struct(schema);
                Map<?, ?> map = (Map<?, ?>) value;
                for (Field f : schema.fields()) {
                    struct.put(f, avroDefaultToConnect(map.get(f.name()), f.schema(), path + "." + f.name()));
                }
                return struct;
            }
            default:
                throw new DataException("Unsupported default at " + path);
        }
    }

    private static byte[] toBytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer dup = buffer.duplicate();
            byte[] out = new byte[dup.remaining()];
            dup.get(out);
            return out;
        }
        if (value instanceof CharSequence s) {
            return s.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        throw new DataException("Not a bytes value: " + value.getClass().getName());
    }

    // ------------------------------------------------------------------------------------------------------------
    // Connect -> Avro
    // ------------------------------------------------------------------------------------------------------------

    /** Converts a Connect schema to Avro without any {@code connect.*} metadata properties. */
    public static org.apache.avro.Schema toAvroSchema(Schema connect) {
        return toAvroSchema(connect, false);
    }

    /**
     * Converts a Connect schema to Avro, as Confluent's {@code AvroData} does.
     *
     * @param connectMetaData add Confluent's {@code connect.*} properties (Confluent's {@code connect.meta.data})
     * @throws DataException for schemas Avro cannot represent (e.g. invalid names), naming the path
     */
    public static org.apache.avro.Schema toAvroSchema(Schema connect, boolean connectMetaData) {
        if (connect == null) {
            throw new DataException("A schema is required to convert to Avro (schemaless data is not supported)");
        }
        ToAvroContext ctx = new ToAvroContext(connectMetaData);
        try {
            return ctx.convert(connect, connect.name() != null ? connect.name() : connect.type().getName(), true);
        } catch (org.apache.avro.AvroRuntimeException e) {
            throw new DataException("Cannot convert Connect schema " + describe(connect) + " to Avro: " + e.getMessage(), e);
        }
    }

    static String describe(Schema schema) {
        return schema.name() != null ? "'" + schema.name() + "' (" + schema.type() + ")" : schema.type().toString();
    }

    private static final class ToAvroContext {
        private final boolean metaData;
        private final Map<String, org.apache.avro.Schema> named = new HashMap<>();
        private int defaultNames;
        private int mapEntries;

        ToAvroContext(boolean metaData) {
            this.metaData = metaData;
        }

        /** Converts, wrapping in a nullable union when optional (if {@code allowUnion}). */
        org.apache.avro.Schema convert(Schema schema, String path, boolean allowUnion) {
            org.apache.avro.Schema base = convertBase(schema, path);
            if (!schema.isOptional() || !allowUnion) {
                return base;
            }
            org.apache.avro.Schema nullSchema = org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL);
            return schema.defaultValue() != null
                    ? org.apache.avro.Schema.createUnion(base, nullSchema)
                    : org.apache.avro.Schema.createUnion(nullSchema, base);
        }

        private org.apache.avro.Schema convertBase(Schema schema, String path) {
            String name = schema.name();
            org.apache.avro.Schema avro;
            LogicalType logical = null;
            switch (schema.type()) {
                case INT8 -> {
                    avro = primitive(org.apache.avro.Schema.Type.INT);
                    avro.addProp(CONNECT_TYPE_PROP, CONNECT_TYPE_INT8);
                }
                case INT16 -> {
                    avro = primitive(org.apache.avro.Schema.Type.INT);
                    avro.addProp(CONNECT_TYPE_PROP, CONNECT_TYPE_INT16);
                }
                case INT32 -> {
                    avro = primitive(org.apache.avro.Schema.Type.INT);
                    if (Date.LOGICAL_NAME.equals(name)) {
                        logical = LogicalTypes.date();
                    } else if (Time.LOGICAL_NAME.equals(name)) {
                        logical = LogicalTypes.timeMillis();
                    }
                }
                case INT64 -> {
                    avro = primitive(org.apache.avro.Schema.Type.LONG);
                    if (Timestamp.LOGICAL_NAME.equals(name)) {
                        logical = LogicalTypes.timestampMillis();
                    }
                }
                case FLOAT32 -> avro = primitive(org.apache.avro.Schema.Type.FLOAT);
                case FLOAT64 -> avro = primitive(org.apache.avro.Schema.Type.DOUBLE);
                case BOOLEAN -> avro = primitive(org.apache.avro.Schema.Type.BOOLEAN);
                case STRING -> {
                    Map<String, String> params = schema.parameters();
                    if (params != null && params.containsKey(ENUM_PARAM)) {
                        avro = enumSchema(schema, params, path);
                    } else {
                        avro = primitive(org.apache.avro.Schema.Type.STRING);
                    }
                }
                case BYTES -> {
                    avro = primitive(org.apache.avro.Schema.Type.BYTES);
                    if (Decimal.LOGICAL_NAME.equals(name)) {
                        int scale = decimalScale(schema, path);
                        int precision = decimalPrecision(schema, path);
                        avro.addProp("scale", scale);
                        avro.addProp("precision", precision);
                        logical = LogicalTypes.decimal(precision, scale);
                    }
                }
                case ARRAY -> avro = org.apache.avro.Schema.createArray(convert(schema.valueSchema(), path + "[]", true));
                case MAP -> {
                    Schema keySchema = schema.keySchema();
                    if (keySchema.type() == Schema.Type.STRING && !keySchema.isOptional()) {
                        avro = org.apache.avro.Schema.createMap(convert(schema.valueSchema(), path + "{}", true));
                    } else {
                        avro = org.apache.avro.Schema.createArray(mapEntry(schema, path));
                    }
                }
                case STRUCT -> avro = record(schema, path);
                default -> throw new DataException("Unsupported Connect type " + schema.type() + " at " + path);
            }
            if (metaData && avro.getType() != org.apache.avro.Schema.Type.RECORD
                    && avro.getType() != org.apache.avro.Schema.Type.ENUM) {
                addMetadata(avro, schema, path);
            }
            if (logical != null) {
                logical.addToSchema(avro);
            }
            return avro;
        }

        private void addMetadata(org.apache.avro.Schema avro, Schema schema, String path) {
            if (schema.doc() != null) {
                avro.addProp(CONNECT_DOC_PROP, schema.doc());
            }
            if (schema.version() != null) {
                avro.addProp(CONNECT_VERSION_PROP, schema.version());
            }
            if (schema.defaultValue() != null) {
                avro.addProp(CONNECT_DEFAULT_PROP, connectDefaultToAvro(schema.defaultValue(), schema, path));
            }
            if (schema.parameters() != null && !schema.parameters().isEmpty()) {
                avro.addProp(CONNECT_PARAMETERS_PROP, new LinkedHashMap<>(schema.parameters()));
            }
            if (schema.name() != null) {
                avro.addProp(CONNECT_NAME_PROP, schema.name());
            }
        }

        private org.apache.avro.Schema enumSchema(Schema schema, Map<String, String> params, String path) {
            String fullName = params.get(ENUM_PARAM);
            List<String> symbols = new ArrayList<>();
            String prefix = ENUM_PARAM + ".";
            for (Map.Entry<String, String> e : params.entrySet()) {
                if (e.getKey().startsWith(prefix)) {
                    symbols.add(e.getValue());
                }
            }
            String[] parts = splitName(fullName);
            org.apache.avro.Schema avro = org.apache.avro.Schema.createEnum(parts[1], schema.doc(), parts[0], symbols);
            if (metaData) {
                addMetadata(avro, schema, path);
            }
            return define(avro, path);
        }

        private org.apache.avro.Schema mapEntry(Schema schema, String path) {
            mapEntries++;
            String name = MAP_ENTRY_NAME + (mapEntries > 1 ? Integer.toString(mapEntries) : "");
            org.apache.avro.Schema entry = org.apache.avro.Schema.createRecord(name, null, NAMESPACE, false);
            entry.setFields(List.of(
                    field(MAP_KEY, schema.keySchema(), path + ".key"),
                    field(MAP_VALUE, schema.valueSchema(), path + ".value")));
            return define(entry, path);
        }

        private org.apache.avro.Schema record(Schema schema, String path) {
            String fullName = schema.name();
            if (fullName == null) {
                defaultNames++;
                fullName = DEFAULT_SCHEMA_FULL_NAME + (defaultNames > 1 ? Integer.toString(defaultNames) : "");
            }
            String[] parts = splitName(fullName);
            org.apache.avro.Schema record = org.apache.avro.Schema.createRecord(parts[1], schema.doc(), parts[0], false);
            List<org.apache.avro.Schema.Field> fields = new ArrayList<>(schema.fields().size());
            for (Field f : schema.fields()) {
                fields.add(field(f.name(), f.schema(), path + "." + f.name()));
            }
            record.setFields(fields);
            if (metaData) {
                addMetadata(record, schema, path);
            }
            return define(record, path);
        }

        private org.apache.avro.Schema.Field field(String name, Schema fieldSchema, String path) {
            org.apache.avro.Schema avro = convert(fieldSchema, path, true);
            Object def = null;
            if (fieldSchema.defaultValue() != null) {
                def = connectDefaultToAvro(fieldSchema.defaultValue(), fieldSchema, path);
            } else if (fieldSchema.isOptional()) {
                def = JsonProperties.NULL_VALUE;
            }
            boolean named = fieldSchema.type() == Schema.Type.STRUCT
                    || (fieldSchema.type() == Schema.Type.STRING && fieldSchema.parameters() != null
                    && fieldSchema.parameters().containsKey(ENUM_PARAM));
            String doc = named ? null : fieldSchema.doc();
            try {
                return new org.apache.avro.Schema.Field(name, avro, doc, def);
            } catch (org.apache.avro.AvroTypeException e) {
                throw new DataException("Invalid default value for field " + path + ": " + e.getMessage(), e);
            }
        }

        /** Registers a named schema; an identical one already defined is reused, a different one is an error. */
        private org.apache.avro.Schema define(org.apache.avro.Schema avro, String path) {
            org.apache.avro.Schema existing = named.get(avro.getFullName());
            if (existing == null) {
                named.put(avro.getFullName(), avro);
                return avro;
            }
            if (existing.equals(avro)) {
                return existing;
            }
            throw new DataException("Connect schema name '" + avro.getFullName() + "' is used for two different schemas"
                    + " (second one at " + path + "); Avro requires unique names");
        }

        private static org.apache.avro.Schema primitive(org.apache.avro.Schema.Type type) {
            return org.apache.avro.Schema.create(type);
        }
    }

    private static String[] splitName(String fullName) {
        int dot = fullName.lastIndexOf('.');
        return dot < 0 ? new String[] {null, fullName} : new String[] {fullName.substring(0, dot), fullName.substring(dot + 1)};
    }

    static int decimalScale(Schema schema, String path) {
        String scale = schema.parameters() == null ? null : schema.parameters().get(Decimal.SCALE_FIELD);
        if (scale == null) {
            throw new DataException("Decimal schema at " + path + " has no '" + Decimal.SCALE_FIELD + "' parameter");
        }
        return Integer.parseInt(scale);
    }

    static int decimalPrecision(Schema schema, String path) {
        String precision = schema.parameters() == null ? null : schema.parameters().get(DECIMAL_PRECISION_PARAM);
        if (precision == null) {
            return DEFAULT_DECIMAL_PRECISION;
        }
        try {
            return Integer.parseInt(precision);
        } catch (NumberFormatException e) {
            throw new DataException("Decimal schema at " + path + " has a non-integer '" + DECIMAL_PRECISION_PARAM
                    + "' parameter: " + precision, e);
        }
    }

    /** Converts a Connect value to the plain Java form Avro accepts as a JSON default. */
    static Object connectDefaultToAvro(Object value, Schema schema, String path) {
        if (value == null) {
            return JsonProperties.NULL_VALUE;
        }
        String logical = schema.name();
        switch (schema.type()) {
            case INT8:
            case INT16:
                return ((Number) value).intValue();
            case INT32:
                if (Date.LOGICAL_NAME.equals(logical)) {
                    return Date.fromLogical(schema, (java.util.Date) value);
                }
                if (Time.LOGICAL_NAME.equals(logical)) {
                    return Time.fromLogical(schema, (java.util.Date) value);
                }
                return value;
            case INT64:
                if (Timestamp.LOGICAL_NAME.equals(logical)) {
                    return Timestamp.fromLogical(schema, (java.util.Date) value);
                }
                return value;
            case FLOAT32:
            case FLOAT64:
            case BOOLEAN:
            case STRING:
                return value;
            case BYTES:
                // Avro writes bytes defaults as strings of ISO-8859-1 characters, one per byte
                byte[] bytes = Decimal.LOGICAL_NAME.equals(logical)
                        ? Decimal.fromLogical(schema, (BigDecimal) value) : toBytes(value);
                return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
            case ARRAY: {
                List<Object> out = new ArrayList<>();
                for (Object item : (Collection<?>) value) {
                    out.add(connectDefaultToAvro(item, schema.valueSchema(), path + "[]"));
                }
                return out;
            }
            case MAP: {
                Map<?, ?> map = (Map<?, ?>) value;
                if (schema.keySchema().type() == Schema.Type.STRING && !schema.keySchema().isOptional()) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    map.forEach((k, v) -> out.put((String) k, connectDefaultToAvro(v, schema.valueSchema(), path + "{}")));
                    return out;
                }
                List<Object> entries = new ArrayList<>();
                map.forEach((k, v) -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put(MAP_KEY, connectDefaultToAvro(k, schema.keySchema(), path + ".key"));
                    entry.put(MAP_VALUE, connectDefaultToAvro(v, schema.valueSchema(), path + ".value"));
                    entries.add(entry);
                });
                return entries;
            }
            case STRUCT: {
                Struct struct = (Struct) value;
                Map<String, Object> out = new LinkedHashMap<>();
                for (Field f : schema.fields()) {
                    out.put(f.name(), connectDefaultToAvro(struct.get(f), f.schema(), path + "." + f.name()));
                }
                return out;
            }
            default:
                throw new DataException("Unsupported default at " + path);
        }
    }

    /** Unmodifiable view, for diagnostics. */
    static Map<String, Object> props(org.apache.avro.Schema schema) {
        return Collections.unmodifiableMap(schema.getObjectProps());
    }
}
