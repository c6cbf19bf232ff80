package dev.benchlake.quickstart;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * How long a backfill has left, from the jobs fully read over a recent window: a backfill behind an account's API
 * quota reads jobs at a steady pace, so the last {@code windowMs} predict the rest better than the average since the
 * start (which includes the stack's start-up).
 */
final class Progress {

    private record Sample(long atMs, long done) {
    }

    private final long windowMs;
    private final Deque<Sample> samples = new ArrayDeque<>();

    Progress(long windowMs) {
        this.windowMs = windowMs;
    }

    /** Records that {@code done} jobs were fully read at {@code atMs}. */
    void sample(long atMs, long done) {
        samples.addLast(new Sample(atMs, done));
        while (samples.size() > 2 && samples.peekFirst().atMs() < atMs - windowMs) {
            samples.removeFirst();
        }
    }

    /** Seconds left for {@code total} jobs at the window's pace; empty before the window shows any progress. */
    OptionalLong secondsLeft(long total) {
        if (samples.size() < 2) {
            return OptionalLong.empty();
        }
        Sample first = samples.peekFirst();
        Sample last = samples.peekLast();
        long doneInWindow = last.done() - first.done();
        long elapsedMs = last.atMs() - first.atMs();
        if (doneInWindow <= 0 || elapsedMs <= 0) {
            return OptionalLong.empty();
        }
        long left = Math.max(0, total - last.done());
        return OptionalLong.of((long) Math.ceil(left * (double) elapsedMs / doneInWindow / 1000.0));
    }

    /** The line the quickstart prints. */
    String line(long done, long total) {
        OptionalLong left = secondsLeft(total);
        return String.format(Locale.ROOT, "Progress: %d of %d jobs fully read; %s", done, total,
                left.isPresent() ? "about " + left.getAsLong() + " s left at the pace of the last "
                        + windowMs / 1000 + " s" : "no estimate yet");
    }
}
