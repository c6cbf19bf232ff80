package dev.benchlake.trends.corpus;

import java.util.List;

import dev.benchlake.trends.Direction;
import dev.benchlake.trends.Run;

/** A way of finding changes in a series, run by run, as the corpus benchmark compares them. */
public interface Method {
    String name();

    /** A fresh state for one series. */
    Online start();

    /** One series' state. */
    interface Online {
        /** The events the arrival of this run causes. */
        List<Event> accept(Run run);
    }

    /**
     * A change reported (or reported again with new figures) or retracted.
     *
     * @param key        the change's identity
     * @param retract    true when the change is withdrawn
     * @param firstRunId the first run after the change
     * @param direction  regression or improvement
     * @param version    the model package version of the first run, or null
     */
    record Event(String key, boolean retract, String firstRunId, Direction direction, Integer version) {
    }
}
