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
 * the deployment with a clear message instead of the first record hours later.
 */
final class SchemaPreflight {

    static final String PREFIX = "value.converter.";
    static final String URL_KEY = PREFIX + AvroConverterConfig.SCHEMA_REGISTRY_URL;

    private SchemaPreflight() {
    }

    /** One {@link ConfigValue} carrying the errors, or nothing when there is no registry or no problem. */
    static List<ConfigValue> check(Map<String, String> connectorConfig, BenchlakeSourceConfig config) {
        String url = connectorConfig.get(URL_KEY);
        if (url == null || url.isBlank()) {
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
