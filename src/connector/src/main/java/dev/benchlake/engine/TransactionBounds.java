package dev.benchlake.engine;

import java.util.List;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;

import dev.benchlake.pass.JobReader;

/**
 * Where the task's transactions end, under exactly-once with {@code transaction.boundary=connector}: at a transaction
 * boundary of a pass (it ended or was interrupted), and mid-pass once the open transaction is older than
 * {@link SourceEngine#TRANSACTION_TIMEOUT_SHARE its bound}. Each commit request names the last record of one call, whose
 * offset holds the job's cursor. Without a transaction context (no exactly-once) it asks for nothing.
 *
 * <p>A transaction may hold records of several jobs: a pass yields between its pages to live jobs due and to the
 * listing, so their records join the open transaction. That keeps exactly-once: a commit request is only ever made
 * at the end of one call's records (naming the last of them, or, with no record of its own, at the end of the batch),
 * and every job's last record in the transaction carries that job's offset after its last call in it, so every commit
 * is a consistent cut, and after a restart each job resumes from its own offset in the last committed transaction (a
 * pass mid-way from its cursor). So what is tracked is the task's open transaction, not a job's.
 *
 * <p>Called by the poll thread only.
 */
final class TransactionBounds {

    /** No record waits for a commit (readings of the monotonic clock may be 0 or negative). */
    private static final long NONE = Long.MIN_VALUE;

    private final TransactionContext transactions;
    /** The age after which an open transaction is committed. */
    private final long maxAgeMs;
    /** When the first record not yet covered by a commit request was emitted; NONE when there is none. */
    private long openedAtMs = NONE;

    TransactionBounds(TransactionContext transactions, long maxAgeMs) {
        this.transactions = transactions;
        this.maxAgeMs = maxAgeMs;
    }

    /**
     * Adds one call's records to the batch and asks for a commit at a transaction boundary, or once the open
     * transaction is older than its bound.
     */
    void emit(Batch batch, JobReader.Result result, long now) {
        batch.records.addAll(result.records());
        if (!result.records().isEmpty() && openedAtMs == NONE) {
            openedAtMs = now;
        }
        boolean old = openedAtMs != NONE && now - openedAtMs >= maxAgeMs;
        if (result.boundary() || old) {
            commit(result.records());
        }
    }

    /**
     * The task is stopping: the open transaction is committed rather than left to be aborted (Connect commits a
     * connector-defined transaction at a stop only when asked to). A batch-level request: every batch ends at the end of
     * one call's records, so whatever the stop finds emitted is a consistent cut. Safe from any thread (the context is
     * synchronised); harmless with nothing open.
     */
    void commitOnStop() {
        if (transactions != null) {
            transactions.commitTransaction();
        }
    }

    private void commit(List<SourceRecord> records) {
        if (transactions == null || openedAtMs == NONE) {
            // nothing emitted since the last commit request
            return;
        }
        if (records.isEmpty()) {
            transactions.commitTransaction();
        } else {
            transactions.commitTransaction(records.get(records.size() - 1));
        }
        openedAtMs = NONE;
    }
}
