package dev.benchlake.avro;

import java.io.Closeable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.DatumWriter;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.storage.Converter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Connect converter for Avro in the Confluent wire format (magic byte {@code 0}, 4-byte big-endian schema id,
 * Avro binary), with schemas kept in a Confluent-API schema registry. Configuration: {@link AvroConverterConfig}
 * (Confluent's key names). Schema mapping: {@link AvroSchemas}. Values go through Avro's generic data
 * ({@link ConnectToGeneric}, {@link GenericToConnect}) and Apache Avro's own datum writer and reader
 * ({@link FramedEncoder}, {@link GenericReading}).
 * <p>
 * Every schema lookup is cached: once a Connect schema (writing) or a schema id (reading) has been seen, records
 * convert without any registry call for as long as the converter lives. An id in use is confirmed with the registry
 * every {@code schema.registry.cache.ttl.ms} in the background, never in the record's path: a registry outage of any
 * length never stops records of known schemas. A registry that cannot be reached (or answers 5xx) within
 * {@code schema.registry.retry.timeout.ms} fails the record with a {@link RetriableException}; every other problem
 * (bad data, a schema the registry refuses, an unknown id, corrupt bytes) is a {@link DataException} that names the
 * subject, field or id. No record is ever dropped or written half-converted.
 */
public class AvroConverter implements Converter, Versioned, Closeable {
    private static final Logger log = LoggerFactory.getLogger(AvroConverter.class);

    static final byte MAGIC_BYTE = 0;
    static final int HEADER_SIZE = 5;

    private AvroConverterConfig config;
    private SchemaRegistryClient client;
    private boolean isKey;
    private SubjectNamer strategy;
    private volatile long readGeneration;
    private boolean autoRegister;
    private boolean useLatest;
    private boolean metaData;

    private BoundedCache<Schema, WriteState> writeStates;
    private BoundedCache<Integer, ReadState> readStates;
    private volatile WriteState lastWrite;
    private volatile ReadState lastRead;
    private final BackgroundRefresh refresher = new BackgroundRefresh();

    private static final ThreadLocal<FramedEncoder> ENCODERS = ThreadLocal.withInitial(FramedEncoder::new);
    /** No logical-type conversions: {@link ConnectToGeneric} gives the writer plain longs, ints and buffers. */
    private static final GenericData PLAIN = new GenericData();

    /** Everything needed to write values of one Connect schema. */
    private static final class WriteState {
        final Schema connect;
        final org.apache.avro.Schema avro;
        final ConnectToGeneric toGeneric;
        final DatumWriter<Object> writer;
        /** topic -> target (subject, id, writer); bounded by the number of topics a task writes to. */
        final Map<String, WriteTarget> targets = new ConcurrentHashMap<>();

        WriteState(Schema connect, org.apache.avro.Schema avro) {
            this.connect = connect;
            this.avro = avro;
            this.toGeneric = ConnectToGeneric.of(connect, avro, rootName(avro));
            this.writer = new GenericDatumWriter<>(avro, PLAIN);
        }
    }

    /**
     * Where values of one Connect schema go on one topic: valid until {@code expiresAt} ({@code schema.registry.cache.ttl.ms})
     * and while the client's {@link SchemaRegistryClient#generation()} is unchanged (no failover).
     */
    private record WriteTarget(String subject, int id, ConnectToGeneric toGeneric, DatumWriter<Object> writer,
            long generation, long expiresAt) {
    }

    private record ReadState(int id, Schema connect, GenericReading reading, GenericToConnect toConnect) {
    }

    public AvroConverter() {
    }

    /** For tests and embedding: use this client instead of creating one from the configuration. */
    AvroConverter(SchemaRegistryClient client) {
        this.client = client;
    }

    /** The {@code Implementation-Version} of this jar's manifest; {@code unknown} for classes outside a jar. */
    @Override
    public String version() {
        String v = AvroConverter.class.getPackage().getImplementationVersion();
        return v != null ? v : "unknown";
    }

    @Override
    public ConfigDef config() {
        return AvroConverterConfig.configDef();
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = new AvroConverterConfig(configs);
        this.isKey = isKey;
        this.strategy = config.subjectNameStrategy(isKey);
        this.autoRegister = config.autoRegisterSchemas();
        this.useLatest = config.useLatestVersion();
        this.metaData = config.connectMetaData();
        if (client == null) {
            client = new SchemaRegistryClient(config);
        }
        int capacity = config.maxSchemasPerSubject();
        this.writeStates = new BoundedCache<>(capacity);
        this.readStates = new BoundedCache<>(capacity);
        this.readGeneration = client.generation();
        List<String> ignored = config.unknownKeys();
        if (!ignored.isEmpty()) {
            log.warn("Benchlake AvroConverter ({}): {} are not settings of this converter and are ignored",
                    isKey ? "key" : "value", ignored);
        }
        log.info("Benchlake AvroConverter ({}) configured: registry {}, subject strategy {}, auto.register.schemas={}, "
                        + "use.latest.version={}, connect.meta.data={}", isKey ? "key" : "value", client.urls(),
                strategy instanceof SubjectNameStrategy s ? s.shortName() : strategy.getClass().getName(), autoRegister,
                useLatest, metaData);
    }

    /** Background confirmations of held ids not finished yet (tests). */
    int refreshesRunning() {
        return refresher.running();
    }

    /** The registry client (shared with tests and diagnostics). */
    public SchemaRegistryClient client() {
        return client;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Connect -> bytes
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        checkConfigured();
        if (value == null) {
            // a tombstone stays a tombstone (as Confluent's converter does)
            return null;
        }
        if (schema == null) {
            throw new DataException("Topic " + topic + ": the Avro converter needs a schema; got schemaless data of type "
                    + value.getClass().getName());
        }
        WriteState state = lastWrite;
        if (state == null || state.connect != schema) {
            state = writeStates.computeIfAbsent(schema, this::newWriteState);
            lastWrite = state;
        }
        WriteTarget target = state.targets.get(topic);
        if (target == null || target.generation() != client.generation()) {
            // unknown here, or learnt from another registry (failover): resolved now, and retried while unavailable
            target = resolveTarget(topic, state);
            state.targets.put(topic, target);
        } else if (client.nanoTime() - target.expiresAt() >= 0) {
            // known: written with the id held, confirmed in the background; an outage never stops it
            WriteState held = state;
            refresher.refresh(new RefreshKey(held, topic), () -> refreshTarget(topic, held));
        }
        Object datum;
        try {
            datum = target.toGeneric().convert(value);
        } catch (DataException e) {
            throw new DataException("Topic " + topic + ", subject '" + target.subject() + "': " + e.getMessage(), e);
        } catch (ClassCastException e) {
            throw new DataException("Topic " + topic + ", subject '" + target.subject() + "': value does not match schema "
                    + AvroSchemas.describe(schema) + ": " + e.getMessage(), e);
        }
        try {
            return ENCODERS.get().encode(target.id(), target.writer(), datum);
        } catch (RuntimeException e) {
            // not expected: ConnectToGeneric made the datum fit the schema; Avro's message names the field
            throw new DataException("Topic " + topic + ", subject '" + target.subject() + "': Avro could not write the value: "
                    + e.getMessage(), e);
        }
    }

    private record RefreshKey(WriteState state, String topic) {
    }

    /** Resolves a held target again (background); keeps it, with a new expiry, when the registry cannot answer. */
    private void refreshTarget(String topic, WriteState state) {
        WriteTarget held = state.targets.get(topic);
        try {
            WriteTarget fresh = resolveTarget(topic, state);
            state.targets.put(topic, fresh);
            if (held != null && held.id() != fresh.id()) {
                log.warn("Topic {}, subject '{}': the registry now gives id {} (was {}); writing with id {}", topic,
                        fresh.subject(), fresh.id(), held.id(), fresh.id());
            }
        } catch (RuntimeException e) {
            if (held != null) {
                state.targets.put(topic, new WriteTarget(held.subject(), held.id(), held.toGeneric(), held.writer(),
                        held.generation(), client.nanoTime() + client.cacheTtl().toNanos()));
            }
            log.warn("Topic {}: could not confirm schema id {} with the registry ({}); still writing with it", topic,
                    held == null ? "-" : held.id(), e.getMessage());
        }
    }

    private WriteState newWriteState(Schema connect) {
        org.apache.avro.Schema avro = AvroSchemas.originalAvroSchema(connect)
                .orElseGet(() -> AvroSchemas.toAvroSchema(connect, metaData));
        return new WriteState(connect, avro);
    }

    private static String rootName(org.apache.avro.Schema avro) {
        return avro.getType() == org.apache.avro.Schema.Type.RECORD ? avro.getFullName() : avro.getType().getName();
    }

    private WriteTarget resolveTarget(String topic, WriteState state) {
        String subject = strategy.subject(topic, isKey, state.avro);
        // read before the registry calls: a failover during them makes the target stale at once
        long generation = client.generation();
        long expiresAt = client.nanoTime() + client.cacheTtl().toNanos();
        try {
            if (autoRegister) {
                return new WriteTarget(subject, register(subject, state.avro), state.toGeneric, state.writer,
                        generation, expiresAt);
            }
            if (useLatest) {
                SchemaRegistryClient.RegisteredSchema latest = client.latest(subject).orElseThrow(() -> new DataException(
                        "Subject '" + subject + "' does not exist in the schema registry at " + client.activeUrl()
                                + " (use.latest.version=true, auto.register.schemas=false)"));
                ConnectToGeneric toGeneric;
                try {
                    toGeneric = ConnectToGeneric.of(state.connect, latest.schema(), rootName(latest.schema()));
                } catch (DataException e) {
                    throw new DataException("Subject '" + subject + "': the data's Connect schema cannot be written with "
                            + "the latest registered version " + latest.version() + " (use.latest.version=true): "
                            + e.getMessage(), e);
                }
                return new WriteTarget(subject, latest.id(), toGeneric, new GenericDatumWriter<>(latest.schema(), PLAIN),
                        generation, expiresAt);
            }
            SchemaRegistryClient.RegisteredSchema found = client.lookup(subject, state.avro).orElseThrow(() -> new DataException(
                    "The schema of this data is not registered under subject '" + subject + "' in the schema registry at "
                            + client.activeUrl() + ", and auto.register.schemas=false: register it first. Schema: "
                            + state.avro));
            return new WriteTarget(subject, found.id(), state.toGeneric, state.writer, generation, expiresAt);
        } catch (SchemaRegistryException.Unavailable e) {
            throw new RetriableException("Topic " + topic + ", subject '" + subject + "': " + e.getMessage()
                    + ". The record was not converted; it can be retried.", e);
        } catch (SchemaRegistryException e) {
            throw new DataException("Topic " + topic + ", subject '" + subject + "': " + e.getMessage(), e);
        }
    }

    private int register(String subject, org.apache.avro.Schema avro) {
        try {
            return client.register(subject, avro);
        } catch (SchemaRegistryException e) {
            if (!e.isIncompatible()) {
                throw e;
            }
            throw new DataException(explainIncompatible(subject, avro, e), e);
        }
    }

    private String explainIncompatible(String subject, org.apache.avro.Schema avro, SchemaRegistryException e) {
        StringBuilder msg = new StringBuilder("The schema registry at ").append(e.url())
                .append(" refused the schema for subject '").append(subject)
                .append("' as incompatible with the subject's existing versions (HTTP 409)");
        try {
            var latest = client.latest(subject);
            if (latest.isPresent()) {
                CompatibilityLevel level = client.compatibilityLevel(subject).orElse(CompatibilityLevel.BACKWARD);
                List<String> problems = client.localIncompatibilities(subject, avro, latest.get(), level);
                if (!problems.isEmpty()) {
                    msg.append(": ").append(String.join("; ", problems));
                } else {
                    msg.append(" (a local ").append(level).append(" check against version ")
                            .append(latest.get().version()).append(" found no difference; the registry's level may be stricter)");
                }
            }
        } catch (RuntimeException ex) {
            msg.append(" (the change could not be described: ").append(ex.getMessage()).append(')');
        }
        return msg.append(". Give new fields defaults, or write to a new subject.").toString();
    }

    // ------------------------------------------------------------------------------------------------------------
    // bytes -> Connect
    // ------------------------------------------------------------------------------------------------------------

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        checkConfigured();
        if (value == null) {
            return SchemaAndValue.NULL;
        }
        if (value.length < HEADER_SIZE) {
            throw new DataException("Topic " + topic + ": " + value.length + " byte(s) cannot be Confluent-framed Avro "
                    + "(at least " + HEADER_SIZE + " are needed: magic byte and schema id)");
        }
        if (value[0] != MAGIC_BYTE) {
            throw new DataException(String.format("Topic %s: unknown magic byte 0x%02x (expected 0x00): not "
                    + "Confluent-framed Avro", topic, value[0] & 0xFF));
        }
        int id = ((value[1] & 0xFF) << 24) | ((value[2] & 0xFF) << 16) | ((value[3] & 0xFF) << 8) | (value[4] & 0xFF);
        long generation = client.generation();
        if (generation != readGeneration) {
            // failed over to another registry: ids are resolved again there
            readStates.clear();
            lastRead = null;
            readGeneration = generation;
        }
        ReadState state = lastRead;
        if (state == null || state.id() != id) {
            state = readStates.computeIfAbsent(id, k -> newReadState(topic, k));
            lastRead = state;
        }
        try {
            Object datum = state.reading().read(value, HEADER_SIZE);
            return new SchemaAndValue(state.connect(), state.toConnect().convert(datum));
        } catch (DataException e) {
            throw new DataException("Topic " + topic + ", schema id " + id + ": " + e.getMessage(), e);
        }
    }

    private ReadState newReadState(String topic, int id) {
        org.apache.avro.Schema avro;
        try {
            avro = client.getById(id);
        } catch (SchemaRegistryException.Unavailable e) {
            throw new RetriableException("Topic " + topic + ": cannot fetch schema id " + id + ": " + e.getMessage(), e);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new DataException("Topic " + topic + ": schema id " + id + " is not known to the schema registry at "
                        + e.url() + " (the data was written against another registry, or is corrupt)", e);
            }
            throw new DataException("Topic " + topic + ": cannot fetch schema id " + id + ": " + e.getMessage(), e);
        }
        Schema connect;
        try {
            connect = AvroSchemas.toConnectSchema(avro);
        } catch (DataException e) {
            throw new DataException("Topic " + topic + ", schema id " + id + ": " + e.getMessage(), e);
        }
        return new ReadState(id, connect, new GenericReading(avro), GenericToConnect.of(avro, connect, rootName(avro)));
    }

    private void checkConfigured() {
        if (config == null) {
            throw new IllegalStateException("AvroConverter.configure() has not been called");
        }
    }

    @Override
    public void close() {
        refresher.close();
        if (client != null) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "AvroConverter[" + (isKey ? "key" : "value") + ", registry=" + (client == null ? "-" : client.urls()) + "]";
    }
}
