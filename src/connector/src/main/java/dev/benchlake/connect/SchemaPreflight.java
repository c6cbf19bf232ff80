package dev.benchlake.connect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.ConfigValue;

import dev.benchlake.avro.AvroConverterConfig;
import dev.benchlake.avro.RegistryPreflight;
import dev.benchlake.avro.SubjectNamer;
import dev.benchlake.avro.SubjectNameStrategy;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.record.RecordSchemas;

/**
 * At deploy time, checks Benchlake's value schemas against the subjects they will be registered under, when the
 * connector config names a registry ({@code value.converter.schema.registry.url}): an incompatible schema fails
 * the deployment with a clear message instead of the first record hours later. When a task starts,
 * {@link SchemaWarmup} registers them ahead of its first records.
 */
final class SchemaPreflight {

    static final String PREFIX = "value.converter.";
    static final String URL_KEY = PREFIX + AvroConverterConfig.SCHEMA_REGISTRY_URL;
    /** The class name, not the class: the check must not load another converter's classes. */
    static final String BENCHLAKE_CONVERTER = "dev.benchlake.avro.AvroConverter";

    private SchemaPreflight() {
    }

    /**
     * Whether the converter the connector config names for one side ({@code key.converter.} or
     * {@code value.converter.}) is Benchlake's Avro converter.
     */
    static boolean isBenchlake(Map<String, String> connectorConfig, String prefix) {
        String converter = connectorConfig.get(prefix.substring(0, prefix.length() - 1));
        return converter != null && converter.trim().equals(BENCHLAKE_CONVERTER);
    }

    /**
     * One {@link ConfigValue} carrying the errors, or nothing when there is no registry or no problem. Nothing is
     * checked when the connector config names another value converter (Confluent's, Apicurio's): its registry, its
     * subject rules and its settings are its own.
     */
    static List<ConfigValue> check(Map<String, String> connectorConfig, BenchlakeSourceConfig config) {
        String url = connectorConfig.get(URL_KEY);
        if (url == null || url.isBlank()) {
            return List.of();
        }
        String converter = connectorConfig.get(PREFIX.substring(0, PREFIX.length() - 1));
        if (converter != null && !converter.isBlank() && !isBenchlake(connectorConfig, PREFIX)) {
            return List.of();
        }
        Map<String, Object> registry = new HashMap<>();
        connectorConfig.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                registry.put(k.substring(PREFIX.length()), v);
            }
        });
        SubjectNamer strategy;
        try {
            strategy = SubjectNameStrategy.resolve(String.valueOf(registry.getOrDefault(
                    AvroConverterConfig.VALUE_SUBJECT_NAME_STRATEGY, SubjectNameStrategy.TOPIC.shortName())),
                    SchemaPreflight.class.getClassLoader());
        } catch (RuntimeException e) {
            return List.of(new ConfigValue(PREFIX + AvroConverterConfig.VALUE_SUBJECT_NAME_STRATEGY, null, List.of(),
                    List.of(e.getMessage())));
        }
        List<String> errors = new ArrayList<>();
        check(registry, strategy.subject(config.topic(), false, RecordSchemas.STEP_AVRO), RecordSchemas.STEP_AVRO)
                .ifPresent(errors::add);
        check(registry, strategy.subject(config.jobsTopic(), false, RecordSchemas.JOB_AVRO), RecordSchemas.JOB_AVRO)
                .ifPresent(errors::add);
        if (errors.isEmpty()) {
            return List.of();
        }
        // the value is shown in the REST answer: the URL only, never user info
        return List.of(new ConfigValue(URL_KEY, null, List.of(), errors));
    }

    private static Optional<String> check(Map<String, Object> registry, String subject, org.apache.avro.Schema schema) {
        return RegistryPreflight.check(registry, subject, schema);
    }
}
