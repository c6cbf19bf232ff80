package dev.benchlake.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.InferenceRecommendationsJob;
import software.amazon.awssdk.services.sagemaker.model.ListInferenceRecommendationsJobsResponse;

import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.emulator.ScenarioJob;
import dev.benchlake.it.ConnectHarness;

/**
 * The scale benchmark (not a test; see docs/scale.md for the command and the figures): the connector with discovery on
 * an in-process Connect cluster (one worker, {@code --tasks} tasks) against the SageMaker emulator serving
 * {@code --history} finished jobs and {@code --active} running ones of {@code --steps} steps each. It measures
 * <ol>
 *   <li>the backlog: time until every step version and every finished job's closing record is in Kafka, with the API
 *       calls it took against the minimum, and against a bare SDK loop making the minimum calls (same run);</li>
 *   <li>heap: used heap after full GCs before the connector, with it running (backlog read, everything closed), and
 *       after it is deleted; the difference divided by the task count is the heap per task;</li>
 *   <li>steady state: API calls per poll cycle over {@code --cycles} poll intervals, per operation, against the
 *       minimum (one step page per active job per cycle, as each job's steps fit a page, plus one discovery page per
 *       task per discovery interval), and the calls made for closed jobs (must be zero).</li>
 * </ol>
 * Prints a Markdown report and writes it to {@code target/scale-benchmark.md}.
 */
public final class ScaleBenchmark {

    static final String LIST_STEPS = "ListInferenceRecommendationsJobSteps";
    static final String LIST_JOBS = "ListInferenceRecommendationsJobs";
    static final String DESCRIBE = "DescribeInferenceRecommendationsJob";
    static final String NAME = "scale";

    private final int history;
    private final int active;
    private final int steps;
    private final int tasks;
    private final int cycles;
    private final long pollIntervalMs;
    private final int pageSize;
    private final double apiRate;
    private final long graceMs;
    private final List<String> report = new ArrayList<>();

    ScaleBenchmark(Map<String, String> args) {
        history = Integer.parseInt(args.getOrDefault("history", "9800"));
        active = Integer.parseInt(args.getOrDefault("active", "200"));
        steps = Integer.parseInt(args.getOrDefault("steps", "8"));
        tasks = Integer.parseInt(args.getOrDefault("tasks", "4"));
        cycles = Integer.parseInt(args.getOrDefault("cycles", "6"));
        pollIntervalMs = Long.parseLong(args.getOrDefault("poll-interval-ms", "5000"));
        pageSize = Integer.parseInt(args.getOrDefault("page-size", "100"));
        apiRate = Double.parseDouble(args.getOrDefault("api-rate", "1000"));
        graceMs = Long.parseLong(args.getOrDefault("grace-ms", "10000"));
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = Harness.options(argv);
        new ScaleBenchmark(args).run();
        System.exit(0);
    }

    private void line(String format, Object... values) {
        String s = String.format(Locale.ROOT, format, values);
        report.add(s);
        System.out.println(s);
    }

    void run() throws Exception {
        long historySpacingMs = 60_000;
        long activeSpacingMs = 30_000;
        Fixtures.BenchmarkJobs hist = Fixtures.benchmarkJobs("hist", history, steps)
                .createdEvery(Duration.ofMillis(historySpacingMs)).failEvery(13);
        long activeStart = history * historySpacingMs;
        Fixtures.BenchmarkJobs live = Fixtures.benchmarkJobs("live", active, steps).startAt(Duration.ofMillis(activeStart))
                .createdEvery(Duration.ofMillis(activeSpacingMs)).stepDuration(Duration.ofDays(30));
        List<ScenarioJob> jobs = new ArrayList<>(hist.build());
        jobs.addAll(live.build());
        Scenario scenario = Scenario.builder().jobs(jobs).build();
        ManualClock clock = new ManualClock().set(Duration.ofMillis(activeStart + active * activeSpacingMs + 1_000));
        int totalJobs = history + active;
        long stepRecords = (long) totalJobs * steps;

        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (SageMakerEmulator emulator = SageMakerEmulator.start(scenario, clock);
             ConnectHarness harness = ConnectHarness.start("benchlake-scale", 1, Map.of());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.bootstrapServers()))) {
            line("# Benchlake scale benchmark");
            line("");
            line("Scenario: %,d jobs (%,d finished, %,d running) of %d steps; 1 in-process worker, %d tasks, discovery on, "
                    + "page.size=%d, poll.interval.ms=discovery.interval.ms=%d, api.max.requests.per.second=%.0f, "
                    + "terminal.grace.period.ms=%d; emulator on loopback without added latency. JVM: %s, %d cores, -Xmx%d MB.",
                    totalJobs, history, active, steps, tasks, pageSize, pollIntervalMs, apiRate, graceMs,
                    System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                    Runtime.getRuntime().maxMemory() / (1024 * 1024));
            line("");

            line("Load average (1/5/15 min) at start: %s (other builds share these cores).", Harness.loadAverage());
            line("");
            long heapBefore = usedHeapAfterGc(memory);

            // ---- backlog ----
            Map<String, String> props = ConnectHarness.connectorConfig(emulator, NAME);
            props.remove("job.names");
            props.put("discovery.enabled", "true");
            props.put("discovery.interval.ms", Long.toString(pollIntervalMs));
            props.put("discovery.overlap.ms", "60000");
            props.put("tasks.max", Integer.toString(tasks));
            props.put("page.size", Integer.toString(pageSize));
            props.put("poll.interval.ms", Long.toString(pollIntervalMs));
            props.put("api.max.requests.per.second", Double.toString(apiRate));
            props.put("terminal.grace.period.ms", Long.toString(graceMs));
            emulator.resetCounters();
            long start = System.nanoTime();
            harness.startConnector(NAME, props);
            TopicPartition stepsTp = new TopicPartition(NAME + ".steps", 0);
            TopicPartition jobsTp = new TopicPartition(NAME + ".jobs", 0);
            waitFor("every step version in Kafka", Duration.ofMinutes(30),
                    () -> Harness.endOffset(admin, stepsTp) >= stepRecords);
            double backlogSeconds = (System.nanoTime() - start) / 1e9;
            long backlogCalls = emulator.totalRequests();
            long backlogListJobs = emulator.count(LIST_JOBS);
            long backlogDescribe = emulator.count(DESCRIBE);
            long backlogSteps = emulator.count(LIST_STEPS);
            waitFor("every finished job closed", Duration.ofMinutes(30), () -> sum("JobsClosed") >= history);
            double closedSeconds = (System.nanoTime() - start) / 1e9;
            long closeCalls = emulator.totalRequests();
            long jobRecords = Harness.endOffset(admin, jobsTp);

            long stepPagesPerJob = (steps + pageSize - 1) / pageSize;
            long listingPages = (totalJobs + 99) / 100;
            long minimumBacklog = listingPages + totalJobs * stepPagesPerJob;
            double baselineSeconds = sdkBaseline(emulator, totalJobs);

            line("## Backlog");
            line("");
            line("| figure | value |");
            line("|---|---|");
            line("| step records emitted | %,d (%,d jobs × %d steps) |", Harness.endOffset(admin, stepsTp), totalJobs, steps);
            line("| time to emit the backlog (connector created → last step record in Kafka) | %.1f s (%,.0f step records/s) |",
                    backlogSeconds, stepRecords / backlogSeconds);
            line("| bare SDK loop, same JVM, one thread, the minimum calls (%,d list-jobs pages + %,d step pages) | %.1f s |",
                    listingPages, totalJobs * stepPagesPerJob, baselineSeconds);
            line("| **backlog time / bare SDK loop** | **%.2f** |", backlogSeconds / baselineSeconds);
            line("| API calls until the backlog was in Kafka | %,d = %,d ListJobs + %,d Describe + %,d ListSteps |",
                    backlogCalls, backlogListJobs, backlogDescribe, backlogSteps);
            line("| minimum (one listing of all jobs + one step page per job) | %,d |", minimumBacklog);
            line("| **backlog calls / minimum** | **%.2f** |", (double) backlogCalls / minimumBacklog);
            line("| time until all %,d finished jobs were closed (no grace re-read: each finished long before the %d ms grace "
                    + "period) | %.1f s, %,d API calls in all, %,d job records |",
                    history, graceMs, closedSeconds, closeCalls, jobRecords);
            line("");

            // ---- heap ----
            long heapRunning = usedHeapAfterGc(memory);

            // ---- steady state ----
            waitFor("running jobs known and scheduled", Duration.ofMinutes(5), () -> sum("JobsActive") == active);
            emulator.resetCounters();
            long windowStart = System.nanoTime();
            Thread.sleep(cycles * pollIntervalMs);
            double windowCycles = (System.nanoTime() - windowStart) / 1e6 / pollIntervalMs;
            // one snapshot, taken in quick succession: the connector keeps calling meanwhile
            List<SageMakerEmulator.StepsRequest> stepRequests = emulator.stepsRequests();
            long describes = emulator.count(DESCRIBE);
            long listJobs = emulator.count(LIST_JOBS);
            long listSteps = stepRequests.size();
            long total = listSteps + describes + listJobs;
            long closedJobCalls = 0;
            for (int i = 0; i < history; i++) {
                String job = hist.jobName(i);
                closedJobCalls += emulator.count(LIST_STEPS, job) + emulator.count(DESCRIBE, job);
            }
            Set<String> liveNames = new java.util.HashSet<>();
            for (int i = 0; i < active; i++) {
                liveNames.add(live.jobName(i));
            }
            long passes = stepRequests.stream().filter(r -> liveNames.contains(r.jobName()) && r.nextTokenReceived() == null).count();
            long liveStepCalls = stepRequests.stream().filter(r -> liveNames.contains(r.jobName())).count();
            double minimumPerCycle = active * stepPagesPerJob + tasks;
            double actualPerCycle = total / windowCycles;
            double withoutDescribePerCycle = (total - describes) / windowCycles;

            line("## Steady state (%d running jobs, %,d closed)", active, history);
            line("");
            line("Counted by the emulator over %.2f poll cycles of %d ms.", windowCycles, pollIntervalMs);
            line("");
            line("| figure | value |");
            line("|---|---|");
            line("| API calls per cycle | %.1f = %.1f ListSteps + %.1f Describe + %.1f ListJobs |", actualPerCycle,
                    listSteps / windowCycles, describes / windowCycles, listJobs / windowCycles);
            line("| minimum per cycle (%d jobs × %d step page + %d tasks × 1 discovery page) | %.0f |", active,
                    stepPagesPerJob, tasks, minimumPerCycle);
            line("| **calls / minimum** | **%.3f** |", actualPerCycle / minimumPerCycle);
            line("| calls / minimum, not counting DescribeInferenceRecommendationsJob | %.3f |",
                    withoutDescribePerCycle / minimumPerCycle);
            line("| passes per running job per cycle (ListSteps without NextToken) | %.3f |", passes / windowCycles / active);
            line("| ListSteps pages per pass | %.3f (minimum %d) |", (double) liveStepCalls / Math.max(1, passes), stepPagesPerJob);
            line("| **API calls for the %,d closed jobs** | **%d** |", history, closedJobCalls);
            line("");

            harness.connect().deleteConnector(NAME);
            waitFor("connector tasks gone", Duration.ofMinutes(1), () -> taskMBeans().isEmpty());
            long heapAfter = usedHeapAfterGc(memory);
            line("## Heap");
            line("");
            line("Used heap after full GCs (the JVM also holds Kafka, Connect and the emulator's %,d jobs):", totalJobs);
            line("");
            line("| figure | value |");
            line("|---|---|");
            line("| before the connector | %.1f MB |", mb(heapBefore));
            line("| connector running (backlog read, %,d jobs closed, %d running) | %.1f MB |", history, active, mb(heapRunning));
            line("| after the connector was deleted | %.1f MB |", mb(heapAfter));
            line("| **heap per task = (running − before) / %d** | **%.1f MB** (target < 256 MB: %.3f of it) |", tasks,
                    mb(heapRunning - heapBefore) / tasks, mb(heapRunning - heapBefore) / tasks / 256);
            line("| heap per task = (running − after delete) / %d | %.1f MB |", tasks, mb(heapRunning - heapAfter) / tasks);
            line("");
        }
        line("Load average (1/5/15 min) at the end: %s.", Harness.loadAverage());
        Path out = Path.of("target", "scale-benchmark.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, String.join("\n", report) + "\n", StandardCharsets.UTF_8);
        System.out.println("written to " + out.toAbsolutePath());
    }

    /** One thread, the SDK's own client, the minimum calls: every ListJobs page, then one ListSteps call per job. */
    private double sdkBaseline(SageMakerEmulator emulator, int expectedJobs) {
        try (SageMakerClient sm = SageMakerClient.builder().region(Region.US_EAST_1).endpointOverride(emulator.endpoint())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCH", "secret")))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .httpClientBuilder(ApacheHttpClient.builder()).build()) {
            // warm the client
            sm.listInferenceRecommendationsJobs(b -> b.maxResults(1));
            long start = System.nanoTime();
            List<String> names = new ArrayList<>(expectedJobs);
            String token = null;
            do {
                String t = token;
                ListInferenceRecommendationsJobsResponse page =
                        sm.listInferenceRecommendationsJobs(b -> b.maxResults(100).nextToken(t));
                page.inferenceRecommendationsJobs().stream().map(InferenceRecommendationsJob::jobName).forEach(names::add);
                token = page.nextToken();
            } while (token != null);
            for (String job : names) {
                sm.listInferenceRecommendationsJobSteps(b -> b.jobName(job).maxResults(pageSize));
            }
            if (names.size() != expectedJobs) {
                throw new IllegalStateException("the SDK loop listed " + names.size() + " jobs, not " + expectedJobs);
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }

    private static Set<ObjectName> taskMBeans() {
        try {
            return ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName(
                    "dev.benchlake:type=source-task-metrics,connector=" + ObjectName.quote(NAME) + ",task=*"), null);
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A task counter summed over the connector's tasks (JMX). */
    private static long sum(String attribute) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        long total = 0;
        for (ObjectName n : taskMBeans()) {
            try {
                total += ((Number) server.getAttribute(n, attribute)).longValue();
            } catch (JMException e) {
                // a task that just stopped
            }
        }
        return total;
    }

    private static void waitFor(String what, Duration atMost, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for: " + what + "; task counters: " + counters());
            }
            Thread.sleep(200);
        }
    }

    private static String counters() {
        return List.of("ApiCalls", "StepRecords", "JobRecords", "JobsClosed", "JobsActive", "JobsKnown", "DiscoveryPages")
                .stream().map(a -> a + "=" + sum(a)).collect(Collectors.joining(", "));
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(300);
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
