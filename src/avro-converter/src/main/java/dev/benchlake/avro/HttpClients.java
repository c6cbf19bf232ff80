package dev.benchlake.avro;

import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of a registry client's {@link HttpClient}, owned so that {@code close()} ends them: the client runs its
 * answers on an executor of its own, shut down on close; on a JDK whose {@code HttpClient} can be shut down (21 and
 * later) it is shut down too, which also ends its selector thread. Without this each closed converter's client lived,
 * with its threads, until the garbage collector found it.
 */
final class HttpClients {
    static final String THREAD_PREFIX = "benchlake-registry-http-";
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private HttpClients() {
    }

    /** The executor and (once built) the client of one registry client. */
    static final class Owned implements AutoCloseable {
        private final ExecutorService executor;
        private volatile HttpClient client;

        private Owned(ExecutorService executor) {
            this.executor = executor;
        }

        HttpClient adopt(HttpClient http) {
            this.client = http;
            return http;
        }

        /** Whether every thread of the executor has ended (after {@link #close()}). */
        boolean terminated() {
            return executor.isTerminated();
        }

        @Override
        public void close() {
            executor.shutdownNow();
            HttpClient http = client;
            if (http != null) {
                shutdownNow(http);
            }
        }
    }

    /** Gives {@code builder} an executor of daemon threads that {@link Owned#close()} ends. */
    static Owned ownExecutor(HttpClient.Builder builder) {
        int n = CLIENTS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, THREAD_PREFIX + n + "-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ExecutorService executor = Executors.newCachedThreadPool(factory);
        builder.executor(executor);
        return new Owned(executor);
    }

    /** {@code HttpClient.shutdownNow()} where the JDK has it (21+); nothing on 17, where the executor is all we own. */
    private static void shutdownNow(HttpClient http) {
        try {
            Method m = HttpClient.class.getMethod("shutdownNow");
            m.invoke(http);
        } catch (NoSuchMethodException e) {
            // JDK 17: the selector thread ends once the client is unreachable
        } catch (ReflectiveOperationException | RuntimeException e) {
            // closing anyway
        }
    }
}
