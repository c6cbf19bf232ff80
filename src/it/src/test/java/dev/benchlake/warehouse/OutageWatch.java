package dev.benchlake.warehouse;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;

/** Samples every task's state of some pipelines while an outage lasts: whatever is not RUNNING is kept. */
final class OutageWatch implements AutoCloseable {
    final List<String> notRunning = new CopyOnWriteArrayList<>();
    final Set<String> sampled = ConcurrentHashMap.newKeySet();
    /** Task states read (one per task per round). */
    final AtomicLong samples = new AtomicLong();
    private volatile boolean stopped;
    private final Thread thread;

    OutageWatch(List<OutagePipeline> pipelines) {
        thread = new Thread(() -> {
            while (!stopped) {
                for (OutagePipeline p : pipelines) {
                    for (String name : List.of(p.source, p.sink)) {
                        sample(p, name);
                    }
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "outage-status-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void sample(OutagePipeline p, String name) {
        try {
            ConnectorStateInfo info = p.connect.connect().connectorStatus(name);
            info.tasks().forEach(t -> {
                sampled.add(name);
                samples.incrementAndGet();
                if (!"RUNNING".equals(t.state())) {
                    notRunning.add(name + " task " + t.id() + " " + t.state());
                }
            });
        } catch (RuntimeException e) {
            // the REST call failed: no sample
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        thread.join();
    }
}
