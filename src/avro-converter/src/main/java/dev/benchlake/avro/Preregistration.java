package dev.benchlake.avro;

import java.util.Map;

import org.apache.avro.Schema;

/**
 * Registers (or, with {@code auto.register.schemas=false}, looks up) the schemas a connector will write, before it
 * writes them, with the settings of the converter that will: a connector that knows its schemas does this when its
 * task starts, outside any transaction. The ids registered are held for this JVM's clients
 * ({@link SchemaRegistryClient#register}), so the converter's first record of each finds its id without a registry
 * call; and the connector can hold its records back until every schema is known, so that no record waits for the
 * registry inside an exactly-once transaction.
 */
public final class Preregistration implements AutoCloseable {
    private final SchemaRegistryClient client;
    private final SubjectNamer strategy;
    private final boolean isKey;
    private final boolean autoRegister;
    private final boolean useLatest;

    /** @param converterConfigs the converter's settings, without the {@code key.converter.} / {@code value.converter.} prefix */
    public Preregistration(Map<String, ?> converterConfigs, boolean isKey) {
        AvroConverterConfig config = new AvroConverterConfig(converterConfigs);
        this.isKey = isKey;
        this.strategy = config.subjectNameStrategy(isKey);
        this.autoRegister = config.autoRegisterSchemas();
        this.useLatest = config.useLatestVersion();
        this.client = new SchemaRegistryClient(config);
    }

    /** The subject the converter writes {@code schema} under on {@code topic}. */
    public String subject(String topic, Schema schema) {
        return strategy.subject(topic, isKey, schema);
    }

    /**
     * Registers or looks up the schema now, retrying within {@code schema.registry.retry.timeout.ms}.
     *
     * @return {@code true} when the registry knows the schema (or the converter does not need it to: it writes with
     *         the subject's latest version), {@code false} when the registry could not be reached: try again later
     * @throws SchemaRegistryException when the registry refuses the schema (incompatible, access denied, not
     *         registered while {@code auto.register.schemas=false}): the converter will fail the record the same way
     */
    public boolean attempt(String topic, Schema schema) {
        String subject = subject(topic, schema);
        try {
            if (autoRegister) {
                client.registerAhead(subject, schema);
                return true;
            }
            if (useLatest) {
                return true;
            }
            if (client.lookup(subject, schema).isEmpty()) {
                throw new SchemaRegistryException("The schema is not registered under subject '" + subject
                        + "' and auto.register.schemas=false: register it first", 404, -1, client.activeUrl(), null);
            }
            return true;
        } catch (SchemaRegistryException.Unavailable e) {
            return false;
        }
    }

    /** The registry URLs, without credentials. */
    public String urls() {
        return String.join(",", client.urls());
    }

    @Override
    public void close() {
        client.close();
    }
}
