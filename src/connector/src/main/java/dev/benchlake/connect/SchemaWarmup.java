package dev.benchlake.connect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.avro.Preregistration;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.record.RecordSchemas;

/**
 * When a task starts, registers the schemas it will write (steps and jobs, keys and values) with Benchlake's Avro
 * converter's settings, in a thread of its own, outside any transaction, retrying until the registry answers; the
 * task holds its records back until then ({@link #awaitReady}). So a schema new to the registry (a first deployment,
 * a new schema version) is never registered from inside an open exactly-once transaction: an outage at that moment,
 * however long, keeps the task RUNNING with nothing written, instead of timing out the transaction and failing the
 * task. The converter finds the ids held ({@code SchemaRegistryClient}) and writes without a registry call.
 * <p>
 * Only for sides whose converter the connector config names as Benchlake's ({@link SchemaPreflight#isBenchlake});
 * another converter (Confluent's, Apicurio's, JSON) is left alone and nothing is held back for it. A schema the
 * registry refuses (incompatible, access denied) is not waited for: the converter fails its record, naming the fix.
 */
final class SchemaWarmup implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchemaWarmup.class);
    static final long FIRST_BACKOFF_MS = 1_000L;
    static final long MAX_BACKOFF_MS = 30_000L;

    /** One schema to register: on a topic, as a key or a value. */
    record Target(String topic, boolean isKey, org.apache.avro.Schema schema) {
    }

    private final CountDownLatch ready = new CountDownLatch(1);
    private final List<Preregistration> clients = new ArrayList<>();
    private final Thread thread;
    private volatile int attempts;

    private SchemaWarmup(Map<Preregistration, List<Target>> work, String name) {
        clients.addAll(work.keySet());
        if (work.isEmpty()) {
            ready.countDown();
            thread = null;
            return;
        }
        thread = new Thread(() -> run(work), "benchlake-schema-warmup-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts registering the task's schemas, for each side whose converter is Benchlake's. */
    static SchemaWarmup start(Map<String, String> props, BenchlakeSourceConfig config, String name) {
        Map<Preregistration, List<Target>> work = new HashMap<>();
        for (boolean isKey : new boolean[] {true, false}) {
            String prefix = isKey ? "key.converter." : "value.converter.";
            if (!SchemaPreflight.isBenchlake(props, prefix)) {
                continue;
            }
            Map<String, Object> settings = new HashMap<>();
            props.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    settings.put(k.substring(prefix.length()), v);
                }
            });
            try {
                work.put(new Preregistration(settings, isKey), List.of(
                        new Target(config.topic(), isKey, isKey ? RecordSchemas.STEP_KEY_AVRO : RecordSchemas.STEP_AVRO),
                        new Target(config.jobsTopic(), isKey, isKey ? RecordSchemas.JOB_KEY_AVRO : RecordSchemas.JOB_AVRO)));
            } catch (RuntimeException e) {
                // an invalid converter configuration: the converter itself reports it
                log.warn("Schemas not registered ahead ({}): {}", prefix + "*", e.getMessage());
            }
        }
        return new SchemaWarmup(work, name);
    }

    private void run(Map<Preregistration, List<Target>> work) {
        Map<Preregistration, List<Target>> left = new HashMap<>();
        work.forEach((client, targets) -> left.put(client, new ArrayList<>(targets)));
        long backoff = FIRST_BACKOFF_MS;
        try {
            while (true) {
                attempts++;
                left.forEach(this::attempt);
                left.values().removeIf(List::isEmpty);
                if (left.isEmpty()) {
                    return;
                }
                log.warn("The schema registry at {} cannot be reached: the task holds its records back until it has "
                        + "registered their schemas (not inside a transaction); trying again in {} ms",
                        left.keySet().iterator().next().urls(), backoff);
                Thread.sleep(backoff);
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ready.countDown();
        }
    }

    private void attempt(Preregistration client, List<Target> targets) {
        targets.removeIf(t -> {
            try {
                return client.attempt(t.topic(), t.schema());
            } catch (RuntimeException e) {
                // refused as wrong: waiting does not help; the converter fails the record with the same answer
                log.warn("Subject '{}' not registered ahead: {}", client.subject(t.topic(), t.schema()), e.getMessage());
                return true;
            }
        });
    }

    /** Waits at most {@code timeoutMs} for every schema to be registered (or given up on); true when done. */
    boolean awaitReady(long timeoutMs) throws InterruptedException {
        return ready.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Rounds of registrations tried so far (tests). */
    int attempts() {
        return attempts;
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        clients.forEach(Preregistration::close);
    }
}
