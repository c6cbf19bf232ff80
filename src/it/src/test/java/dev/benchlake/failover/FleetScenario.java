package dev.benchlake.failover;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import dev.benchlake.discovery.JobShard;
import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.Scenario;

/**
 * The failover tests' scenario: 40 jobs of 8 benchmark steps, created together at scenario time 0. Step {@code k}
 * appears IN_PROGRESS at {@code 10 k} s and ends {@code 100} s later, COMPLETED, or FAILED for every 10th step overall.
 * The tests move the emulator's clock in three big steps and wait for each to be read completely, so what must land
 * in Kafka is known exactly:
 * <ol>
 *   <li>{@code t = 75 s}: every step exists, none has ended: 320 IN_PROGRESS versions;</li>
 *   <li>{@code t = 135 s}: steps 0..3 of each job have ended: 160 terminal versions;</li>
 *   <li>{@code t = 200 s}: steps 4..7 have ended too (160 more) and every job is COMPLETED, so each is closed.</li>
 * </ol>
 */
final class FleetScenario {

    static final String PREFIX = "fleet";
    static final int JOBS = 40;
    static final int STEPS = 8;
    static final int FAIL_EVERY = 10;
    static final Duration STAGGER = Duration.ofSeconds(10);
    static final Duration STEP_DURATION = Duration.ofSeconds(100);
    /** Scenario time of each stage, in seconds. */
    static final List<Long> STAGE_SECONDS = List.of(75L, 135L, 200L);

    /** One version of one step as it must arrive: which step (by its endpoint) and with which status. */
    record Version(String jobName, String endpoint, String status) {
        boolean terminal() {
            return !"IN_PROGRESS".equals(status);
        }
    }

    private FleetScenario() {
    }

    static Fixtures.BenchmarkJobs spec() {
        return Fixtures.benchmarkJobs(PREFIX, JOBS, STEPS).stepStagger(STAGGER).stepDuration(STEP_DURATION)
                .failEvery(FAIL_EVERY);
    }

    static Scenario scenario() {
        return Scenario.builder().jobs(spec().build()).build();
    }

    static String jobName(int i) {
        return spec().jobName(i);
    }

    /** The versions that appear at stage {@code stage} (0-based) and were not there at the stage before. */
    static Set<Version> newAt(int stage) {
        Set<Version> out = new HashSet<>();
        long t = STAGE_SECONDS.get(stage) * 1000;
        long before = stage == 0 ? -1 : STAGE_SECONDS.get(stage - 1) * 1000;
        for (int i = 0; i < JOBS; i++) {
            for (int k = 0; k < STEPS; k++) {
                Version now = versionAt(i, k, t);
                if (now != null && !now.equals(before < 0 ? null : versionAt(i, k, before))) {
                    out.add(now);
                }
            }
        }
        return out;
    }

    /** Every version of every stage up to and including {@code stage}. */
    static Set<Version> upTo(int stage) {
        Set<Version> out = new HashSet<>();
        for (int s = 0; s <= stage; s++) {
            out.addAll(newAt(s));
        }
        return out;
    }

    /** The version of job i's step k at scenario time t (ms), by the rules Fixtures documents; null before it exists. */
    static Version versionAt(int i, int k, long t) {
        long appear = k * STAGGER.toMillis();
        long end = appear + STEP_DURATION.toMillis();
        if (t < appear) {
            return null;
        }
        String job = jobName(i);
        String endpoint = "sm-epc-" + job + "-" + k;
        if (t < end) {
            return new Version(job, endpoint, "IN_PROGRESS");
        }
        // Fixtures counts steps over all jobs from 1: job i's step k is number i * STEPS + k + 1
        boolean failed = ((long) i * STEPS + k + 1) % FAIL_EVERY == 0;
        return new Version(job, endpoint, failed ? "FAILED" : "COMPLETED");
    }

    /** Jobs of task {@code task} of {@code tasks}, by the connector's own sharding. */
    static Set<String> shard(int task, int tasks) {
        Set<String> out = new HashSet<>();
        for (int i = 0; i < JOBS; i++) {
            if (JobShard.of(jobName(i), tasks) == task) {
                out.add(jobName(i));
            }
        }
        return out;
    }
}
