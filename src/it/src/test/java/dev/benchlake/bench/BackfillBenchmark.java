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
import java.util.function.LongSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;

import dev.benchlake.emulator.Counters;
import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.it.ConnectHarness;

/**
 * A backfill against an account's API quota: finished jobs behind a token bucket per operation on the emulator (as
 * SageMaker throttles each operation separately), read by Benchlake with discovery on, through one in-process Connect
 * worker. The baseline is the floor the quota sets, computed in the same run: one ListSteps page per 100 steps per
 * job, at the quota's rate. Reported as ratios: time to the last step record in Kafka over that floor, the share of
 * calls throttled, and the calls answered over the minimum (one listing pass per task, one describe per job when
 * wanted, the step pages). Run by hand, not by {@code mvn verify}:
 *
 * <pre>
 * mvn -B -DskipTests install &amp;&amp; mvn -B -pl src/it test-compile exec:exec -Dexec.executable=java \
 *     -Dexec.classpathScope=test -Dexec.args="-Xmx2g -cp %classpath dev.benchlake.bench.BackfillBenchmark"
 * </pre>
 *
 * Options, appended to {@code exec.args}: {@code --jobs 1000 --steps 4 --quota 2 --burst <quota> --tasks 1
 * --ceiling <2.5 x quota> --describe true}. {@code --ceiling} is {@code api.max.requests.per.second} (the connector's
 * default, 5, is 2.5 times a quota of 2/s): the connector does not know the quota and must find it.
 */
public final class BackfillBenchmark {

    static final String LIST_STEPS = "ListInferenceRecommendationsJobSteps";
    static final String LIST_JOBS = "ListInferenceRecommendationsJobs";
    static final String DESCRIBE = "DescribeInferenceRecommendationsJob";
    static final List<String> OPERATIONS = List.of(LIST_JOBS, DESCRIBE, LIST_STEPS);
    static final String NAME = "backfill";
    private static final int PAGE_SIZE = 100;

    private final int jobs;
    private final int steps;
    private final double quota;
    private final int burst;
    private final int tasks;
    private final double ceiling;
    private final boolean describe;
    private final List<String> report = new ArrayList<>();

    BackfillBenchmark(Map<String, String> args) {
        jobs = Integer.parseInt(args.getOrDefault("jobs", "1000"));
        steps = Integer.parseInt(args.getOrDefault("steps", "4"));
        quota = Double.parseDouble(args.getOrDefault("quota", "2"));
        burst = Integer.parseInt(args.getOrDefault("burst", Long.toString(Math.max(1, Math.round(quota)))));
        tasks = Integer.parseInt(args.getOrDefault("tasks", "1"));
        ceiling = Double.parseDouble(args.getOrDefault("ceiling", Double.toString(2.5 * quota)));
        describe = Boolean.parseBoolean(args.getOrDefault("describe", "true"));
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = Harness.options(argv);
        new BackfillBenchmark(args).run();
        System.exit(0);
    }

    /** What the emulator counted for the three operations at one moment. */
    private record Calls(Map<String, Long> requests, Map<String, Long> answered, Map<String, Long> throttled) {
        static Calls of(Counters c) {
            Map<String, Long> requests = new HashMap<>();
            Map<String, Long> answered = new HashMap<>();
            Map<String, Long> throttled = new HashMap<>();
            for (String op : OPERATIONS) {
                // throttled first: a request counted between the two reads shows as answered, never twice
                throttled.put(op, c.throttled(op));
                answered.put(op, c.answered(op));
                requests.put(op, answered.get(op) + throttled.get(op));
            }
            return new Calls(requests, answered, throttled);
        }

        long total(Map<String, Long> counts) {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }

        double throttledShare() {
            return (double) total(throttled) / total(requests);
        }
    }

    void run() throws Exception {
        Duration createdEvery = Duration.ofMinutes(1);
        Scenario scenario = Scenario.builder()
                .jobs(Fixtures.benchmarkJobs("backfill", jobs, steps).createdEvery(createdEvery).build()).build();
        // every job finished: the last one a day before the scenario's now (itself months before the wall clock)
        ManualClock clock = new ManualClock().set(createdEvery.multipliedBy(jobs).plus(Duration.ofDays(1)));
        long stepRecords = (long) jobs * steps;
        long pages = (long) jobs * ((steps + PAGE_SIZE - 1) / PAGE_SIZE);
        long listingPages = (jobs + 99) / 100;
        long minimum = tasks * listingPages + (describe ? jobs : 0) + pages;
        double floorSeconds = pages / quota;

        try (SageMakerEmulator emulator = SageMakerEmulator.start(scenario, clock);
             ConnectHarness harness = ConnectHarness.start("benchlake-backfill", 1, Map.of());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.bootstrapServers()))) {
            line("# Benchlake backfill benchmark");
            line("");
            line("Scenario: %,d finished jobs of %d steps, discovery on (describe %s), %d task(s), page.size=%d, "
                    + "api.max.requests.per.second=%s (per-operation ceilings unset), defaults otherwise "
                    + "(poll.interval.ms 60000, terminal.grace.period.ms 60000; discovery.interval.ms 3600000: one "
                    + "listing in the run); emulator quota per operation: %s calls/s, burst %d, on each of the three "
                    + "operations. JVM %s, %d cores.", jobs, steps, describe, tasks, PAGE_SIZE, fmt(ceiling), fmt(quota),
                    burst, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
            line("");
            line("Load average (1/5/15 min) at start: %s.", Harness.loadAverage());
            line("");
            for (String op : OPERATIONS) {
                emulator.faults().quota(op, quota, burst);
            }
            Map<String, String> props = ConnectHarness.connectorConfig(emulator, NAME);
            props.remove("job.names");
            props.remove("poll.interval.ms");
            props.remove("terminal.grace.period.ms");
            props.put("discovery.enabled", "true");
            props.put("discovery.interval.ms", "3600000");
            props.put("discovery.describe.jobs", Boolean.toString(describe));
            props.put("tasks.max", Integer.toString(tasks));
            props.put("page.size", Integer.toString(PAGE_SIZE));
            props.put("api.max.requests.per.second", Double.toString(ceiling));
            TopicPartition stepsTp = new TopicPartition(NAME + ".steps", 0);
            TopicPartition jobsTp = new TopicPartition(NAME + ".jobs", 0);
            harness.connect().kafka().createTopic(stepsTp.topic());
            harness.connect().kafka().createTopic(jobsTp.topic());
            emulator.resetCounters();

            long start = System.nanoTime();
            harness.connect().configureConnector(NAME, props);
            Duration limit = Duration.ofSeconds((long) (floorSeconds * 3) + 300);
            waitFor("every step record in Kafka", limit, start, () -> Harness.endOffset(admin, stepsTp), stepRecords, emulator);
            double lastStepSeconds = (System.nanoTime() - start) / 1e9;
            Calls atLastStep = Calls.of(emulator.counters());
            // one job record per job, the one that closes it (with its input configuration, when described)
            waitFor("every job closed", limit, start, () -> Harness.endOffset(admin, jobsTp), jobs, emulator);
            double closedSeconds = (System.nanoTime() - start) / 1e9;
            Calls atClosed = Calls.of(emulator.counters());

            line("| figure | value | ratio |");
            line("|---|---|---|");
            line("| floor: %,d step pages ÷ %s calls/s | %.1f s | baseline |", pages, fmt(quota), floorSeconds);
            line("| time to the last step record in Kafka (connector created → %,d step records) | %.1f s | "
                    + "**%.3f × the floor** |", stepRecords, lastStepSeconds, lastStepSeconds / floorSeconds);
            line("| time until every job was closed (%,d job records) | %.1f s | %.3f × the floor |", jobs, closedSeconds,
                    closedSeconds / floorSeconds);
            line("| calls throttled, until the last step record | %,d of %,d | **%.2f %%** |",
                    atLastStep.total(atLastStep.throttled()), atLastStep.total(atLastStep.requests()),
                    100 * atLastStep.throttledShare());
            line("| calls throttled, until every job was closed | %,d of %,d | **%.2f %%** |",
                    atClosed.total(atClosed.throttled()), atClosed.total(atClosed.requests()), 100 * atClosed.throttledShare());
            line("| minimum calls: %d listing page(s) × %d task(s) + %,d describes + %,d step pages | %,d | baseline |",
                    listingPages, tasks, describe ? jobs : 0, pages, minimum);
            line("| calls answered, until every job was closed | %,d | **%.3f × the minimum** |",
                    atClosed.total(atClosed.answered()), (double) atClosed.total(atClosed.answered()) / minimum);
            line("");
            line("| operation | answered | throttled | throttled share |");
            line("|---|---:|---:|---:|");
            for (String op : OPERATIONS) {
                long requests = atClosed.requests().get(op);
                line("| %s | %,d | %,d | %.2f %% |", op, atClosed.answered().get(op), atClosed.throttled().get(op),
                        requests == 0 ? 0.0 : 100.0 * atClosed.throttled().get(op) / requests);
            }
            line("");
            line("Load average (1/5/15 min) at the end: %s.", Harness.loadAverage());
        }
        Path out = Path.of("target", "backfill-benchmark.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, String.join("\n", report) + "\n", StandardCharsets.UTF_8);
        System.out.println("written to " + out.toAbsolutePath());
    }

    /** Waits until {@code value} reaches {@code target}, printing progress every 30 s. */
    private static void waitFor(String what, Duration limit, long startNanos, LongSupplier value, long target,
            SageMakerEmulator emulator) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        long nextReport = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        long v;
        while ((v = value.getAsLong()) < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(what + ": " + v + " of " + target + " after " + limit);
            }
            if (System.nanoTime() > nextReport) {
                Calls c = Calls.of(emulator.counters());
                System.out.printf(Locale.ROOT, "%5.0f s: %s %,d of %,d; answered %s, throttled %s%n",
                        (System.nanoTime() - startNanos) / 1e9, what, v, target, c.answered(), c.throttled());
                nextReport += TimeUnit.SECONDS.toNanos(30);
            }
            TimeUnit.MILLISECONDS.sleep(50);
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
