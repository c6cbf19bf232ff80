package dev.benchlake.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

import dev.benchlake.api.JobStatuses;
import dev.benchlake.pass.JobState;

/**
 * The open jobs waiting for their next call, in two classes served in order of priority: <b>live</b> jobs (read
 * before and still open, so running or recently changed, or listed as not finished) first, then the <b>backlog</b>
 * (jobs never read yet that the listing shows finished, or that no listing showed). Within a class, by due time. A
 * live job due for its poll goes before every backlog job, however overdue: a backfill of thousands of finished jobs
 * never keeps a running job's change from Kafka for longer than its poll interval and a call. A job's due time and
 * class do not change while it is queued: the engine takes it out first.
 *
 * <p>Called by the poll thread only.
 */
final class DueQueue {

    private static final Comparator<JobState> BY_DUE_TIME =
            Comparator.<JobState>comparingLong(JobState::dueAtMs).thenComparing(JobState::name);

    private final NavigableSet<JobState> live = new TreeSet<>(BY_DUE_TIME);
    private final NavigableSet<JobState> backlog = new TreeSet<>(BY_DUE_TIME);

    /** Whether the job is served before the backlog: read before, or listed as not finished. */
    static boolean isLive(JobState s) {
        return s.answeredOnce() || s.listed() != null && !JobStatuses.isTerminal(s.listed().status());
    }

    void add(JobState s) {
        (isLive(s) ? live : backlog).add(s);
    }

    /** Takes the job out, whichever class it is in; false when it was not queued. */
    boolean remove(JobState s) {
        return live.remove(s) | backlog.remove(s);
    }

    /** Takes the due job of the highest priority; null when none is due. */
    JobState pollDue(long now) {
        if (!live.isEmpty() && live.first().dueAtMs() <= now) {
            return live.pollFirst();
        }
        if (!backlog.isEmpty() && backlog.first().dueAtMs() <= now) {
            return backlog.pollFirst();
        }
        return null;
    }

    /** Whether a live job is due: it goes before the listing and the describes of the backlog. */
    boolean liveDue(long now) {
        return !live.isEmpty() && live.first().dueAtMs() <= now;
    }

    /** The due jobs in the order {@link #pollDue} would take them, at most {@code max} of them. */
    List<JobState> due(long now, int max) {
        List<JobState> out = new ArrayList<>();
        for (NavigableSet<JobState> set : List.of(live, backlog)) {
            for (JobState s : set) {
                if (s.dueAtMs() > now || out.size() >= max) {
                    break;
                }
                out.add(s);
            }
        }
        return out;
    }

    /** When the next job is due; {@link Long#MAX_VALUE} when none is queued. */
    long nextDueAtMs() {
        long next = Long.MAX_VALUE;
        if (!live.isEmpty()) {
            next = live.first().dueAtMs();
        }
        if (!backlog.isEmpty()) {
            next = Math.min(next, backlog.first().dueAtMs());
        }
        return next;
    }

    int size() {
        return live.size() + backlog.size();
    }

    boolean isEmpty() {
        return live.isEmpty() && backlog.isEmpty();
    }
}
