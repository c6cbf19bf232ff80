package dev.benchlake.engine;

import java.util.Collection;
import java.util.Map;

import org.apache.kafka.connect.storage.OffsetStorageReader;

/** No stored offsets: every job starts from its beginning. */
final class NoOffsets implements OffsetStorageReader {

    @Override
    public <T> Map<String, Object> offset(Map<String, T> partition) {
        return null;
    }

    @Override
    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
        return Map.of();
    }
}
