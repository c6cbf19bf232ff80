package dev.benchlake.avro;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of Confluent's Avro converter, serializers and registry client that this converter does not implement.
 * Each is defined in the converter's {@link ConfigDef} (so Connect's validation flags it) with a validator that refuses
 * any value, and {@link #check} refuses it when the converter is configured: a setting is either honoured or the
 * configuration fails with a message naming it, never silently ignored.
 */
final class Refused {

    /** key -> why it is refused and what to use instead. */
    static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        String pem = "PEM material in settings is not supported: put the certificates in a key store or trust store file";
        KEYS.put("schema.registry.ssl.keystore.certificate.chain", pem + " (" + AvroConverterConfig.SSL_KEYSTORE_LOCATION + ")");
        KEYS.put("schema.registry.ssl.keystore.key", pem + " (" + AvroConverterConfig.SSL_KEYSTORE_LOCATION + ")");
        KEYS.put("schema.registry.ssl.truststore.certificates", pem + " (" + AvroConverterConfig.SSL_TRUSTSTORE_LOCATION + ")");
        KEYS.put("schema.registry.ssl.provider", "security providers are the JVM's");
        KEYS.put("schema.registry.ssl.secure.random.implementation", "the JVM's SecureRandom is used");
        KEYS.put("schema.registry.ssl.engine.factory.class", "custom SSL engine factories are not supported");
        KEYS.put("bearer.auth.custom.provider.class", "custom bearer token providers are not supported: use "
                + AvroConverterConfig.BEARER_AUTH_CREDENTIALS_SOURCE + "=STATIC_TOKEN or OAUTHBEARER");
        KEYS.put("bearer.auth.scope.claim.name", "tokens are not inspected by the client");
        KEYS.put("bearer.auth.sub.claim.name", "tokens are not inspected by the client");
        KEYS.put("retries.wait.ms", "use " + AvroConverterConfig.RETRY_BACKOFF_MS);
        KEYS.put("retries.max.wait.ms", "use " + AvroConverterConfig.RETRY_BACKOFF_MAX_MS);
        KEYS.put("latest.cache.ttl.sec", "use " + AvroConverterConfig.CACHE_TTL_MS);
        KEYS.put("latest.cache.size", "use " + AvroConverterConfig.MAX_SCHEMAS_PER_SUBJECT);
        KEYS.put("schemas.cache.config", "use " + AvroConverterConfig.MAX_SCHEMAS_PER_SUBJECT);
        KEYS.put("missing.id.cache.ttl.sec", "unknown ids are not cached");
        KEYS.put("missing.schema.cache.ttl.sec", "missing schemas are not cached");
        KEYS.put("missing.cache.size", "missing schemas are not cached");
        KEYS.put("use.schema.id", "writing with a fixed schema id is not supported: use "
                + AvroConverterConfig.USE_LATEST_VERSION);
        KEYS.put("id.compatibility.strict", "not supported (goes with use.schema.id)");
        KEYS.put("latest.compatibility.strict", "the data must always fit the latest version");
        KEYS.put("use.latest.with.metadata", "schema metadata is not supported");
        KEYS.put("normalize.schemas", "schemas are registered as written");
        KEYS.put("context.name.strategy", "schema contexts are not supported");
        KEYS.put("schema.reflection", "reflection is not supported");
        KEYS.put("avro.reflection.allow.null", "reflection is not supported");
        KEYS.put("avro.use.logical.type.converters", "logical types always map to Connect's logical types");
        KEYS.put("avro.remove.java.properties", "not supported");
        KEYS.put("enhanced.avro.schema.support", "enum symbols and Avro names always round-trip through "
                + AvroConverterConfig.CONNECT_META_DATA);
        KEYS.put("scrub.invalid.names", "invalid Avro names fail the record with a message naming the field");
        KEYS.put("generalized.sum.type.support", "Avro unions map to Connect's io.confluent.connect.avro.Union structs only");
        KEYS.put("ignore.default.for.nullables", "not supported");
        KEYS.put("discard.type.doc.defaults", "not supported");
        KEYS.put("rule.executors", "data contract rules are not supported");
        KEYS.put("rule.actions", "data contract rules are not supported");
        KEYS.put("rule.service.loader.enable", "data contract rules are not supported");
        KEYS.put("key.schema.id.serializer", "the schema id is always the 4-byte prefix");
        KEYS.put("value.schema.id.serializer", "the schema id is always the 4-byte prefix");
        KEYS.put("key.schema.id.deserializer", "the schema id is always read from the 4-byte prefix");
        KEYS.put("value.schema.id.deserializer", "the schema id is always read from the 4-byte prefix");
    }

    private Refused() {
    }

    static void defineAll(ConfigDef def) {
        KEYS.forEach((key, why) -> def.define(key, Type.STRING, null, ConfigDef.LambdaValidator.with(
                (name, value) -> {
                    if (value != null) {
                        throw new ConfigException(message(name));
                    }
                }, () -> "refused"), Importance.LOW, "Refused: " + why + "."));
    }

    /** Refuses the first refused key present in {@code originals}; the value is never echoed. */
    static void check(Map<String, ?> originals) {
        for (String key : KEYS.keySet()) {
            if (originals.containsKey(key)) {
                throw new ConfigException(message(key));
            }
        }
    }

    static String message(String key) {
        return key + " is not supported by the Benchlake Avro converter (" + KEYS.get(key) + "); remove it";
    }
}
