package dev.benchlake.discovery;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Which task owns a job: a stable hash of the job name modulo the task count. Stable across JVMs and releases
 * (CRC-32 of the UTF-8 name, not {@link String#hashCode()}), so a job stays with its task across restarts.
 */
public final class JobShard {

    private JobShard() {
    }

    public static int of(String jobName, int taskCount) {
        CRC32 crc = new CRC32();
        crc.update(jobName.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % taskCount);
    }
}
