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
 * never keeps a running job's change from Kafka for longer than its poll interval and a call. The backlog is not starved
 * either: while a backlog job is due, every {@value #LIVE_PER_BACKLOG} live jobs taken in a row are followed by one
 * backlog job, so live jobs that need more calls than the budget allows still leave the backlog a fifth of the calls
 * the queue hands out. A job's due time and class do not change while it is queued: the engine takes it out first.
 *
 * <p>Called by the poll thread only.
 */
final class DueQueue {

    private static final Comparator<JobState> BY_DUE_TIME =
            Comparator.<JobState>comparingLong(JobState::dueAtMs).thenComparing(JobState::name);

    /** Live jobs taken in a row while a backlog job was due, after which a due backlog job goes first. */
    static final int LIVE_PER_BACKLOG = 4;

    private final NavigableSet<JobState> live = new TreeSet<>(BY_DUE_TIME);
    private final NavigableSet<JobState> backlog = new TreeSet<>(BY_DUE_TIME);
    /** Live jobs taken in a row while a backlog job was due. */
    private int liveInARow;

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

    /**
     * Takes the due job of the highest priority, a live one before the backlog, but a due backlog job after
     * {@link #LIVE_PER_BACKLOG} live ones in a row; null when none is due.
     */
    JobState pollDue(long now) {
        boolean backlogDue = !backlog.isEmpty() && backlog.first().dueAtMs() <= now;
        if (liveDue(now) && !(backlogDue && liveInARow >= LIVE_PER_BACKLOG)) {
            liveInARow = backlogDue ? liveInARow + 1 : 0;
            return live.pollFirst();
        }
        liveInARow = 0;
        return backlogDue ? backlog.pollFirst() : null;
    }

    /** Whether a live job is due: it goes before the pass in progress's next page and the describes of the backlog. */
    boolean liveDue(long now) {
        return !live.isEmpty() && live.first().dueAtMs() <= now;
    }

    /**
     * The due jobs about in the order {@link #pollDue} would take them (live ones first; the aging of the backlog aside),
     * at most {@code max} of them.
     */
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
