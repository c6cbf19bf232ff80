package dev.benchlake.avro;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs the confirmations of held schema ids on one daemon thread per converter, at most one per key at a time, so that
 * the record that found its id due for confirmation goes on at once with the id it holds.
 */
final class BackgroundRefresh implements AutoCloseable {
    static final String THREAD_NAME = "benchlake-avro-refresh";

    private final Set<Object> running = ConcurrentHashMap.newKeySet();
    private volatile ExecutorService executor;
    private volatile boolean closed;

    /** Starts {@code task} for {@code key} unless one is running for it already; never waits. */
    void refresh(Object key, Runnable task) {
        if (closed || !running.add(key)) {
            return;
        }
        try {
            executor().execute(() -> {
                try {
                    task.run();
                } finally {
                    running.remove(key);
                }
            });
        } catch (RejectedExecutionException e) {
            running.remove(key);
        }
    }

    /** Confirmations started and not finished (tests). */
    int running() {
        return running.size();
    }

    private ExecutorService executor() {
        ExecutorService e = executor;
        if (e == null) {
            synchronized (this) {
                if (executor == null) {
                    executor = Executors.newSingleThreadExecutor(r -> {
                        Thread t = new Thread(r, THREAD_NAME);
                        t.setDaemon(true);
                        return t;
                    });
                }
                e = executor;
            }
        }
        return e;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
