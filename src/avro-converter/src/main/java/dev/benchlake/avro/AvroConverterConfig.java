package dev.benchlake.avro;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of {@link AvroConverter}, {@link SchemaRegistryClient} and {@link RegistryPreflight}. Key names are
 * Confluent's, so an existing {@code value.converter.*} block can point at this converter unchanged.
 * <p>
 * Built with logging of values switched off: {@code schema.registry.url} may carry credentials
 * ({@code basic.auth.credentials.source=URL}) and {@code basic.auth.user.info} is a secret.
 */
public final class AvroConverterConfig extends AbstractConfig {

    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";
    public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
    public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
    public static final String MAX_SCHEMAS_PER_SUBJECT = "max.schemas.per.subject";
    public static final String CONNECT_META_DATA = "connect.meta.data";
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "schema.registry.retry.backoff.max.ms";
    public static final String RETRY_TIMEOUT_MS = "schema.registry.retry.timeout.ms";
    public static final String COMPATIBILITY_LEVEL = "schema.compatibility.level";

    public static final String DEFAULT_SUBJECT_NAME_STRATEGY = SubjectNameStrategy.TOPIC.confluentClassName();

    private static final ConfigDef CONFIG = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, Importance.HIGH,
                    "Comma-separated base URLs of Confluent-API schema registries, e.g. http://host:8081. Requests go to "
                            + "the first that answers; on a connection error or an HTTP 5xx the next is tried. With "
                            + BASIC_AUTH_CREDENTIALS_SOURCE + "=URL the credentials may be given as http://user:pass@host.")
            .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Register the Avro schema of outgoing data under its subject when it is not registered yet. When "
                            + "false, the schema must already be registered (or " + USE_LATEST_VERSION + " be true).")
            .define(USE_LATEST_VERSION, Type.BOOLEAN, false, Importance.MEDIUM,
                    "With " + AUTO_REGISTER_SCHEMAS + "=false: write with the subject's latest registered schema instead of "
                            + "the one derived from the data's Connect schema. Connect fields must exist in it; its "
                            + "nullable fields missing from the Connect schema are written as null.")
            .define(KEY_SUBJECT_NAME_STRATEGY, Type.STRING, DEFAULT_SUBJECT_NAME_STRATEGY, Importance.MEDIUM,
                    "How the subject of a key schema is named: TopicNameStrategy (<topic>-key), RecordNameStrategy "
                            + "(the record's full name) or TopicRecordNameStrategy (<topic>-<record full name>). "
                            + "Confluent's class names (io.confluent.kafka.serializers.subject.*) are accepted too.")
            .define(VALUE_SUBJECT_NAME_STRATEGY, Type.STRING, DEFAULT_SUBJECT_NAME_STRATEGY, Importance.MEDIUM,
                    "As " + KEY_SUBJECT_NAME_STRATEGY + ", for values (TopicNameStrategy: <topic>-value).")
            .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, "URL",
                    ConfigDef.CaseInsensitiveValidString.in("URL", "USER_INFO"), Importance.MEDIUM,
                    "Where HTTP basic-auth credentials come from: USER_INFO (" + BASIC_AUTH_USER_INFO + ") or URL (the "
                            + "user-info part of " + SCHEMA_REGISTRY_URL + "; no credentials there means no auth).")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
                    "user:password for HTTP basic auth when " + BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO. Secret: never logged.")
            .define(SSL_TRUSTSTORE_LOCATION, Type.STRING, null, Importance.LOW,
                    "Trust store for https registry URLs (default: the JVM's trust store).")
            .define(SSL_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW, "Password of the trust store.")
            .define(SSL_TRUSTSTORE_TYPE, Type.STRING, "JKS", Importance.LOW, "Trust store type (JKS, PKCS12).")
            .define(MAX_SCHEMAS_PER_SUBJECT, Type.INT, 1000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Capacity of each schema cache (Connect schema to Avro schema, schema to id, id to schema). "
                            + "Records are converted without registry calls once their schema is cached.")
            .define(CONNECT_META_DATA, Type.BOOLEAN, true, Importance.LOW,
                    "Add Confluent's connect.name/connect.version/connect.doc/connect.parameters/connect.default "
                            + "properties to Avro schemas derived from Connect schemas. Not applied to Connect schemas "
                            + "derived from an Avro schema with AvroSchemas.toConnectSchema: those are written with that "
                            + "Avro schema unchanged.")
            .define(REQUEST_TIMEOUT_MS, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.LOW,
                    "Timeout of one HTTP request to the registry (also the connect timeout).")
            .define(RETRY_BACKOFF_MS, Type.LONG, 100L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "First wait before retrying when every registry URL failed (connection error or HTTP 5xx); doubles "
                            + "up to " + RETRY_BACKOFF_MAX_MS + ".")
            .define(RETRY_BACKOFF_MAX_MS, Type.LONG, 5_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Longest wait between retries.")
            .define(RETRY_TIMEOUT_MS, Type.LONG, 30_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Total time a registry call may spend retrying before the converter fails the record with a "
                            + "RetriableException (0: one pass over the URLs, no retry).")
            .define(COMPATIBILITY_LEVEL, Type.STRING, null, Importance.LOW,
                    "Compatibility level for local checks (409 explanations, RegistryPreflight): BACKWARD, "
                            + "BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE or NONE. "
                            + "Default: the registry's (GET /config), or BACKWARD when the registry does not say.");

    public AvroConverterConfig(Map<?, ?> originals) {
        super(CONFIG, originals, false);
        validate();
    }

    /** The definition of every key, with documentation. */
    public static ConfigDef configDef() {
        return new ConfigDef(CONFIG);
    }

    private void validate() {
        if (urls().isEmpty()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, "", "at least one schema registry URL is required");
        }
        subjectNameStrategy(true);
        subjectNameStrategy(false);
        if ("USER_INFO".equalsIgnoreCase(getString(BASIC_AUTH_CREDENTIALS_SOURCE))) {
            Password info = getPassword(BASIC_AUTH_USER_INFO);
            if (info == null || !info.value().contains(":")) {
                // do not echo the value: it is a secret
                throw new ConfigException(BASIC_AUTH_USER_INFO + " must be set to user:password when "
                        + BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO");
            }
        }
        if (getString(COMPATIBILITY_LEVEL) != null) {
            CompatibilityLevel.parse(getString(COMPATIBILITY_LEVEL));
        }
    }

    public List<String> urls() {
        return getList(SCHEMA_REGISTRY_URL);
    }

    public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
        String key = isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY;
        try {
            return SubjectNameStrategy.parse(getString(key));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, getString(key), e.getMessage());
        }
    }

    public boolean autoRegisterSchemas() {
        return getBoolean(AUTO_REGISTER_SCHEMAS);
    }

    public boolean useLatestVersion() {
        return getBoolean(USE_LATEST_VERSION);
    }

    public boolean connectMetaData() {
        return getBoolean(CONNECT_META_DATA);
    }

    public int maxSchemasPerSubject() {
        return getInt(MAX_SCHEMAS_PER_SUBJECT);
    }

    /** No values: the URL and user info may hold credentials. */
    @Override
    public String toString() {
        return "AvroConverterConfig[urls=" + SchemaRegistryClient.redact(urls()) + "]";
    }
}
