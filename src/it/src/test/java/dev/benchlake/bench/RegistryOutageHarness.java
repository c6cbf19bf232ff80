package dev.benchlake.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.benchlake.warehouse.RegistryOutageScenario;

/**
 * Issue 22's registry outage with the shipped settings (config/benchlake-source.json: exactly-once with
 * {@code transaction.boundary=connector}; config/benchlake-sink-postgres.json; no timeout shortened) and a long outage
 * (10 minutes by default): the registry paused, and refusing connections, each under exactly-once and at-least-once
 * side by side, the jobs' steps completing and one sink restarted during it ({@link RegistryOutageScenario} checks
 * every task RUNNING throughout, every step version in Kafka exactly once, read_committed, and in PostgreSQL, the
 * dead-letter topics empty). Run by hand (docs/outages.md):
 * <pre>
 * ... dev.benchlake.bench.RegistryOutageHarness --minutes 10 --modes paused,refused
 * </pre>
 * Exits 1 when a check fails.
 */
public final class RegistryOutageHarness {

    private RegistryOutageHarness() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> options = Harness.options(argv);
        Duration outage = Duration.ofMinutes(Long.parseLong(options.getOrDefault("minutes", "10")));
        List<String> modes = List.of(options.getOrDefault("modes", "paused,refused").split(","));
        System.out.printf("RegistryOutageHarness: %s, outage %d min, modes %s, load %s%n", Instant.now(), outage.toMinutes(),
                modes, Harness.loadAverage());
        boolean failed = false;
        long begun = System.nanoTime();
        try (RegistryOutageScenario scenario = RegistryOutageScenario.start("registry-outage-shipped",
                RegistryOutageScenario.Settings.shipped(outage))) {
            for (String mode : modes) {
                long started = System.nanoTime();
                try {
                    RegistryOutageScenario.Result r = "paused".equals(mode) ? scenario.paused() : scenario.refused();
                    report(r, Duration.ofNanos(System.nanoTime() - started));
                } catch (AssertionError | RuntimeException e) {
                    failed = true;
                    System.out.printf("RESULT %s: FAILED after %d s: %s%n", mode,
                            Duration.ofNanos(System.nanoTime() - started).toSeconds(), e);
                }
            }
        }
        System.out.printf("RegistryOutageHarness: %s after %d s, load %s%n", failed ? "FAILED" : "passed",
                Duration.ofNanos(System.nanoTime() - begun).toSeconds(), Harness.loadAverage());
        System.exit(failed ? 1 : 0);
    }

    private static void report(RegistryOutageScenario.Result r, Duration took) {
        System.out.printf("RESULT %s: passed; outage %d s, every row landed %d s after it, run %d s; %d task states "
                        + "sampled, not RUNNING: %s; restarted sink %s retried %d times%n", r.mode(), r.outageSeconds(),
                r.recoverySeconds(), took.toSeconds(), r.taskSamples(), r.notRunning().stream().distinct().toList(), r.restartedSink(),
                r.restartedSinkRetries());
        for (RegistryOutageScenario.Landed p : r.pipelines()) {
            System.out.printf("RESULT %s %s: %d step versions in Kafka (read_committed), %d duplicated; %d rows in "
                            + "PostgreSQL, %d at their last version; %d dead-lettered%n", r.mode(), p.prefix(), p.versions(),
                    p.duplicates(), p.rows(), p.terminalRows(), p.deadLettered());
        }
    }
}
