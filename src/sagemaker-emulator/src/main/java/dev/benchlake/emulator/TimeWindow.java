package dev.benchlake.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A span of scenario time, {@code from} inclusive, {@code until} exclusive (milliseconds). Written in a scenario
 * as {@code [from, until]} in seconds; an open end is {@code null}.
 */
public record TimeWindow(long fromMillis, long untilMillis) {
    /** Always. */
    public static final TimeWindow ALWAYS = new TimeWindow(0, Long.MAX_VALUE);

    public TimeWindow {
        if (fromMillis < 0 || untilMillis < fromMillis) {
            throw new IllegalArgumentException("a time window needs 0 <= from <= until: [" + fromMillis + ", " + untilMillis + ") ms");
        }
    }

    /** From {@code from} (null: the start) until {@code until} (null: forever). */
    public static TimeWindow of(Duration from, Duration until) {
        return new TimeWindow(from == null ? 0 : from.toMillis(), until == null ? Long.MAX_VALUE : until.toMillis());
    }

    /** Shorthand for {@link #of} in scenario seconds. */
    public static TimeWindow seconds(double from, double until) {
        return new TimeWindow(Math.round(from * 1000.0), Math.round(until * 1000.0));
    }

    public boolean contains(long scenarioMillis) {
        return fromMillis <= scenarioMillis && scenarioMillis < untilMillis;
    }

    static boolean anyContains(List<TimeWindow> windows, long scenarioMillis) {
        for (TimeWindow w : windows) {
            if (w.contains(scenarioMillis)) {
                return true;
            }
        }
        return false;
    }

    /** {@code [[from, until], ...]}; absent or null: no windows. */
    static List<TimeWindow> listFromJson(JsonNode node, String where) {
        List<TimeWindow> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(where + ": expected [[from, until], ...], got " + node);
        }
        for (JsonNode pair : node) {
            if (!pair.isArray() || pair.size() != 2) {
                throw new IllegalArgumentException(where + ": a window is [from, until] in seconds, got " + pair);
            }
            out.add(fromJson(pair.get(0), pair.get(1), where));
        }
        return out;
    }

    /** Seconds, either end may be null (open). */
    static TimeWindow fromJson(JsonNode from, JsonNode until, String where) {
        long f = from == null || from.isNull() ? 0 : Json.secondsToMillis(from, where + " from");
        long u = until == null || until.isNull() ? Long.MAX_VALUE : Json.secondsToMillis(until, where + " until");
        return new TimeWindow(f, u);
    }
}
