package dev.benchlake.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.sun.management.OperatingSystemMXBean;

import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.emulator.Fixtures;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.it.ConnectHarness;
import dev.benchlake.sagemaker.SdkRecommenderApi;

/**
 * What one SageMaker call costs in CPU on this machine, through the client Benchlake builds (AWS SDK v2, Apache
 * HTTP client, SigV4) against the emulator on loopback, and how much of it is the emulator's (the side AWS runs
 * in production). A describe and a first page per job, like a backlog pass, on 4 threads; the best of the last half of
 * 30 passes (the AWS SDK's request path takes tens of thousands of calls to be fully compiled). Run with
 * {@code mvn -B -DskipTests install; mvn -B -pl src/it test-compile exec:exec -Dexec.executable=java
 * -Dexec.classpathScope=test -Dexec.args="-Xmx2g -cp %classpath dev.benchlake.bench.ApiCallCostBenchmark"}.
 */
public final class ApiCallCostBenchmark {

    private static final int JOBS = 1_000;
    private static final int PASSES = Integer.getInteger("passes", 30);

    private ApiCallCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Scenario scenario = Scenario.builder().jobs(Fixtures.benchmarkJobs("bench", JOBS, 8).build()).build();
        OperatingSystemMXBean os = ManagementFactory.getPlatformMXBean(OperatingSystemMXBean.class);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (SageMakerEmulator emulator = SageMakerEmulator.start(scenario, new ManualClock().set(Duration.ofSeconds(10)))) {
            Map<String, String> props = ConnectHarness.connectorConfig(emulator, "cost", "bench-00000");
            SdkRecommenderApi api = SdkRecommenderApi.create(new BenchlakeSourceConfig(props));
            List<String> names = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                names.add(String.format("bench-%05d", i));
            }
            double bestTotal = Double.MAX_VALUE;
            double bestEmulator = Double.MAX_VALUE;
            double bestWall = Double.MAX_VALUE;
            for (int pass = 1; pass <= PASSES; pass++) {
                long cpu0 = os.getProcessCpuTime();
                long emu0 = emulatorCpuNanos();
                long wall0 = System.nanoTime();
                List<Future<?>> calls = new ArrayList<>();
                for (String name : names) {
                    calls.add(pool.submit(() -> {
                        api.describeJob(name);
                        api.listSteps(name, null, 100, null);
                    }));
                }
                for (Future<?> f : calls) {
                    f.get();
                }
                double n = 2.0 * JOBS;
                double total = (os.getProcessCpuTime() - cpu0) / 1e6 / n;
                double emu = (emulatorCpuNanos() - emu0) / 1e6 / n;
                double wall = (System.nanoTime() - wall0) / 1e6 / n;
                System.out.printf("pass %2d: %.3f ms CPU per call, of which emulator %.3f; %.3f ms wall per call%n",
                        pass, total, emu, wall);
                if (pass > PASSES / 2) {
                    bestTotal = Math.min(bestTotal, total);
                    bestEmulator = Math.min(bestEmulator, emu);
                    bestWall = Math.min(bestWall, wall);
                }
            }
            api.close();
            System.out.printf("%nbest of the last %d passes: %.3f ms CPU per call (emulator %.3f, client side %.3f), "
                    + "%.3f ms wall per call on 4 threads%n", PASSES / 2, bestTotal, bestEmulator,
                    bestTotal - bestEmulator, bestWall);
        } finally {
            pool.shutdown();
        }
    }

    /** CPU time of the emulator's threads (its handler pool and the JDK HTTP server's dispatcher). */
    private static long emulatorCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && (info.getThreadName().startsWith("sagemaker-emulator")
                    || info.getThreadName().startsWith("HTTP-Dispatcher"))) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }
}
