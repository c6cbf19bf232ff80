package dev.benchlake.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.benchlake.emulator.EmulatorClock;
import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.it.ConnectHarness;
import dev.benchlake.it.TopicReader;

/**
 * How fresh the step records are in the steady state: running jobs whose benchmark steps finish at known moments, on an
 * emulator whose clock is the wall clock, behind a per-operation quota the connector stays under; for every step, the
 * time from its finishing to its COMPLETED record in Kafka (read committed). The baseline is the poll interval: a
 * running job is read once per interval, so a change waits at most that long, plus the call. Run by hand:
 *
 * <pre>
 * mvn -B -DskipTests install &amp;&amp; mvn -B -pl src/it test-compile exec:exec -Dexec.executable=java \
 *     -Dexec.classpathScope=test -Dexec.args="-cp %classpath dev.benchlake.bench.FreshnessBenchmark"
 * </pre>
 *
 * Options, appended to {@code exec.args}: {@code --jobs 50 --steps 4 --poll-ms 10000 --quota 10}.
 */
public final class FreshnessBenchmark {

    private static final String NAME = "fresh";
    /** When the first step finishes: after the first passes, so that what is measured is the steady state. */
    private static final Duration FIRST_FINISH = Duration.ofSeconds(30);
    private static final Duration STEP_STAGGER = Duration.ofSeconds(7);

    private final int jobs;
    private final int steps;
    private final long pollMs;
    private final double quota;
    private final List<String> report = new ArrayList<>();

    FreshnessBenchmark(Map<String, String> args) {
        jobs = Integer.parseInt(args.getOrDefault("jobs", "50"));
        steps = Integer.parseInt(args.getOrDefault("steps", "4"));
        pollMs = Long.parseLong(args.getOrDefault("poll-ms", "10000"));
        quota = Double.parseDouble(args.getOrDefault("quota", "10"));
    }

    public static void main(String[] argv) throws Exception {
        new FreshnessBenchmark(Harness.options(argv)).run();
        System.exit(0);
    }

    void run() throws Exception {
        // job i is created at i x 173 ms, step k appears 7 s after step k-1 and runs 30 s: finishing moments spread
        Duration createdEvery = Duration.ofMillis(173);
        Fixtures.BenchmarkJobs fleet = Fixtures.benchmarkJobs(NAME, jobs, steps).createdEvery(createdEvery)
                .stepStagger(STEP_STAGGER).stepDuration(FIRST_FINISH);
        Scenario scenario = Scenario.builder().jobs(fleet.build()).build();
        double pagesPerSecond = (double) jobs / (pollMs / 1000.0);
        EmulatorClock clock = EmulatorClock.realTime();
        long scenarioStartNanos = System.nanoTime();
        try (SageMakerEmulator emulator = SageMakerEmulator.start(scenario, clock);
             ConnectHarness harness = ConnectHarness.start("benchlake-freshness", 1, Map.of());
             TopicReader records = new TopicReader(harness.bootstrapServers(), NAME + ".steps", true)) {
            for (String op : BackfillBenchmark.OPERATIONS) {
                emulator.faults().quota(op, quota, Math.max(1, (int) Math.round(quota)));
            }
            Map<String, String> props = ConnectHarness.connectorConfig(emulator, NAME);
            props.remove("job.names");
            props.put("discovery.enabled", "true");
            props.put("discovery.interval.ms", "3600000");
            props.put("poll.interval.ms", Long.toString(pollMs));
            props.put("page.size", "100");
            props.put("api.max.requests.per.second", Double.toString(2.5 * quota));
            harness.connect().kafka().createTopic(NAME + ".steps");
            harness.startConnector(NAME, props);

            // scenario ms at which each step finished, by endpoint name (unique per step)
            Map<String, Long> finishedAtMs = new HashMap<>();
            for (int i = 0; i < jobs; i++) {
                for (int k = 0; k < steps; k++) {
                    long at = i * createdEvery.toMillis() + k * STEP_STAGGER.toMillis() + FIRST_FINISH.toMillis();
                    finishedAtMs.put("sm-epc-" + fleet.jobName(i) + "-" + k, at);
                }
            }
            Map<String, Long> delayMs = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofMillis(fleet.jobCompletedAtMillis(jobs - 1) + 4 * pollMs + 60_000)
                    .toNanos();
            int seen = 0;
            while (delayMs.size() < finishedAtMs.size()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + delayMs.size() + " of " + finishedAtMs.size()
                            + " steps arrived COMPLETED");
                }
                List<TopicReader.Rec> all = records.drain();
                long nowScenarioMs = (System.nanoTime() - scenarioStartNanos) / 1_000_000;
                for (TopicReader.Rec r : all.subList(seen, all.size())) {
                    String endpoint = r.text("endpoint_name");
                    if ("COMPLETED".equals(r.text("status")) && finishedAtMs.containsKey(endpoint)) {
                        delayMs.putIfAbsent(endpoint, nowScenarioMs - finishedAtMs.get(endpoint));
                    }
                }
                seen = all.size();
            }
            List<Long> delays = new ArrayList<>(delayMs.values());
            Collections.sort(delays);
            long max = delays.get(delays.size() - 1);
            line("# Benchlake freshness benchmark");
            line("");
            line("Scenario: %d running jobs of %d steps, finishing one by one from %d s on; poll.interval.ms=%d; quota "
                    + "%s calls/s per operation (%.1f step pages/s needed: under it); JVM %s, %d cores.", jobs, steps,
                    FIRST_FINISH.toSeconds(), pollMs, quota, pagesPerSecond, System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors());
            line("");
            line("| figure | value | ratio |");
            line("|---|---:|---|");
            line("| poll interval | %d ms | baseline |", pollMs);
            line("| steps measured | %d | |", delays.size());
            line("| median delay, step finished → COMPLETED record in Kafka | %d ms | %.3f × the interval |",
                    delays.get(delays.size() / 2), delays.get(delays.size() / 2) / (double) pollMs);
            line("| 99th percentile | %d ms | %.3f × the interval |", delays.get((int) (delays.size() * 0.99)),
                    delays.get((int) (delays.size() * 0.99)) / (double) pollMs);
            line("| longest | %d ms | **%.3f × the interval** (goal: ≤ interval + 1 s = %.3f ×) |", max,
                    max / (double) pollMs, (pollMs + 1000) / (double) pollMs);
            line("| throttled calls | %d of %d | |", emulator.counters().throttled(BackfillBenchmark.LIST_STEPS),
                    emulator.counters().throttled(BackfillBenchmark.LIST_STEPS)
                            + emulator.counters().answered(BackfillBenchmark.LIST_STEPS));
        }
        Path out = Path.of("target", "freshness-benchmark.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, String.join("\n", report) + "\n", StandardCharsets.UTF_8);
        System.out.println("written to " + out.toAbsolutePath());
    }

    private void line(String format, Object... values) {
        String s = String.format(Locale.ROOT, format, values);
        report.add(s);
        System.out.println(s);
    }
}
