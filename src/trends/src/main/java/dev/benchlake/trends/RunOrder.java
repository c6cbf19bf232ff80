package dev.benchlake.trends;

import java.util.Comparator;

/**
 * The order the detector reads a series in: by model package version where the runs have one (a re-run of an older
 * version, a bisect, goes among that version's runs, not after the newest), then by creation time, then by id.
 * Unversioned runs come before versioned ones (a series is one or the other in practice).
 */
public final class RunOrder {
    public static final Comparator<Run> ORDER = Comparator
            .comparing(Run::version, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparingLong(Run::runAt)
            .thenComparing(Run::id);

    private RunOrder() {
    }
}
