package dev.benchlake.trends;

/**
 * A change of a series' level, between the runs before {@code firstRun} and the runs from it on (in run order).
 *
 * @param firstRun            the first run after the change
 * @param index               the first run's place in the ordered series (0-based) when the change was decided
 * @param direction           regression or improvement, for the metric's better direction
 * @param before              the median of the runs since the previous change (or the start) up to the change
 * @param after               the median of the runs from the change up to the next change (or the end)
 * @param relativeChange      after / before - 1
 * @param relativeChangeLow   the lower end of the 95 % confidence interval of the relative change
 * @param relativeChangeHigh  the upper end
 * @param significance        the permutation test's p-value: the chance of a split at least this clear in the same
 *                            runs without any change (lower is surer)
 * @param runsAfter           how many runs after the change (up to the next change) the decision rests on
 */
public record ChangePoint(Run firstRun, int index, Direction direction, double before, double after,
                          double relativeChange, double relativeChangeLow, double relativeChangeHigh,
                          double significance, int runsAfter) {
}
