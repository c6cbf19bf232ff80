package dev.benchlake.warehouse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.benchlake.warehouse.TrendScenario.Load;
import dev.benchlake.warehouse.TrendScenario.Run;
import dev.benchlake.warehouse.TrendScenario.Site;
import dev.benchlake.warehouse.TrendScenario.Variant;

/**
 * {@link TrendScenario}'s three emulator sites with eight more nights (15..22), so that every change the trend
 * scenario injects has runs enough after it to be confirmed, and the scenario has the two things a change detector
 * must not report:
 * <pre>
 * nights 15..22  every emulator family, as on night 13 (the load by the night's parity): the slower churn MaxConcurrency
 *                10 variant in 111111111111/us-east-1 (from night 12) and bert fp16 in 222222222222 (from night 13)
 *                stay slower; fraud-detector stays at version 7 (slower on ml.g5.xlarge in account 111111111111)
 * one-night      night 14's effects that end with it: the second OMP_NUM_THREADS 2 run of bert-adv, 40 % slower on
 * outliers       night 14 only (its series: both OMP_NUM_THREADS 2 runs of the heavy load), and tiny's +1 ms
 * re-run         night 18's fraud job is a bisect re-run of version 3, as fast as version 3 was
 * </pre>
 * The true changes ({@link #trueChanges}) come from these inputs: a run whose injected effect differs from the
 * {@code minRuns} runs before it in run order (package version, then night) and stays for every later run of its
 * series.
 */
final class ChangeScenario {
    static final int NIGHTS = 22;
    static final int RERUN_NIGHT = 18;
    static final int RERUN_VERSION = 3;
    /** A night of the trend scenario with every lasting effect and none of night 14's own. */
    private static final int LASTING = 13;

    /** A series' inputs, as the warehouse tells series apart: site, model, job type, configuration, load. */
    record SeriesKey(Site site, String model, String jobType, TrendScenario.Config config, Load load) {
        static SeriesKey of(Run r) {
            return new SeriesKey(r.site(), r.model(), r.jobType(), r.config(), r.load());
        }
    }

    /** A true change: the first run after it, and the runs of its series either side (run order). */
    record TrueChange(SeriesKey series, Run first, List<Run> before, List<Run> after) {
    }

    private ChangeScenario() {
    }

    static Integer version(String family, int night) {
        if (!family.equals("fraud")) {
            return null;
        }
        return night == RERUN_NIGHT ? Integer.valueOf(RERUN_VERSION) : TrendScenario.version(family, Math.min(night,
                TrendScenario.NIGHTS));
    }

    /** The injected effect on a run's latency: its latency factor without the load's share. */
    static double effect(Site site, String family, int cfg, int night) {
        if (night <= TrendScenario.NIGHTS) {
            return TrendScenario.latencyFactor(site, family, cfg, night) / loadFactor(family, night);
        }
        if (family.equals("fraud")) {
            // the effect is the version's: that of the trend scenario's last night of the same version
            int same = TrendScenario.NIGHTS;
            while (!Objects.equals(TrendScenario.version(family, same), version(family, night))) {
                same--;
            }
            return effect(site, family, cfg, same);
        }
        return effect(site, family, cfg, LASTING);
    }

    static double effect(Run r) {
        return effect(r.site(), r.family(), r.variant().cfg(), r.night());
    }

    private static double loadFactor(String family, int night) {
        return TrendScenario.load(family, night) == Load.HEAVY ? 1.5 : 1.0;
    }

    /** Every step one emulator site serves: the trend scenario's, then nights 15..22. */
    static List<Run> runs(Site site) {
        List<Run> runs = new ArrayList<>(TrendScenario.runs(site));
        for (Map.Entry<String, List<Variant>> family : TrendScenario.FAMILIES.entrySet()) {
            if (family.getKey().equals("legacy")) {
                continue;
            }
            for (int night = TrendScenario.NIGHTS + 1; night <= NIGHTS; night++) {
                for (Variant v : family.getValue()) {
                    double factor = effect(site, family.getKey(), v.cfg(), night) * loadFactor(family.getKey(), night);
                    runs.add(TrendScenario.run(site, family.getKey(), night, v, version(family.getKey(), night), factor));
                }
            }
        }
        // job order: family, then night (the order the connector is given the job names)
        List<String> families = new ArrayList<>(TrendScenario.FAMILIES.keySet());
        runs.sort(Comparator.comparing((Run r) -> families.indexOf(r.family())).thenComparing(Run::night));
        return runs;
    }

    static List<Run> allRuns() {
        List<Run> all = new ArrayList<>();
        TrendScenario.SITES.forEach(s -> all.addAll(runs(s)));
        return all;
    }

    /** The emulator's job names, the same at every site. */
    static List<String> jobNames() {
        return runs(TrendScenario.SITES.get(0)).stream().map(Run::jobName).distinct().toList();
    }

    /** Scenario seconds at which every job is complete. */
    static long allDoneSeconds() {
        return TrendScenario.jobCreatedSeconds(NIGHTS) + 86_400L;
    }

    /** Completed runs by series, each in run order: package version (unversioned first), then night. */
    static Map<SeriesKey, List<Run>> series() {
        Map<SeriesKey, List<Run>> series = new LinkedHashMap<>();
        for (Run r : allRuns()) {
            if (r.completed()) {
                series.computeIfAbsent(SeriesKey.of(r), k -> new ArrayList<>()).add(r);
            }
        }
        series.values().forEach(runs -> runs.sort(Comparator
                .comparing(Run::version, Comparator.nullsFirst(Comparator.naturalOrder()))
                .thenComparing(Run::night).thenComparing(r -> r.variant().cfg())));
        return series;
    }

    /**
     * The injected changes that last: in a series, a run whose effect differs from that of the {@code minRuns} runs
     * before it (which share one) and which every later run shares, with at least {@code minRuns} runs after it.
     */
    static List<TrueChange> trueChanges(int minRuns) {
        List<TrueChange> out = new ArrayList<>();
        series().forEach((key, runs) -> {
            for (int i = 1; i < runs.size(); i++) {
                double now = effect(runs.get(i));
                double was = effect(runs.get(i - 1));
                boolean lasts = runs.subList(i, runs.size()).stream().allMatch(r -> effect(r) == now);
                // and the level before held too (the run after a one-night outlier is no change)
                boolean held = i >= minRuns && runs.subList(i - minRuns, i).stream().allMatch(r -> effect(r) == was);
                if (was != now && lasts && held && runs.size() - i >= minRuns) {
                    out.add(new TrueChange(key, runs.get(i), runs.subList(0, i), runs.subList(i, runs.size())));
                }
            }
        });
        return out;
    }
}
