package dev.benchlake.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;

/** Reads a topic from the beginning, keeping everything it has seen; records are JSON (JsonConverter, no schemas). */
public final class TopicReader implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One record: its key and value as JSON trees. */
    public record Rec(JsonNode key, JsonNode value, long offset) {
        public String text(String field) {
            JsonNode n = value.get(field);
            return n == null || n.isNull() ? null : n.asText();
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Rec> seen = new ArrayList<>();

    public TopicReader(String bootstrapServers, String topic, boolean readCommitted) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        TopicPartition tp = new TopicPartition(topic, 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
    }

    /** Reads whatever has arrived since the last call. */
    public synchronized List<Rec> drain() {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            try {
                seen.add(new Rec(r.key() == null ? null : JSON.readTree(r.key()),
                        r.value() == null ? null : JSON.readTree(r.value()), r.offset()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("record at offset " + r.offset() + " is not JSON", e);
            }
        }
        return List.copyOf(seen);
    }

    /** Reads until the records seen so far satisfy the condition. */
    public List<Rec> awaitUntil(String what, Predicate<List<Rec>> condition) {
        return awaitUntil(what, ConnectHarness.TIMEOUT, condition);
    }

    /** Reads until the records seen so far satisfy the condition, for at most {@code atMost}. */
    public List<Rec> awaitUntil(String what, Duration atMost, Predicate<List<Rec>> condition) {
        Awaitility.await(what).atMost(atMost).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(100)).until(() -> condition.test(drain()));
        return drain();
    }

    public List<Rec> awaitCount(int count) {
        return awaitUntil(count + " records", recs -> recs.size() >= count);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
