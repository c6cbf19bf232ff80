package dev.benchlake.engine;

import java.util.List;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;

import dev.benchlake.pass.JobReader;
import dev.benchlake.pass.JobState;

/**
 * Where the task's transactions end, under exactly-once with {@code transaction.boundary=connector}: at a transaction
 * boundary of a pass (it ended or was interrupted), and mid-pass once the open transaction is older than
 * {@link SourceEngine#TRANSACTION_TIMEOUT_SHARE its bound}. Each commit request names the last record of one call, whose
 * offset holds the job's cursor. Without a transaction context (no exactly-once) it asks for nothing.
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
    void emit(Batch batch, JobState job, JobReader.Result result, long now) {
        batch.records.addAll(result.records());
        if (!result.records().isEmpty() && openedAtMs == NONE) {
            openedAtMs = now;
        }
        boolean old = openedAtMs != NONE && now - openedAtMs >= maxAgeMs;
        if (result.boundary() || old) {
            commit(job, result.records());
        }
    }

    private void commit(JobState job, List<SourceRecord> records) {
        if (transactions == null || !job.hasUncommittedRecords() && openedAtMs == NONE) {
            return;
        }
        if (records.isEmpty()) {
            transactions.commitTransaction();
        } else {
            transactions.commitTransaction(records.get(records.size() - 1));
        }
        job.committed();
        openedAtMs = NONE;
    }
}
