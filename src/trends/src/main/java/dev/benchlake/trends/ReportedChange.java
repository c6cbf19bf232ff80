package dev.benchlake.trends;

/**
 * A change point as reported: with the run whose arrival made it certain enough to report.
 *
 * @param change        the change, with its figures as of the latest run
 * @param confirmedById the id of the run whose arrival first reported it
 * @param confirmedBy   that run's job name
 */
public record ReportedChange(ChangePoint change, String confirmedById, String confirmedBy) {
    /** The change's identity: its first run's id (one key per series, metric and change). */
    public String key() {
        return change.firstRun().id();
    }
}
