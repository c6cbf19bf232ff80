package dev.benchlake.quickstart.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * A Java program in its own JVM, its output appended to a log file: the one launcher behind the schema registry, the
 * child Kafka Connect workers and anything else the quickstart or the tests run beside themselves. A JVM hook kills
 * it if this JVM exits first, so nothing outlives a run.
 */
public final class ChildJvm implements AutoCloseable {
    private final List<String> command;
    private final Path workDir;
    private final Path logFile;
    private final String name;
    private final Thread shutdownHook;
    private Process process;

    private ChildJvm(String name, List<String> command, Path workDir, Path logFile) {
        this.name = name;
        this.command = List.copyOf(command);
        this.workDir = workDir;
        this.logFile = logFile;
        this.shutdownHook = new Thread(this::destroyNow, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * A JVM to be started by {@link #start()}: {@code java <jvmOptions> -cp classpath mainClass args}, run in
     * {@code workDir} (also its {@code java.io.tmpdir}), output to {@code logFile}.
     */
    public static ChildJvm of(String name, String classpath, List<String> jvmOptions, String mainClass, List<String> args,
            Path workDir, Path logFile) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Djava.io.tmpdir=" + workDir);
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", classpath, mainClass));
        cmd.addAll(args);
        return new ChildJvm(name, cmd, workDir, logFile);
    }

    /** Starts the JVM (again, after {@link #stop} or {@link #kill}); a no-op while it runs. */
    public synchronized ChildJvm start() {
        if (isAlive()) {
            return this;
        }
        try {
            Files.createDirectories(workDir);
            Files.createDirectories(logFile.getParent());
            process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name, e);
        }
        return this;
    }

    /**
     * Waits until {@code ready} answers true (exceptions count as "not yet"), failing with the log's tail when the
     * JVM exits first or the time is up.
     */
    public void awaitReady(String what, Duration timeout, Callable<Boolean> ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                throw new IllegalStateException(name + " exited" + (p == null ? "" : " with code " + p.exitValue())
                        + " before " + what + "; log " + logFile + ":\n" + logTail(60));
            }
            try {
                if (Boolean.TRUE.equals(ready.call())) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            } catch (Exception e) {
                // not ready yet
            }
            if (System.nanoTime() > deadline) {
                destroyNow();
                throw new IllegalStateException(name + ": no " + what + " within " + timeout.toSeconds() + " s; log "
                        + logFile + ":\n" + logTail(60));
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for " + what, e);
            }
        }
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Graceful stop (SIGTERM), forced after {@code grace}. */
    public synchronized void stop(Duration grace) {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    /** SIGKILL: no shutdown hook runs in the child. Returns once it is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " did not die within 10 s of SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    private void destroyNow() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    public Path logFile() {
        return logFile;
    }

    /** The whole log so far. */
    public String log() {
        try {
            return Files.readString(logFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The last lines of the log, for failure messages. */
    public String logTail(int lines) {
        List<String> all = log().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Stops gracefully (10 s) and forgets the JVM hook. */
    @Override
    public void close() {
        stop(Duration.ofSeconds(10));
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway
        }
    }
}
