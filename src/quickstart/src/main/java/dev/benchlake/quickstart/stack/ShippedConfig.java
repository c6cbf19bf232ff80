package dev.benchlake.quickstart.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A connector configuration of {@code config/} deployed as shipped, with only the values that name a deployment's
 * addresses and credentials substituted. The shipped files use these named placeholder values (docs/deploy.md,
 * "Placeholders in the shipped configs"); each method below replaces one of them and nothing else:
 * <table>
 *   <caption>placeholders</caption>
 *   <tr><th>placeholder</th><th>shipped value</th><th>keys</th><th>method</th></tr>
 *   <tr><td>schema registry</td><td>{@value #REGISTRY_PLACEHOLDER}</td>
 *       <td>{@code key.converter.schema.registry.url}, {@code value.converter.schema.registry.url}</td>
 *       <td>{@link #schemaRegistry}</td></tr>
 *   <tr><td>PostgreSQL</td><td>{@value #POSTGRES_PLACEHOLDER} in {@code connection.url}</td>
 *       <td>{@code connection.url}</td><td>{@link #postgres}</td></tr>
 *   <tr><td>PostgreSQL credentials</td><td>user {@code benchlake}, password {@code ${file:...}}</td>
 *       <td>{@code connection.username}, {@code connection.password}</td><td>{@link #postgresCredentials}</td></tr>
 *   <tr><td>SageMaker endpoint</td><td>absent (AWS's regional endpoint)</td><td>{@code aws.endpoint.override}</td>
 *       <td>{@link #sagemakerEndpoint}</td></tr>
 *   <tr><td>AWS credentials</td><td>{@code aws.credentials.provider=default}</td>
 *       <td>{@code aws.credentials.provider}, {@code aws.access.key.id}, {@code aws.secret.access.key}</td>
 *       <td>{@link #staticAwsCredentials}</td></tr>
 *   <tr><td>Kafka cluster size</td><td>{@value #REPLICATION_PLACEHOLDER}</td>
 *       <td>{@code topic.creation.default.replication.factor}, {@code errors.deadletterqueue.topic.replication.factor}</td>
 *       <td>{@link #replicationFactor}</td></tr>
 *   <tr><td>secrets folder</td><td>{@value #SECRETS_PLACEHOLDER} in {@code ${file:...}} references</td>
 *       <td>{@code connection.password}, {@code aws.assume.role.external.id}, ...</td><td>{@link #secretsDirectory}</td></tr>
 *   <tr><td>AWS reachable</td><td>absent ({@code aws.validate.access=true})</td><td>{@code aws.validate.access}</td>
 *       <td>{@link #withoutAwsAccessCheck}</td></tr>
 *   <tr><td>Iceberg catalog</td><td>the {@code iceberg.catalog.*} settings (a REST catalog on S3)</td>
 *       <td>every {@code iceberg.catalog.*} key</td><td>{@link #icebergCatalog}</td></tr>
 *   <tr><td>Kafka for Iceberg's commit coordination</td><td>absent (the sink reads the worker's file)</td>
 *       <td>{@code iceberg.kafka.bootstrap.servers}</td><td>{@link #icebergKafka}</td></tr>
 * </table>
 * {@link #substitutedKeys()} says which keys differ from the file, so a caller (and a test) can prove that nothing
 * else did: converters, subjects, transforms, error handling and every sink setting stay as shipped.
 */
public final class ShippedConfig {
    public static final String REGISTRY_PLACEHOLDER = "http://schema-registry:8081";
    public static final String POSTGRES_PLACEHOLDER = "//postgres:5432/";
    public static final String REPLICATION_PLACEHOLDER = "3";
    /** The folder the shipped {@code ${file:...}} references read their secrets from (docs/security.md). */
    public static final String SECRETS_PLACEHOLDER = "/opt/kafka/secrets/";

    public static final Set<String> REGISTRY_KEYS = Set.of("key.converter.schema.registry.url",
            "value.converter.schema.registry.url");
    public static final Set<String> REPLICATION_KEYS = Set.of("topic.creation.default.replication.factor",
            "errors.deadletterqueue.topic.replication.factor");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private final String name;
    private final Map<String, String> shipped;
    private final Map<String, String> config;

    private ShippedConfig(String file, String name, Map<String, String> shipped) {
        this.file = file;
        this.name = name;
        this.shipped = Collections.unmodifiableMap(shipped);
        this.config = new LinkedHashMap<>(shipped);
    }

    /** A file of the checkout's config/ folder, e.g. {@code benchlake-source.json}. */
    public static ShippedConfig load(String file) {
        return load(Layout.file("config").resolve(file));
    }

    /** A connector config file in the Connect REST API's form: {@code {"name": ..., "config": {...}}}. */
    public static ShippedConfig load(Path file) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            JsonNode config = root.get("config");
            if (config == null || !config.isObject() || !root.path("name").isTextual()) {
                throw new IllegalArgumentException(file + " is not a connector config ({\"name\": ..., \"config\": {...}})");
            }
            Map<String, String> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : config.properties()) {
                values.put(e.getKey(), e.getValue().asText());
            }
            return new ShippedConfig(file.getFileName().toString(), root.get("name").asText(), values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A configuration read from another form (a standalone .properties file, a Strimzi KafkaConnector's spec). */
    public static ShippedConfig of(String source, String name, Map<String, String> config) {
        return new ShippedConfig(source, name, new LinkedHashMap<>(config));
    }

    /** The connector name the file gives. */
    public String name() {
        return name;
    }

    /** The file's own configuration, untouched. */
    public Map<String, String> shipped() {
        return shipped;
    }

    /** The configuration to deploy: the shipped one with the substitutions made so far. */
    public Map<String, String> config() {
        return Collections.unmodifiableMap(config);
    }

    /** The keys whose value differs from the file (or that only one of the file and the config has). */
    public Set<String> substitutedKeys() {
        Set<String> keys = new TreeSet<>();
        config.forEach((k, v) -> {
            if (!Objects.equals(shipped.get(k), v)) {
                keys.add(k);
            }
        });
        shipped.keySet().stream().filter(k -> !config.containsKey(k)).forEach(keys::add);
        return keys;
    }

    /** The schema registry's URL in place of {@value #REGISTRY_PLACEHOLDER}, for keys and values. */
    public ShippedConfig schemaRegistry(String url) {
        for (String key : REGISTRY_KEYS) {
            replace(key, REGISTRY_PLACEHOLDER, url);
        }
        return this;
    }

    /** PostgreSQL's host, port and database in place of {@code postgres:5432/benchlake} in connection.url. */
    public ShippedConfig postgres(String host, int port, String database) {
        String url = required("connection.url");
        int at = url.indexOf(POSTGRES_PLACEHOLDER);
        int query = url.indexOf('?', at);
        if (at < 0) {
            throw new IllegalStateException(file + ": connection.url " + url + " does not hold " + POSTGRES_PLACEHOLDER);
        }
        config.put("connection.url", url.substring(0, at) + "//" + host + ":" + port + "/" + database
                + (query < 0 ? "" : url.substring(query)));
        return this;
    }

    /** The database user and password (the file reads the password through a config provider). */
    public ShippedConfig postgresCredentials(String user, String password) {
        required("connection.username");
        required("connection.password");
        config.put("connection.username", user);
        config.put("connection.password", password);
        return this;
    }

    /**
     * The folder of the secrets files in place of {@value #SECRETS_PLACEHOLDER} in every {@code ${file:...}}
     * reference: the references stay references, for the worker's config provider to resolve.
     */
    public ShippedConfig secretsDirectory(Path directory) {
        String from = "${file:" + SECRETS_PLACEHOLDER;
        String to = "${file:" + directory.toAbsolutePath() + "/";
        boolean any = false;
        for (Map.Entry<String, String> e : config.entrySet()) {
            if (e.getValue().contains(from)) {
                e.setValue(e.getValue().replace(from, to));
                any = true;
            }
        }
        if (!any) {
            throw new IllegalStateException(file + " has no ${file:" + SECRETS_PLACEHOLDER + "...} reference");
        }
        return this;
    }

    /**
     * {@code aws.validate.access=false}: validate() then makes no AWS call, for validating where the file's AWS (its
     * credentials provider, its endpoint) cannot be reached.
     */
    public ShippedConfig withoutAwsAccessCheck() {
        required("aws.region");
        config.put("aws.validate.access", "false");
        return this;
    }

    /** A SageMaker-compatible endpoint instead of AWS's regional one (an emulator, a VPC endpoint). */
    public ShippedConfig sagemakerEndpoint(URI endpoint) {
        required("aws.region");
        config.put("aws.endpoint.override", endpoint.toString());
        return this;
    }

    /** Static AWS keys instead of the default credential chain. */
    public ShippedConfig staticAwsCredentials(String accessKeyId, String secretAccessKey) {
        required("aws.credentials.provider");
        config.put("aws.credentials.provider", "static");
        config.put("aws.access.key.id", accessKeyId);
        config.put("aws.secret.access.key", secretAccessKey);
        return this;
    }

    /** The replication factor of the topics the connector creates, for a cluster of fewer than three brokers. */
    public ShippedConfig replicationFactor(int factor) {
        boolean any = false;
        for (String key : REPLICATION_KEYS) {
            if (config.containsKey(key)) {
                replace(key, REPLICATION_PLACEHOLDER, Integer.toString(factor));
                any = true;
            }
        }
        if (!any) {
            throw new IllegalStateException(file + " sets no replication factor");
        }
        return this;
    }

    /**
     * Another Iceberg catalog in place of the file's: every {@code iceberg.catalog.*} key of the file is removed and
     * these are set, each under that prefix ({@code type}, {@code warehouse}, {@code uri}, {@code io-impl}, ...).
     * Tables, routing, id columns, partitioning and the control topic stay as shipped.
     */
    public ShippedConfig icebergCatalog(Map<String, String> catalog) {
        String prefix = "iceberg.catalog.";
        if (config.keySet().stream().noneMatch(k -> k.startsWith(prefix))) {
            throw new IllegalStateException(file + " has no " + prefix + "* settings");
        }
        config.keySet().removeIf(k -> k.startsWith(prefix));
        catalog.forEach((k, v) -> config.put(prefix + k, v));
        return this;
    }

    /**
     * The Kafka cluster Iceberg's sink coordinates its commits through ({@code iceberg.kafka.bootstrap.servers}). A
     * worker started from a properties file needs none (the sink reads the file named on the worker's command line);
     * a worker embedded in another program does.
     */
    public ShippedConfig icebergKafka(String bootstrapServers) {
        required("iceberg.control.topic");
        config.put("iceberg.kafka.bootstrap.servers", bootstrapServers);
        return this;
    }

    /**
     * Settings a run chooses that are not addresses or credentials (which jobs to read, how often), each of which must
     * be among {@code allowed}: the caller names and documents them, so nothing else can drift from the file.
     */
    public ShippedConfig withRunOptions(Map<String, String> options, Set<String> allowed) {
        options.forEach((key, value) -> {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(key + " is not a run option (" + new TreeSet<>(allowed) + ")");
            }
            config.put(key, value);
        });
        return this;
    }

    private String required(String key) {
        String value = config.get(key);
        if (value == null) {
            throw new IllegalStateException(file + " has no " + key);
        }
        return value;
    }

    private void replace(String key, String placeholder, String value) {
        String current = required(key);
        if (!current.equals(placeholder)) {
            throw new IllegalStateException(file + ": " + key + " is " + current + ", not the placeholder " + placeholder);
        }
        config.put(key, value);
    }

    @Override
    public String toString() {
        return file + " (" + name + "), substituted " + substitutedKeys();
    }
}
