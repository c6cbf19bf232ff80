package dev.benchlake.trends;

/**
 * The detector's parameters (docs/warehouse.md, "Change points").
 *
 * @param minRuns            runs on each side of a change: a change is reported once this many runs after it agree
 *                           (and a segment between two changes has at least this many runs)
 * @param alpha              the largest permutation p-value a reported change may have
 * @param permutations       the permutation test's size (the smallest p-value it can give is 1 / (permutations + 1))
 * @param minRelativeChange  the smallest |after / before - 1| reported: smaller shifts are not worth an engineer's time
 * @param outlierSigmas      a run further than this many noise sigmas from its neighbours' median is clipped to that
 *                           distance before the test (single-night outliers)
 * @param versionSnap        in a versioned series, a change found this many runs or fewer from a version boundary is
 *                           placed on the boundary when the split there is nearly as clear
 * @param seed               the permutation test's seed (fixed: the same runs always give the same answer)
 */
public record DetectorSettings(int minRuns, double alpha, int permutations, double minRelativeChange,
                               double outlierSigmas, int versionSnap, long seed) {
    /** The defaults the corpus benchmark measured (docs/benchmarks.md). */
    public static final DetectorSettings DEFAULTS = new DetectorSettings(3, 0.002, 999, 0.05, 2.0, 2, 20_260_207L);

    public DetectorSettings {
        if (minRuns < 2 || permutations < 19 || !(alpha > 0 && alpha < 1) || minRelativeChange < 0 || outlierSigmas <= 0
                || versionSnap < 0) {
            throw new IllegalArgumentException("invalid detector settings");
        }
    }
}
