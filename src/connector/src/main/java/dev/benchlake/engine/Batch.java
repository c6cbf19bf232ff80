package dev.benchlake.engine;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.connect.source.SourceRecord;

/**
 * The records of one poll and its two time limits, in ms of the task's monotonic clock: the whole poll, and the wait
 * while nothing is due.
 */
final class Batch {

    static final int MAX_RECORDS = 1_000;

    final List<SourceRecord> records = new ArrayList<>();
    final long deadline;
    final long idleDeadline;

    Batch(long deadline, long idleDeadline) {
        this.deadline = deadline;
        this.idleDeadline = idleDeadline;
    }

    boolean full(long now) {
        return records.size() >= MAX_RECORDS || now >= deadline;
    }

    boolean isEmpty() {
        return records.isEmpty();
    }
}
