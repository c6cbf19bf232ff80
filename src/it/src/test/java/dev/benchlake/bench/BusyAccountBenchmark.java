package dev.benchlake.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.benchlake.emulator.EmulatorClock;
import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.emulator.ScenarioJob;
import dev.benchlake.it.ConnectHarness;
import dev.benchlake.it.TopicReader;

/**
 * Day two in a busy account: a backlog of finished jobs read by discovery while a few running jobs change every poll
 * interval, behind a per-operation quota, in three accounts: Benchlake alone; beside a neighbour (another caller
 * spending a share of every operation's quota, never backing off: the emulator's neighbour knob); with a share of calls
 * throttled at random whatever the rate (service load). Two more runs measure random throttles against the connector's
 * own ceiling: one behind a quota above that ceiling ({@code random-above}), one with no quota at all
 * ({@code random-free}). The emulator's clock is the wall clock.
 *
 * <p>Baselines, computed in the same run from the scenario: the floor, the backlog's step pages over the step-page
 * rate the quota leaves (the quota, less the neighbour's share, less what the running jobs' polls take; without a
 * quota, the ceiling); the poll interval for freshness. Each run ends with one line per goal of issue 21, met or not
 * met, against the figures of that run (the harness reports, it does not fail). Reported: time to the first step record in Kafka; the longest
 * delay of a running job's change (a step finishing → its COMPLETED record in Kafka, read committed) while the backlog
 * is read, in poll intervals; the backfill (every backlog step record in Kafka) over the floor; the share of calls
 * throttled; the step-page rate over the ceiling. Run by hand (no {@code install}: the reactor resolves the modules):
 *
 * <pre>
 * mvn -B -q -pl src/it -am test-compile -DskipTests &amp;&amp; mvn -B -q -pl src/it exec:exec -Dexec.executable=java \
 *     -Dexec.classpathScope=test -Dexec.args="-Xmx3g -cp %classpath dev.benchlake.bench.BusyAccountBenchmark"
 * </pre>
 *
 * Options, appended to {@code exec.args}: {@code --finished 2000 --steps 4 --running 5 --quota 5 --poll-ms 30000
 * --neighbour-share 0.25 --random-throttles 0.02 --above-quota 25 --runs alone,neighbour,random,random-above,random-free}
 * ({@code --above-quota}: the quota of the {@code random-above} run, by default twice the ceiling).
 */
public final class BusyAccountBenchmark {

    private static final String NAME = "busy";
    private static final String STEPS_OP = BackfillBenchmark.LIST_STEPS;

    private final int finished;
    private final int steps;
    private final int running;
    private final double quota;
    private final long pollMs;
    private final double neighbourShare;
    private final double randomThrottles;
    private final double aboveQuota;
    private final List<String> runs;
    private final List<String> report = new ArrayList<>();

    BusyAccountBenchmark(Map<String, String> args) {
        finished = Integer.parseInt(args.getOrDefault("finished", "2000"));
        steps = Integer.parseInt(args.getOrDefault("steps", "4"));
        running = Integer.parseInt(args.getOrDefault("running", "5"));
        quota = Double.parseDouble(args.getOrDefault("quota", "5"));
        pollMs = Long.parseLong(args.getOrDefault("poll-ms", "30000"));
        neighbourShare = Double.parseDouble(args.getOrDefault("neighbour-share", "0.25"));
        randomThrottles = Double.parseDouble(args.getOrDefault("random-throttles", "0.02"));
        aboveQuota = Double.parseDouble(args.getOrDefault("above-quota", Double.toString(2 * ceiling())));
        if (aboveQuota <= ceiling()) {
            throw new IllegalArgumentException("--above-quota must be above the ceiling, " + ceiling() + ": " + aboveQuota);
        }
        runs = List.of(args.getOrDefault("runs", "alone,neighbour,random,random-above,random-free").split(","));
    }

    public static void main(String[] argv) throws Exception {
        new BusyAccountBenchmark(Harness.options(argv)).run();
        System.exit(0);
    }

    /** What one run measured. */
    private record Result(String run, double floorS, double firstRecordS, double backfillS, double longestDelayMs,
            int changesMeasured, long throttled, long requests, double stepPagesPerSecond, double answeredPerSecond,
            double ceiling, Startup startup) {
    }

    /**
     * When the first step record waited for, in seconds from the connector's creation: its task RUNNING (the worker's
     * REST answer), the listing's first page answered, its last page answered (the pages the scenario's jobs fill), the
     * first step page answered (emulator counters, read every 200 ms); -1 if not seen.
     */
    private record Startup(double runningS, double firstListPageS, double listingDoneS, int listingPages,
            double firstStepPageS) {
    }

    void run() throws Exception {
        line("# Benchlake busy-account benchmark");
        line("");
        line("Scenario: %,d finished jobs of %d steps (the backlog, discovery on, one describe each) and %d running jobs "
                + "whose next step finishes every poll interval (poll.interval.ms=%d); quota %s calls/s on each of the "
                + "three operations, burst %d (random-above: %s, burst %d); api.max.requests.per.second.* = 2.5 × the "
                + "quota per operation. JVM %s, %d cores; load average at start %s.", finished, steps, running, pollMs,
                fmt(quota), burst(quota), fmt(aboveQuota), burst(aboveQuota),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), Harness.loadAverage());
        line("");
        List<Result> results = new ArrayList<>();
        for (String r : runs) {
            results.add(run(r.trim()));
        }
        line("| run | floor | first step record | longest running-job delay | backfill | throttled | step pages/s "
                + "(answered) |");
        line("|---|---:|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            line("| %s | %.1f s (baseline) | %.1f s | %.0f ms = **%.2f × the poll interval** (%d changes) | %.1f s = "
                    + "**%.3f × the floor** | %,d of %,d = %.2f %% | %.2f (%.2f) = %.2f (%.2f) × the ceiling |", r.run(),
                    r.floorS(), r.firstRecordS(), r.longestDelayMs(), r.longestDelayMs() / pollMs, r.changesMeasured(),
                    r.backfillS(), r.backfillS() / r.floorS(), r.throttled(), r.requests(),
                    100.0 * r.throttled() / r.requests(), r.stepPagesPerSecond(), r.answeredPerSecond(),
                    r.stepPagesPerSecond() / r.ceiling(), r.answeredPerSecond() / r.ceiling());
        }
        line("");
        line("| run | task RUNNING | first listing page | listing done (pages) | first step page | first step record |");
        line("|---|---:|---:|---:|---:|---:|");
        for (Result r : results) {
            Startup s = r.startup();
            line("| %s | %.1f s | %.1f s | %.1f s (%d) | %.1f s | %.1f s |", r.run(), s.runningS(), s.firstListPageS(),
                    s.listingDoneS(), s.listingPages(), s.firstStepPageS(), r.firstRecordS());
        }
        line("");
        line("Goals (issue 21), each against the figures of its own run:");
        line("");
        for (Result r : results) {
            goals(r);
        }
        line("");
        line("Load average at the end: %s.", Harness.loadAverage());
        Path out = Path.of("target", "busy-account-benchmark.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, String.join("\n", report) + "\n", StandardCharsets.UTF_8);
        System.out.println("written to " + out.toAbsolutePath());
    }

    private static int burst(double rate) {
        return Math.max(1, (int) Math.round(rate));
    }

    /** The connector's ceiling per operation: 2.5 × the quota it is not told. */
    private double ceiling() {
        return 2.5 * quota;
    }

    /** One line per goal of issue 21 that the run measures, met or not met. */
    private void goals(Result r) {
        goal(r.run(), "first step record within 10 s", r.firstRecordS() <= 10, "%.1f s", r.firstRecordS());
        goal(r.run(), "every running job's change in Kafka within 3 poll intervals", r.longestDelayMs() <= 3.0 * pollMs,
                "longest %.2f × the poll interval", r.longestDelayMs() / pollMs);
        double bound = r.run().equals("neighbour") ? 1.15 : 1.1;
        if (!r.run().equals("random-free")) {
            goal(r.run(), String.format(Locale.ROOT, "backfill ≤ %.2f × the floor", bound),
                    r.backfillS() <= bound * r.floorS(), "%.3f ×", r.backfillS() / r.floorS());
        }
        if (r.run().startsWith("random-")) {
            goal(r.run(), "mean step-page rate ≥ 80 % of the ceiling (answered calls)",
                    r.answeredPerSecond() >= 0.8 * r.ceiling(), "%.2f of %.2f/s = %.2f ×", r.answeredPerSecond(),
                    r.ceiling(), r.answeredPerSecond() / r.ceiling());
        }
    }

    private void goal(String run, String goal, boolean met, String format, Object... values) {
        line("- %s: %s: %s (%s)", run, goal, met ? "**met**" : "**NOT met**", String.format(Locale.ROOT, format, values));
    }

    private Result run(String run) throws Exception {
        boolean withQuota = !run.equals("random-free");
        double runQuota = run.equals("random-above") ? aboveQuota : quota;
        double neighbour = run.equals("neighbour") ? neighbourShare * quota : 0;
        double random = run.startsWith("random") ? randomThrottles : 0;
        double ceiling = ceiling();
        // the backlog: finished long before the run, one per second; the running jobs start with the run
        Duration startAt = Duration.ofSeconds(finished + 3_600L);
        double pollsPerSecond = running * 1000.0 / pollMs;
        double stepPagesLeft = (withQuota ? Math.min(runQuota - neighbour, ceiling) : ceiling) - pollsPerSecond;
        double floorS = finished / stepPagesLeft;
        int liveSteps = (int) Math.ceil(3 * floorS * 1000 / pollMs) + 3;
        Fixtures.BenchmarkJobs done = Fixtures.benchmarkJobs("done", finished, steps).createdEvery(Duration.ofSeconds(1));
        Fixtures.BenchmarkJobs live = Fixtures.benchmarkJobs("live", running, liveSteps).startAt(startAt)
                .createdEvery(Duration.ofMillis(pollMs / Math.max(1, running))).stepStagger(Duration.ofMillis(pollMs))
                .stepDuration(Duration.ofMillis(pollMs));
        List<ScenarioJob> jobs = new ArrayList<>(done.build());
        jobs.addAll(live.build());
        // scenario ms at which each running job's step finishes, by its endpoint name (unique per step)
        Map<String, Long> finishesAtMs = new HashMap<>();
        Map<String, String> jobOf = new HashMap<>();
        for (int i = 0; i < running; i++) {
            for (int k = 0; k < liveSteps; k++) {
                String endpoint = "sm-epc-" + live.jobName(i) + "-" + k;
                finishesAtMs.put(endpoint, startAt.toMillis() + i * (pollMs / Math.max(1, running)) + (k + 1) * pollMs);
                jobOf.put(endpoint, live.jobName(i));
            }
        }
        Scenario scenario = Scenario.builder().jobs(jobs).build();
        long startNanos = System.nanoTime();
        try (SageMakerEmulator emulator = SageMakerEmulator.start(scenario, EmulatorClock.scaled(startAt, 1.0));
             ConnectHarness harness = ConnectHarness.start("benchlake-busy-" + run, 1, Map.of());
             TopicReader records = new TopicReader(harness.bootstrapServers(), NAME + ".steps", true)) {
            if (withQuota) {
                for (String op : BackfillBenchmark.OPERATIONS) {
                    emulator.faults().quota(op, runQuota, burst(runQuota));
                }
                emulator.faults().neighbour(neighbour);
            }
            emulator.faults().throttleRate(random);
            Map<String, String> props = ConnectHarness.connectorConfig(emulator, NAME);
            props.remove("job.names");
            props.remove("terminal.grace.period.ms");
            props.put("discovery.enabled", "true");
            props.put("discovery.interval.ms", Long.toString(pollMs));
            props.put("poll.interval.ms", Long.toString(pollMs));
            props.put("page.size", "100");
            props.put("api.max.requests.per.second", Double.toString(3 * ceiling));
            props.put("api.max.requests.per.second.list.steps", Double.toString(ceiling));
            props.put("api.max.requests.per.second.describe", Double.toString(ceiling));
            props.put("api.max.requests.per.second.list.jobs", Double.toString(ceiling));
            harness.connect().kafka().createTopic(NAME + ".steps");
            harness.connect().kafka().createTopic(NAME + ".jobs");
            emulator.resetCounters();
            long connectorNanos = System.nanoTime();
            harness.startConnector(NAME, props);
            double runningS = (System.nanoTime() - connectorNanos) / 1e9;
            int listingPages = (int) Math.ceil((finished + running) / 100.0);
            double firstListPageS = -1;
            double listingDoneS = -1;
            double firstStepPageS = -1;

            long backlogRecords = (long) finished * steps;
            double firstRecordS = -1;
            double backfillS = -1;
            double longestDelayMs = 0;
            int measured = 0;
            Map<String, Long> seenCompleted = new HashMap<>();
            Map<String, Long> firstSeenMs = new HashMap<>();
            int seen = 0;
            long backlogSeen = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos((long) (floorS * 3) + 600);
            long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (backfillS < 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(run + ": " + backlogSeen + " of " + backlogRecords
                            + " backlog step records after " + (floorS * 3 + 600) + " s");
                }
                List<TopicReader.Rec> all = records.drain();
                long nowNanos = System.nanoTime();
                double sinceConnectorS = (nowNanos - connectorNanos) / 1e9;
                long scenarioNowMs = startAt.toMillis() + (nowNanos - startNanos) / 1_000_000;
                long listed = emulator.counters().answered(BackfillBenchmark.LIST_JOBS);
                if (firstListPageS < 0 && listed > 0) {
                    firstListPageS = sinceConnectorS;
                }
                if (listingDoneS < 0 && listed >= listingPages) {
                    listingDoneS = sinceConnectorS;
                }
                if (firstStepPageS < 0 && emulator.counters().answered(STEPS_OP) > 0) {
                    firstStepPageS = sinceConnectorS;
                }
                for (TopicReader.Rec r : all.subList(seen, all.size())) {
                    if (firstRecordS < 0) {
                        firstRecordS = sinceConnectorS;
                    }
                    String job = r.text("job_name");
                    if (job.startsWith("done-")) {
                        backlogSeen++;
                    } else {
                        // freshness counts from the job's first record on: before it, the job was not read yet
                        firstSeenMs.putIfAbsent(job, scenarioNowMs);
                    }
                    if (!job.startsWith("done-") && "COMPLETED".equals(r.text("status"))) {
                        String endpoint = r.text("endpoint_name");
                        Long finishes = finishesAtMs.get(endpoint);
                        if (finishes != null && finishes > firstSeenMs.get(job)
                                && seenCompleted.putIfAbsent(endpoint, scenarioNowMs) == null) {
                            longestDelayMs = Math.max(longestDelayMs, scenarioNowMs - finishes);
                            measured++;
                        }
                    }
                }
                seen = all.size();
                if (backlogSeen >= backlogRecords) {
                    backfillS = sinceConnectorS;
                }
                // a change that finished over three intervals ago and is still not in Kafka counts too
                for (Map.Entry<String, Long> e : finishesAtMs.entrySet()) {
                    Long jobSeen = firstSeenMs.get(jobOf.get(e.getKey()));
                    if (jobSeen != null && e.getValue() > jobSeen && !seenCompleted.containsKey(e.getKey())
                            && e.getValue() < scenarioNowMs) {
                        longestDelayMs = Math.max(longestDelayMs, scenarioNowMs - e.getValue());
                    }
                }
                if (nowNanos > nextReport) {
                    System.out.printf(Locale.ROOT, "%s %5.0f s: backlog %,d of %,d; running changes %d; longest delay "
                            + "%.0f ms; answered %d, throttled %d%n", run, sinceConnectorS, backlogSeen, backlogRecords,
                            measured, longestDelayMs, emulator.counters().answered(STEPS_OP),
                            emulator.counters().throttled(STEPS_OP));
                    nextReport += TimeUnit.SECONDS.toNanos(30);
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
            long throttled = 0;
            long requests = 0;
            for (String op : BackfillBenchmark.OPERATIONS) {
                throttled += emulator.counters().throttled(op);
                requests += emulator.counters().throttled(op) + emulator.counters().answered(op);
            }
            double stepPages = (emulator.counters().throttled(STEPS_OP) + emulator.counters().answered(STEPS_OP)) / backfillS;
            double answeredPages = emulator.counters().answered(STEPS_OP) / backfillS;
            System.out.printf(Locale.ROOT, "%s: first record %.1f s, backfill %.1f s (floor %.1f s), longest delay %.0f "
                    + "ms%n", run, firstRecordS, backfillS, floorS, longestDelayMs);
            return new Result(run, floorS, firstRecordS, backfillS, longestDelayMs, measured, throttled, requests,
                    stepPages, answeredPages, ceiling,
                    new Startup(runningS, firstListPageS, listingDoneS, listingPages, firstStepPageS));
        }
    }

    private void line(String format, Object... values) {
        String s = String.format(Locale.ROOT, format, values);
        report.add(s);
        System.out.println(s);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
