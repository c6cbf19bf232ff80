package dev.benchlake.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.LongSupplier;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;

/**
 * A transaction context that records every commit request (the record it names, null for one at the end of the
 * batch, and when on the given clock it was made) and fails on any abort: no engine path asks for one.
 */
final class RecordingTransactions implements TransactionContext {

    /** A commit request: the last record of the transaction, or null for the whole batch; when it was made. */
    record Commit(SourceRecord record, long atMs) {
    }

    private final LongSupplier clock;
    private final List<Commit> commits = Collections.synchronizedList(new ArrayList<>());

    RecordingTransactions(LongSupplier clock) {
        this.clock = clock;
    }

    /** The commit requests so far, in order. */
    List<Commit> commits() {
        synchronized (commits) {
            return List.copyOf(commits);
        }
    }

    @Override
    public void commitTransaction() {
        commits.add(new Commit(null, clock.getAsLong()));
    }

    @Override
    public void commitTransaction(SourceRecord record) {
        commits.add(new Commit(record, clock.getAsLong()));
    }

    @Override
    public void abortTransaction() {
        throw new AssertionError("nothing is aborted");
    }

    @Override
    public void abortTransaction(SourceRecord record) {
        throw new AssertionError("nothing is aborted");
    }
}
