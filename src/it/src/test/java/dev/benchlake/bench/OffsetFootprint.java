package dev.benchlake.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import dev.benchlake.offset.JobOffset;
import dev.benchlake.offset.JobPartition;
import dev.benchlake.pass.JobState;

/**
 * What a task holds for its jobs' offsets: offset bytes per job (open and closed) and the heap of 10,000 open jobs of
 * 225 steps each (one task's share of a large account), measured as the used heap after a full GC with and without
 * them. Run by hand (docs/scale.md):
 * {@code mvn -B -DskipTests install && mvn -B -pl src/it test-compile exec:exec -Dexec.executable=java
 * -Dexec.classpathScope=test -Dexec.args="-Xmx2g -cp %classpath dev.benchlake.bench.OffsetFootprint"}.
 */
public final class OffsetFootprint {
    private OffsetFootprint() {
    }

    public static void main(String[] args) {
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 225;
        Random random = new Random(1);
        long before = usedAfterGc();
        List<JobState> states = new ArrayList<>(jobs);
        long bytes = 0;
        for (int j = 0; j < jobs; j++) {
            JobOffset offset = JobOffset.START;
            for (int s = 0; s < steps; s++) {
                offset = offset.withStep(hex(random), hex(random));
            }
            offset = offset.withNextToken("x".repeat(200), 1L).withJobHash(hex(random));
            bytes += offset.encodedSizeBytes();
            states.add(new JobState(new JobPartition("us-east-1", "123456789012", "job-" + j), offset));
        }
        long after = usedAfterGc();
        JobOffset closed = states.get(0).offset().withNextToken(null, 0L).withClosed(true);
        System.out.printf("jobs=%d steps/job=%d%n", jobs, steps);
        System.out.printf("offset bytes per open job (200-char token): %d%n", bytes / jobs);
        System.out.printf("offset bytes per closed job: %d%n", closed.encodedSizeBytes());
        System.out.printf("heap for the task's job states: %.1f MiB (%d bytes per job)%n", (after - before) / 1048576.0,
                (after - before) / jobs);
        System.out.println(states.size());
    }

    private static String hex(Random random) {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static long usedAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
