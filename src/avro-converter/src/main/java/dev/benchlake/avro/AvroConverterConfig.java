package dev.benchlake.avro;

import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    /** Confluent's deprecated name of {@link #BASIC_AUTH_USER_INFO}. */
    public static final String BASIC_AUTH_USER_INFO_DEPRECATED = "schema.registry.basic.auth.user.info";
    public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    public static final String BEARER_AUTH_ISSUER_ENDPOINT_URL = "bearer.auth.issuer.endpoint.url";
    public static final String BEARER_AUTH_CLIENT_ID = "bearer.auth.client.id";
    public static final String BEARER_AUTH_CLIENT_SECRET = "bearer.auth.client.secret";
    public static final String BEARER_AUTH_SCOPE = "bearer.auth.scope";
    public static final String BEARER_AUTH_EXPIRY_BUFFER_SECONDS = "bearer.auth.cache.expiry.buffer.seconds";
    public static final String BEARER_AUTH_LOGICAL_CLUSTER = "bearer.auth.logical.cluster";
    public static final String BEARER_AUTH_IDENTITY_POOL_ID = "bearer.auth.identity.pool.id";
    public static final String SSL_KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
    public static final String SSL_KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
    public static final String SSL_KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
    public static final String SSL_KEY_PASSWORD = "schema.registry.ssl.key.password";
    public static final String SSL_PROTOCOL = "schema.registry.ssl.protocol";
    public static final String SSL_ENABLED_PROTOCOLS = "schema.registry.ssl.enabled.protocols";
    public static final String SSL_CIPHER_SUITES = "schema.registry.ssl.cipher.suites";
    public static final String SSL_KEYMANAGER_ALGORITHM = "schema.registry.ssl.keymanager.algorithm";
    public static final String SSL_TRUSTMANAGER_ALGORITHM = "schema.registry.ssl.trustmanager.algorithm";
    public static final String SSL_ENDPOINT_IDENTIFICATION_ALGORITHM = "schema.registry.ssl.endpoint.identification.algorithm";
    public static final String PROXY_HOST = "proxy.host";
    public static final String PROXY_PORT = "proxy.port";
    public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String MAX_RETRIES = "max.retries";
    public static final String MAX_RESPONSE_BYTES = "schema.registry.max.response.bytes";
    public static final String MAX_SCHEMA_BYTES = "schema.registry.max.schema.bytes";
    public static final String CACHE_TTL_MS = "schema.registry.cache.ttl.ms";
    public static final String ALLOW_INSECURE_CREDENTIALS = "schema.registry.allow.insecure.credentials";

    /** Set by the Connect worker on every converter it creates; not a setting. */
    static final String CONNECT_CONVERTER_TYPE = "converter.type";

    /** Prefixes of the registry client's settings: a key under them that is not defined here is refused. */
    static final java.util.List<String> CLIENT_PREFIXES = java.util.List.of("schema.registry.", "bearer.auth.", "basic.auth.");

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

    static {
        CONFIG.define(BASIC_AUTH_USER_INFO_DEPRECATED, Type.PASSWORD, null, Importance.LOW,
                        "Deprecated (Confluent's old name): " + BASIC_AUTH_USER_INFO + ". Used when that is not set; "
                                + "both set to different values is refused.")
                .define(BEARER_AUTH_CREDENTIALS_SOURCE, Type.STRING, "", ConfigDef.LambdaValidator.with((name, value) -> {
                    String v = value == null ? "" : value.toString().trim();
                    if (!v.isEmpty() && !v.equalsIgnoreCase("STATIC_TOKEN") && !v.equalsIgnoreCase("OAUTHBEARER")) {
                        throw new ConfigException(name + "=" + v + " is not supported: use STATIC_TOKEN or OAUTHBEARER "
                                + "(SASL_OAUTHBEARER_INHERIT, USER_INFO and CUSTOM are refused)");
                    }
                }, () -> "empty, STATIC_TOKEN or OAUTHBEARER"), Importance.MEDIUM,
                        "Bearer-token auth instead of basic auth: STATIC_TOKEN (" + BEARER_AUTH_TOKEN + ") or OAUTHBEARER "
                                + "(OAuth 2 client credentials from " + BEARER_AUTH_ISSUER_ENDPOINT_URL + ", refreshed "
                                + "before expiry). Empty: no bearer token. SASL_OAUTHBEARER_INHERIT and CUSTOM are refused.")
                .define(BEARER_AUTH_TOKEN, Type.PASSWORD, null, Importance.MEDIUM,
                        "The token, with " + BEARER_AUTH_CREDENTIALS_SOURCE + "=STATIC_TOKEN. Secret: never logged.")
                .define(BEARER_AUTH_ISSUER_ENDPOINT_URL, Type.STRING, null, Importance.MEDIUM,
                        "OAuth 2 token endpoint, with " + BEARER_AUTH_CREDENTIALS_SOURCE + "=OAUTHBEARER (https, or "
                                + "http to loopback only, unless " + "schema.registry.allow.insecure.credentials=true).")
                .define(BEARER_AUTH_CLIENT_ID, Type.STRING, null, Importance.MEDIUM,
                        "OAuth 2 client id (client_credentials grant, client_secret_basic).")
                .define(BEARER_AUTH_CLIENT_SECRET, Type.PASSWORD, null, Importance.MEDIUM,
                        "OAuth 2 client secret. Secret: never logged.")
                .define(BEARER_AUTH_SCOPE, Type.STRING, null, Importance.LOW, "Scope to request, if any (space-separated).")
                .define(BEARER_AUTH_EXPIRY_BUFFER_SECONDS, Type.LONG, 300L, ConfigDef.Range.atLeast(0), Importance.LOW,
                        "A token is renewed this long before it expires (at most half its lifetime before).")
                .define(BEARER_AUTH_LOGICAL_CLUSTER, Type.STRING, null, Importance.LOW,
                        "Confluent Cloud: sent as the target-sr-cluster header with bearer auth.")
                .define(BEARER_AUTH_IDENTITY_POOL_ID, Type.STRING, null, Importance.LOW,
                        "Confluent Cloud: sent as the Confluent-Identity-Pool-Id header with bearer auth.")
                .define(SSL_KEYSTORE_LOCATION, Type.STRING, null, Importance.LOW,
                        "Key store with the client certificate and key for mutual TLS to https registry URLs.")
                .define(SSL_KEYSTORE_PASSWORD, Type.PASSWORD, null, Importance.LOW, "Password of the key store.")
                .define(SSL_KEYSTORE_TYPE, Type.STRING, "JKS", Importance.LOW, "Key store type (JKS, PKCS12).")
                .define(SSL_KEY_PASSWORD, Type.PASSWORD, null, Importance.LOW,
                        "Password of the private key in the key store (default: the key store password).")
                .define(SSL_PROTOCOL, Type.STRING, "TLSv1.3", Importance.LOW, "SSLContext protocol (TLSv1.3, TLSv1.2).")
                .define(SSL_ENABLED_PROTOCOLS, Type.LIST, null, Importance.LOW,
                        "TLS protocols to allow (default: the JDK's).")
                .define(SSL_CIPHER_SUITES, Type.LIST, null, Importance.LOW, "Cipher suites to allow (default: the JDK's).")
                .define(SSL_KEYMANAGER_ALGORITHM, Type.STRING, null, Importance.LOW,
                        "Key manager factory algorithm (default: the JDK's).")
                .define(SSL_TRUSTMANAGER_ALGORITHM, Type.STRING, null, Importance.LOW,
                        "Trust manager factory algorithm (default: the JDK's).")
                .define(SSL_ENDPOINT_IDENTIFICATION_ALGORITHM, Type.STRING, "https", ConfigDef.ValidString.in("https"),
                        Importance.LOW, "Host name verification: always https (the JDK HTTP client cannot switch it off "
                                + "per client; an empty value is refused).")
                .define(PROXY_HOST, Type.STRING, null, Importance.LOW,
                        "HTTP proxy for registry (and token endpoint) requests; https goes through it with CONNECT.")
                .define(PROXY_PORT, Type.INT, null, Importance.LOW, "Port of " + PROXY_HOST + ".")
                .define(HTTP_CONNECT_TIMEOUT_MS, Type.INT, null, Importance.LOW,
                        "Connect timeout (default: " + REQUEST_TIMEOUT_MS + ").")
                .define(HTTP_READ_TIMEOUT_MS, Type.INT, null, Importance.LOW,
                        "Longest wait for a whole answer, headers and body (default: " + REQUEST_TIMEOUT_MS + ").")
                .define(MAX_RETRIES, Type.INT, null, Importance.LOW,
                        "Most retry rounds over the registry URLs after the first (default: as many as "
                                + RETRY_TIMEOUT_MS + " allows).")
                .define(MAX_RESPONSE_BYTES, Type.INT, 8 << 20, ConfigDef.Range.between(1024, 1 << 30), Importance.LOW,
                        "Largest registry answer read; a larger one fails the call with an error naming this setting.")
                .define(MAX_SCHEMA_BYTES, Type.INT, 1 << 20, ConfigDef.Range.between(64, 1 << 30), Importance.LOW,
                        "Largest schema text accepted from the registry.")
                .define(CACHE_TTL_MS, Type.LONG, 300_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "How long a schema id (or latest version) is used before it is resolved with the registry "
                                + "again, so that a registry restored from a backup, or a failover to a registry that is "
                                + "not replicated, is noticed. A failover to another URL clears the caches at once.")
                .define(ALLOW_INSECURE_CREDENTIALS, Type.BOOLEAN, false, Importance.LOW,
                        "Allow credentials (basic auth, a bearer token, an OAuth client secret) to go over http:// to a "
                                + "host other than loopback. Off: such a configuration is refused.");
        Refused.defineAll(CONFIG);
    }

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
        Refused.check(originals());
        for (Object k : originals().keySet()) {
            String key = String.valueOf(k);
            if (CLIENT_PREFIXES.stream().anyMatch(key::startsWith) && !CONFIG.names().contains(key)) {
                throw new ConfigException(key + " is not a setting of the Benchlake Avro converter (it would be "
                        + "ignored, so it is refused); see the converter's configuration reference");
            }
        }
        subjectNameStrategy(true);
        subjectNameStrategy(false);
        List<Urls.Parsed> parsed = parsedUrls();
        String bearer = bearerSource();
        boolean userInfoSource = "USER_INFO".equalsIgnoreCase(getString(BASIC_AUTH_CREDENTIALS_SOURCE));
        Password info = getPassword(BASIC_AUTH_USER_INFO);
        Password deprecated = getPassword(BASIC_AUTH_USER_INFO_DEPRECATED);
        if (info != null && deprecated != null && !info.value().equals(deprecated.value())) {
            throw new ConfigException(BASIC_AUTH_USER_INFO + " and its deprecated name " + BASIC_AUTH_USER_INFO_DEPRECATED
                    + " are both set, to different values: keep " + BASIC_AUTH_USER_INFO);
        }
        if (userInfoSource) {
            Optional<String> effective = userInfo();
            if (effective.isEmpty() || !effective.get().contains(":")) {
                // do not echo the value: it is a secret
                throw new ConfigException(BASIC_AUTH_USER_INFO + " must be set to user:password when "
                        + BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO");
            }
        }
        boolean urlCredentials = parsed.stream().anyMatch(p -> p.userInfo().isPresent());
        boolean basic = userInfoSource || urlCredentials;
        if (!bearer.isEmpty() && basic) {
            throw new ConfigException(BEARER_AUTH_CREDENTIALS_SOURCE + "=" + bearer + " and basic auth ("
                    + (userInfoSource ? BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO" : "user info in " + SCHEMA_REGISTRY_URL)
                    + ") are both configured: use one");
        }
        if (bearer.equals("STATIC_TOKEN") && secret(BEARER_AUTH_TOKEN).isEmpty()) {
            throw new ConfigException(BEARER_AUTH_CREDENTIALS_SOURCE + "=STATIC_TOKEN needs " + BEARER_AUTH_TOKEN);
        }
        Optional<Urls.Parsed> issuer = Optional.empty();
        if (bearer.equals("OAUTHBEARER")) {
            for (String key : List.of(BEARER_AUTH_ISSUER_ENDPOINT_URL, BEARER_AUTH_CLIENT_ID)) {
                if (getString(key) == null || getString(key).isBlank()) {
                    throw new ConfigException(BEARER_AUTH_CREDENTIALS_SOURCE + "=OAUTHBEARER needs " + key);
                }
            }
            if (secret(BEARER_AUTH_CLIENT_SECRET).isEmpty()) {
                throw new ConfigException(BEARER_AUTH_CREDENTIALS_SOURCE + "=OAUTHBEARER needs " + BEARER_AUTH_CLIENT_SECRET);
            }
            try {
                issuer = Optional.of(Urls.parse(getString(BEARER_AUTH_ISSUER_ENDPOINT_URL), BEARER_AUTH_ISSUER_ENDPOINT_URL));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
            if (issuer.get().userInfo().isPresent()) {
                throw new ConfigException(BEARER_AUTH_ISSUER_ENDPOINT_URL + " must not carry user info ("
                        + issuer.get().withoutUserInfo() + "): set " + BEARER_AUTH_CLIENT_ID + " and " + BEARER_AUTH_CLIENT_SECRET);
            }
        }
        if (!getBoolean(ALLOW_INSECURE_CREDENTIALS)) {
            if (basic || !bearer.isEmpty()) {
                for (Urls.Parsed p : parsed) {
                    requireTls(p, SCHEMA_REGISTRY_URL, basic ? "basic-auth credentials" : "a bearer token");
                }
            }
            issuer.ifPresent(p -> requireTls(p, BEARER_AUTH_ISSUER_ENDPOINT_URL, "the OAuth client secret"));
        }
        if ((getString(PROXY_HOST) == null) != (getInt(PROXY_PORT) == null)) {
            throw new ConfigException(PROXY_HOST + " and " + PROXY_PORT + " must be set together");
        }
        for (String key : List.of(HTTP_CONNECT_TIMEOUT_MS, HTTP_READ_TIMEOUT_MS)) {
            if (getInt(key) != null && getInt(key) < 1) {
                throw new ConfigException(key, getInt(key), "must be at least 1");
            }
        }
        if (getInt(MAX_RETRIES) != null && getInt(MAX_RETRIES) < 0) {
            throw new ConfigException(MAX_RETRIES, getInt(MAX_RETRIES), "must be at least 0");
        }
        if (getString(COMPATIBILITY_LEVEL) != null) {
            CompatibilityLevel.parse(getString(COMPATIBILITY_LEVEL));
        }
    }

    private static void requireTls(Urls.Parsed p, String key, String what) {
        if (!p.scheme().equals("https") && !Urls.isLoopback(p.host())) {
            throw new ConfigException(key + " " + p.withoutUserInfo() + " is http:// to a host that is not loopback: "
                    + what + " would cross the network in clear text. Use https, or set "
                    + ALLOW_INSECURE_CREDENTIALS + "=true to accept that.");
        }
    }

    /** The registry URLs, split; the user info decoded. */
    List<Urls.Parsed> parsedUrls() {
        List<Urls.Parsed> out = new java.util.ArrayList<>();
        for (String url : urls()) {
            try {
                out.add(Urls.parse(url, SCHEMA_REGISTRY_URL));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
        }
        return out;
    }

    /** {@code basic.auth.user.info}, or its deprecated name. */
    Optional<String> userInfo() {
        Optional<String> info = secret(BASIC_AUTH_USER_INFO);
        return info.isPresent() ? info : secret(BASIC_AUTH_USER_INFO_DEPRECATED);
    }

    /** Empty, STATIC_TOKEN or OAUTHBEARER. */
    String bearerSource() {
        String v = getString(BEARER_AUTH_CREDENTIALS_SOURCE);
        return v == null ? "" : v.trim().toUpperCase(java.util.Locale.ROOT);
    }

    Optional<String> secret(String key) {
        Password p = getPassword(key);
        return p == null || p.value().isEmpty() ? Optional.empty() : Optional.of(p.value());
    }

    /** Keys given to the converter that are neither its settings nor refused ones: ignored, with a warning. */
    List<String> unknownKeys() {
        List<String> out = new java.util.ArrayList<>();
        for (Object k : originals().keySet()) {
            String key = String.valueOf(k);
            if (!CONFIG.names().contains(key) && !key.equals(CONNECT_CONVERTER_TYPE)) {
                out.add(key);
            }
        }
        java.util.Collections.sort(out);
        return out;
    }

    public List<String> urls() {
        return getList(SCHEMA_REGISTRY_URL);
    }

    /** The strategy for key or value subjects: a built-in one, or an instance of the custom class named. */
    public SubjectNamer subjectNameStrategy(boolean isKey) {
        String key = isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY;
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            return SubjectNameStrategy.resolve(getString(key), loader != null ? loader : AvroConverterConfig.class.getClassLoader());
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
        return "AvroConverterConfig[urls=" + urls().stream().map(Urls::redact).toList() + "]";
    }
}
