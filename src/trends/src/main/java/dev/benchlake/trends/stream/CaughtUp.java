package dev.benchlake.trends.stream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Whether a consumer group (the trends application's {@code application.id}, a sink connector's
 * {@code connect-<name>}) has read every record of every partition it reads: its committed offset is past the last
 * record a read-committed consumer sees. Not "committed offset = end offset": a topic written in transactions (an
 * exactly-once source connector, the application itself under exactly_once_v2) ends with a commit marker, which
 * takes an offset and is never a record, so that lag can stay at one per partition for good.
 */
public final class CaughtUp {
    /** How far back from a partition's end the last record is looked for (markers between it and the end). */
    private static final int LOOK_BACK = 64;

    private CaughtUp() {
    }

    /**
     * @param clientProps {@code bootstrap.servers} and any security settings
     * @param groupId     the group
     * @param topics      topics the group must have committed offsets on when they hold records (it may not have
     *                    started reading them yet)
     */
    public static boolean check(Properties clientProps, String groupId, List<String> topics)
            throws InterruptedException {
        Properties consumerProps = new Properties();
        consumerProps.putAll(clientProps);
        consumerProps.put("isolation.level", "read_committed");
        consumerProps.put("enable.auto.commit", "false");
        consumerProps.put("key.deserializer", ByteArrayDeserializer.class.getName());
        consumerProps.put("value.deserializer", ByteArrayDeserializer.class.getName());
        try (Admin admin = Admin.create(clientProps);
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get();
            for (String topic : topics) {
                if (committed.keySet().stream().noneMatch(tp -> tp.topic().equals(topic)) && hasRecords(consumer, topic)) {
                    return false;
                }
            }
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : committed.entrySet()) {
                long offset = e.getValue() == null ? 0 : e.getValue().offset();
                if (offset < recordsEnd(consumer, e.getKey())) {
                    return false;
                }
            }
            return true;
        } catch (ExecutionException e) {
            return false;
        }
    }

    private static boolean hasRecords(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10));
        if (partitions == null) {
            return false;
        }
        return partitions.stream().anyMatch(p -> recordsEnd(consumer, new TopicPartition(topic, p.partition())) > 0);
    }

    /** The offset after the last record of a partition (read committed), or 0 when it holds none. */
    static long recordsEnd(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp) {
        consumer.assign(List.of(tp));
        long end = consumer.endOffsets(List.of(tp)).get(tp);
        long start = consumer.beginningOffsets(List.of(tp)).get(tp);
        long from = Math.max(start, end - LOOK_BACK);
        consumer.seek(tp, from);
        long last = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (consumer.position(tp) < end && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                last = Math.max(last, r.offset());
            }
        }
        if (last >= 0) {
            return last + 1;
        }
        // nothing in the last LOOK_BACK offsets but markers (or nothing at all): the records, if any, end before them
        return from == start ? 0 : from;
    }
}
