package dev.benchlake.avro;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pre-flight check for a connector's {@code validate()}: would registering {@code schema} under {@code subject}
 * succeed? Asks the registry's {@code /compatibility} endpoint and, where the registry cannot answer (some answer
 * 500), checks locally with Avro's {@code SchemaCompatibility} against the latest version (BACKWARD unless the
 * registry or {@code schema.compatibility.level} says otherwise).
 */
public final class RegistryPreflight {
    private static final Logger log = LoggerFactory.getLogger(RegistryPreflight.class);
    /** Retry budget when the configuration sets none: validate() should answer quickly. */
    static final long DEFAULT_PREFLIGHT_RETRY_MS = 3_000L;

    private RegistryPreflight() {
    }

    /**
     * @param registryConfigs the converter's registry settings (Confluent key names; {@code schema.registry.url} at least)
     * @return empty when the subject does not exist or {@code schema} is compatible with it; otherwise one paragraph
     *         naming the subject, the registry URL (without credentials) and what is incompatible, or saying that the
     *         configuration is invalid. A registry that cannot be reached gives empty, with a warning in the log: an
     *         outage does not fail a configuration. Settings of other converters (Confluent's) are ignored here.
     */
    public static Optional<String> check(Map<String, ?> registryConfigs, String subject, Schema schema) {
        Map<String, Object> configs = new HashMap<>();
        // only the settings this check uses: the keys of another converter (Confluent's own) are left alone
        registryConfigs.forEach((k, v) -> {
            if (AvroConverterConfig.configDef().names().contains(k) && !Refused.KEYS.containsKey(k)) {
                configs.put(k, v);
            }
        });
        configs.putIfAbsent(AvroConverterConfig.RETRY_TIMEOUT_MS, DEFAULT_PREFLIGHT_RETRY_MS);
        SchemaRegistryClient client;
        try {
            client = new SchemaRegistryClient(configs);
        } catch (ConfigException e) {
            return Optional.of("Cannot check subject '" + subject + "' against the schema registry: invalid registry "
                    + "configuration: " + e.getMessage());
        }
        try {
            List<String> problems = client.incompatibilities(subject, schema);
            if (problems.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of("The Avro schema " + schema.getFullName() + " is not compatible with the latest version of "
                    + "subject '" + subject + "' in the schema registry at " + client.activeUrl() + ": "
                    + String.join("; ", problems) + ". Registering it would be refused (HTTP 409), so the connector "
                    + "could not write records; give new fields default values (and keep removed fields' defaults), "
                    + "or write to a new subject or topic.");
        } catch (SchemaRegistryException.Unavailable e) {
            // an outage is no reason to refuse a configuration (an update, an operator's reconcile): warn only
            log.warn("The schema registry at {} is unreachable, so subject '{}' was not checked before deployment; the "
                    + "converter checks it when it registers the schema: {}", client.urls(), subject, e.getMessage());
            return Optional.empty();
        } catch (SchemaRegistryException e) {
            return Optional.of("The schema registry at " + e.url() + " could not check subject '" + subject + "': "
                    + e.getMessage());
        } finally {
            client.close();
        }
    }
}
