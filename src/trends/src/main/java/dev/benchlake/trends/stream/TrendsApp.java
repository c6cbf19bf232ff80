package dev.benchlake.trends.stream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

import dev.benchlake.avro.AvroConverter;
import dev.benchlake.trends.DetectorSettings;

/**
 * The trends application: runs {@link TrendsTopology} with Benchlake's AvroConverter on a Kafka cluster.
 *
 * <pre>
 * java -jar src/trends/target/benchlake-trends.jar config/benchlake-trends.properties
 * </pre>
 * The properties: Kafka Streams' own ({@code bootstrap.servers}, {@code application.id} (default benchlake-trends),
 * ...), {@code schema.registry.url} and any other {@code converter.*} key for the AvroConverter (without the prefix),
 * and the topics: {@code trends.steps.topic} (default benchlake.benchmark-steps), {@code trends.jobs.topic}
 * (benchlake.jobs), {@code trends.changes.topic} (benchlake.benchmark-changes, created compacted when missing, with
 * {@code trends.changes.partitions} and {@code trends.changes.replication.factor}).
 */
public final class TrendsApp {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrendsApp.class);

    private TrendsApp() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: TrendsApp <properties file>");
            System.exit(2);
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
            props.load(in);
        }
        KafkaStreams streams = start(props);
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            done.countDown();
        }, "trends-shutdown"));
        done.await();
    }

    /**
     * Waits until the step and job topics exist, creates the changes topic when missing and starts the application.
     * Kafka Streams does not wait for its source topics: started before the source connector has created them, the
     * application stops for good at its first rebalance (MissingSourceTopicException, state ERROR).
     */
    public static KafkaStreams start(Properties props) {
        TrendsTopology.Topics topics = topics(props);
        Properties streamsProps = streamsProperties(props);
        awaitTopics(adminProperties(streamsProps), List.of(topics.steps(), topics.jobs()));
        createChangesTopic(streamsProps, topics.changes(), props);
        Topology topology = TrendsTopology.build(topics, converters(props), DetectorSettings.DEFAULTS);
        KafkaStreams streams = new KafkaStreams(topology, streamsProps);
        streams.start();
        return streams;
    }

    static TrendsTopology.Topics topics(Properties props) {
        return new TrendsTopology.Topics(props.getProperty("trends.steps.topic", "benchlake.benchmark-steps"),
                props.getProperty("trends.jobs.topic", "benchlake.jobs"),
                props.getProperty("trends.changes.topic", "benchlake.benchmark-changes"));
    }

    static Properties streamsProperties(Properties props) {
        Properties out = new Properties();
        props.stringPropertyNames().stream()
                .filter(k -> !k.startsWith("trends.") && !k.startsWith("converter.") && !k.equals("schema.registry.url"))
                .forEach(k -> out.setProperty(k, props.getProperty(k)));
        out.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, "benchlake-trends");
        return out;
    }

    /** Four AvroConverters configured alike: input keys and values, output keys and values. */
    public static TrendsTopology.Converters converters(Properties props) {
        Map<String, Object> config = new HashMap<>();
        props.stringPropertyNames().stream().filter(k -> k.startsWith("converter."))
                .forEach(k -> config.put(k.substring("converter.".length()), props.getProperty(k)));
        if (props.getProperty("schema.registry.url") != null) {
            config.put("schema.registry.url", props.getProperty("schema.registry.url"));
        }
        return new TrendsTopology.Converters(avro(config, true), avro(config, false), avro(config, true),
                avro(config, false));
    }

    private static Converter avro(Map<String, Object> config, boolean isKey) {
        AvroConverter converter = new AvroConverter();
        converter.configure(config, isKey);
        return converter;
    }

    private static Properties adminProperties(Properties streamsProps) {
        Properties admin = new Properties();
        streamsProps.stringPropertyNames().stream()
                .filter(k -> k.startsWith("bootstrap.") || k.startsWith("security.") || k.startsWith("sasl.")
                        || k.startsWith("ssl."))
                .forEach(k -> admin.setProperty(k, streamsProps.getProperty(k)));
        return admin;
    }

    /** Returns once every topic exists, checking every second (and saying so every minute). */
    static void awaitTopics(Properties admin, List<String> topics) {
        try (Admin client = Admin.create(admin)) {
            long nextLog = 0;
            while (true) {
                java.util.Set<String> existing = client.listTopics().names().get();
                List<String> missing = topics.stream().filter(t -> !existing.contains(t)).toList();
                if (missing.isEmpty()) {
                    return;
                }
                if (System.currentTimeMillis() >= nextLog) {
                    LOG.info("Waiting for the topics {} (the source connector creates them with its first records)",
                            missing);
                    nextLog = System.currentTimeMillis() + 60_000;
                }
                Thread.sleep(1_000);
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot list the topics", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the topics " + topics, e);
        }
    }

    private static void createChangesTopic(Properties streamsProps, String topic, Properties props) {
        Properties admin = adminProperties(streamsProps);
        int partitions = Integer.parseInt(props.getProperty("trends.changes.partitions", "1"));
        short replication = Short.parseShort(props.getProperty("trends.changes.replication.factor", "-1"));
        try (Admin client = Admin.create(admin)) {
            NewTopic t = new NewTopic(topic, java.util.Optional.of(partitions),
                    replication < 0 ? java.util.Optional.empty() : java.util.Optional.of(replication))
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            client.createTopics(List.of(t)).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the changes topic " + topic, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating the changes topic", e);
        }
    }
}
