package dev.benchlake.warehouse;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

import dev.benchlake.warehouse.TrendScenario.Config;
import dev.benchlake.warehouse.TrendScenario.Load;
import dev.benchlake.warehouse.TrendScenario.Run;

/**
 * The answers the SQL models must give for {@link TrendScenario}, computed in plain Java from the scenario's inputs
 * and the definitions of warehouse/README.md (series, run order, median and MAD baselines, the noise rules, capacity
 * planning), independently of the SQL.
 */
final class TrendOracle {

    /** Every input that defines a series (warehouse/README.md): the load is the traffic pattern and duration. */
    record SeriesKey(String account, String region, String modelKind, String model, String jobType, Config config,
                     Load load) {
        String configuration() {
            return config.label();
        }
    }

    /** The three metrics, with the direction that is worse; cost is the landed double of the API's decimal × 1e6. */
    enum Metric {
        LATENCY("model_latency_ms", 1, r -> r.latencyMs()),
        INVOCATIONS("max_invocations", -1, r -> r.maxInvocations()),
        COST("cost_per_1m_inferences", 1, r -> r.costPerInference().doubleValue() * 1e6);

        final String column;
        final int worse;
        final ToDoubleFunction<Run> value;

        Metric(String column, int worse, ToDoubleFunction<Run> value) {
            this.column = column;
            this.worse = worse;
            this.value = value;
        }
    }

    /** The noise rules' parameters: benchmark_regressions(threshold, NULL, noise_mads, min_latency_change_ms). */
    record Rules(double threshold, double noiseMads, double minLatencyChangeMs) {
        static final Rules DEFAULTS = new Rules(0.2, 3, 2);
    }

    /** One run compared with the earlier runs of its series. */
    record Check(SeriesKey series, Metric metric, Run run, double value, int baselineRuns, Double baselineMedian,
                 Double baselineMad, Integer baselineMinVersion, Integer baselineMaxVersion, Double change,
                 boolean regressed) {
    }

    /** A row of benchmark_regressions(). */
    record Regression(SeriesKey series, Metric metric, Check latest, Run since, int regressedRuns) {
        String row() {
            return String.join("|", series.account(), series.region(), series.model(), String.valueOf(series.jobType()),
                    series.configuration(), metric.column, latest.run().jobName(),
                    String.valueOf(latest.run().version()), String.valueOf(latest.value()),
                    String.valueOf(latest.baselineRuns()), String.valueOf(latest.baselineMedian()),
                    String.valueOf(latest.baselineMad()), String.valueOf(latest.baselineMinVersion()),
                    String.valueOf(latest.baselineMaxVersion()), String.valueOf(latest.change()),
                    since.jobCreated().toString(), since.jobCreated().atOffset(ZoneOffset.UTC).toLocalDate().toString(),
                    String.valueOf(since.version()), String.valueOf(regressedRuns));
        }
    }

    /** A row of cheapest_configuration(): the configuration null when none meets both. */
    record Cheapest(String account, String region, String model, Integer version, Config config, String basis,
                    Integer instances, BigDecimal hourlyCost, Double medianLatencyMs, int candidates, String note) {
        String row() {
            return String.join("|", account, region, model, String.valueOf(version),
                    config == null ? "null" : config.label(),
                    config == null ? "null" : String.valueOf(config.inferenceSpecification()),
                    config == null ? "null" : String.valueOf(config.compiled()),
                    config == null ? "null" : config.environmentJson(), String.valueOf(basis), String.valueOf(instances),
                    hourlyCost == null ? "null" : hourlyCost.stripTrailingZeros().toPlainString(),
                    String.valueOf(medianLatencyMs), String.valueOf(candidates), String.valueOf(note));
        }
    }

    private TrendOracle() {
    }

    static SeriesKey seriesOf(Run r) {
        return new SeriesKey(r.site().account(), r.site().region(), r.version() == null ? "model" : "model-package",
                r.model(), r.jobType(), r.config(), r.load());
    }

    /** Completed runs by series, each series in run order: job creation, invocation start, job name, endpoint. */
    static Map<SeriesKey, List<Run>> series(List<Run> runs) {
        Map<SeriesKey, List<Run>> out = new LinkedHashMap<>();
        runs.stream().filter(Run::completed)
                .sorted(Comparator.comparing(Run::jobCreated).thenComparing(Run::start).thenComparing(Run::jobName)
                        .thenComparing(Run::endpointName))
                .forEach(r -> out.computeIfAbsent(seriesOf(r), k -> new ArrayList<>()).add(r));
        return out;
    }

    /** PostgreSQL's percentile_cont(0.5): the middle value, or lo + (hi - lo) * 0.5 between the two middle ones. */
    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        double position = 0.5 * (sorted.size() - 1);
        int first = (int) Math.floor(position);
        int second = (int) Math.ceil(position);
        double lo = sorted.get(first);
        return second > first ? lo + (position - first) * (sorted.get(second) - lo) : lo;
    }

    static List<Check> checks(List<Run> runs, Rules rules) {
        List<Check> out = new ArrayList<>();
        series(runs).forEach((key, inOrder) -> {
            for (Metric metric : Metric.values()) {
                for (int i = 0; i < inOrder.size(); i++) {
                    out.add(check(key, metric, inOrder.get(i), inOrder.subList(0, i), rules));
                }
            }
        });
        return out;
    }

    private static Check check(SeriesKey key, Metric metric, Run run, List<Run> earlier, Rules rules) {
        double value = metric.value.applyAsDouble(run);
        if (earlier.isEmpty()) {
            return new Check(key, metric, run, value, 0, null, null, null, null, null, false);
        }
        List<Double> values = earlier.stream().map(metric.value::applyAsDouble).toList();
        double median = median(values);
        double mad = median(values.stream().map(v -> Math.abs(v - median)).toList());
        double worsening = metric.worse * (value - median);
        boolean regressed = worsening > rules.threshold() * Math.abs(median)
                && worsening > rules.noiseMads() * mad
                && (metric != Metric.LATENCY || worsening >= rules.minLatencyChangeMs());
        Integer minVersion = earlier.stream().map(Run::version).filter(Objects::nonNull).min(Integer::compare).orElse(null);
        Integer maxVersion = earlier.stream().map(Run::version).filter(Objects::nonNull).max(Integer::compare).orElse(null);
        return new Check(key, metric, run, value, earlier.size(), median, mad, minVersion, maxVersion,
                median > 0 ? value / median - 1 : null, regressed);
    }

    /** Series whose latest run is regressed, with the streak of regressed runs it ends. */
    static List<Regression> regressions(List<Run> runs, Rules rules) {
        Map<String, List<Check>> bySeriesAndMetric = new LinkedHashMap<>();
        for (Check c : checks(runs, rules)) {
            bySeriesAndMetric.computeIfAbsent(c.series() + "/" + c.metric(), k -> new ArrayList<>()).add(c);
        }
        List<Regression> out = new ArrayList<>();
        for (List<Check> inOrder : bySeriesAndMetric.values()) {
            Check latest = inOrder.get(inOrder.size() - 1);
            if (!latest.regressed()) {
                continue;
            }
            int first = inOrder.size() - 1;
            while (first > 0 && inOrder.get(first - 1).regressed()) {
                first--;
            }
            out.add(new Regression(latest.series(), latest.metric(), latest, inOrder.get(first).run(),
                    inOrder.size() - first));
        }
        return out;
    }

    /** cheapest_configuration(maxLatencyMs, requestsPerSecond) over all runs, one row per account, region and model. */
    static List<Cheapest> cheapest(List<Run> runs, double maxLatencyMs, int requestsPerSecond) {
        record Candidate(SeriesKey key, String basis, Integer instances, BigDecimal hourly, double latency, String note) {
        }
        Map<String, List<Run>> byModel = new LinkedHashMap<>();
        runs.stream().filter(Run::completed).forEach(r -> byModel.computeIfAbsent(
                r.site().label() + "/" + seriesOf(r).modelKind() + "/" + r.model(), k -> new ArrayList<>()).add(r));
        List<Cheapest> out = new ArrayList<>();
        for (List<Run> modelRuns : byModel.values()) {
            // the model package's newest benchmarked version only: the one you would deploy
            Integer newest = modelRuns.stream().map(Run::version).filter(Objects::nonNull).max(Integer::compare).orElse(null);
            List<Run> current = modelRuns.stream().filter(r -> Objects.equals(r.version(), newest)).toList();
            List<Candidate> fit = new ArrayList<>();
            series(current).forEach((key, inOrder) -> {
                double latency = median(inOrder.stream().map(r -> (double) r.latencyMs()).toList());
                double invocations = median(inOrder.stream().map(r -> (double) r.maxInvocations()).toList());
                BigDecimal hourly;
                Integer instances = null;
                String note;
                boolean servesTraffic;
                if (key.config().serverless()) {
                    // billed per request; cannot grow past the MaxInvocations of its MaxConcurrency
                    servesTraffic = requestsPerSecond * 60.0 <= invocations;
                    hourly = inOrder.get(0).costPerInference().multiply(BigDecimal.valueOf(requestsPerSecond * 3600L));
                    note = servesTraffic ? "serverless: CostPerInference x requests an hour"
                            : "serverless: the traffic is above the MaxInvocations benchmarked at this MaxConcurrency";
                } else {
                    instances = Math.max(1, BigDecimal.valueOf(requestsPerSecond * 60L)
                            .divide(new BigDecimal(Double.toString(invocations)), 0, RoundingMode.CEILING).intValueExact());
                    hourly = inOrder.get(0).costPerHour().multiply(BigDecimal.valueOf(instances));
                    servesTraffic = true;
                    note = null;
                }
                if (latency <= maxLatencyMs && servesTraffic) {
                    fit.add(new Candidate(key, key.config().serverless() ? "serverless" : "instances", instances, hourly,
                            latency, note));
                }
            });
            Comparator<Candidate> order = Comparator.comparing(Candidate::hourly).thenComparingDouble(Candidate::latency)
                    .thenComparing(Candidate::instances, Comparator.nullsLast(Comparator.naturalOrder()))
                    .thenComparing(c -> c.key().configuration());
            fit.sort(order);
            Run any = modelRuns.get(0);
            if (fit.isEmpty()) {
                out.add(new Cheapest(any.site().account(), any.site().region(), any.model(), newest, null, null, null, null,
                        null, 0, "no configuration meets both the latency target and the traffic"));
                continue;
            }
            Candidate best = fit.get(0);
            if (fit.size() > 1 && order.compare(best, fit.get(1)) == 0) {
                // the SQL would fall back to series_id, which this oracle does not compute: keep the scenario clear of it
                throw new IllegalStateException("the scenario has a tie the tie-breaks do not settle: " + fit);
            }
            out.add(new Cheapest(any.site().account(), any.site().region(), any.model(), newest,
                    best.key().config(), best.basis(), best.instances(), best.hourly(), best.latency(), fit.size(),
                    best.note()));
        }
        return out;
    }
}
