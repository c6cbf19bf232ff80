package dev.benchlake.quickstart;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.fasterxml.jackson.databind.JsonNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;

import dev.benchlake.emulator.DemoScenario;
import dev.benchlake.quickstart.lake.IcebergLakehouse;
import dev.benchlake.quickstart.stack.Layout;
import dev.benchlake.quickstart.stack.ShippedConfig;


/**
 * One command from clone to SQL answers: {@code ./quickstart.sh} (which builds, then runs this class on the test
 * classpath). Starts the SageMaker emulator with {@link DemoScenario} (or reads a given endpoint, or real AWS with
 * {@code --aws}), PostgreSQL with the landing tables and SQL models, the schema registry (child JVM), Kafka (KRaft) and
 * a Kafka Connect worker with exactly-once source support; creates the Benchlake source connector (Avro) and the
 * Debezium JDBC sink through Connect's REST API; prints {@code BENCHLAKE_READY ...}, progress, then the trend tables
 * once everything landed; writes the HTML report; stops every component (unless {@code --keep-running}).
 * <p>
 * Exit codes: 0 done, 1 a component or connector failed, 2 bad command line, 130 stopped by Ctrl-C while starting.
 */
public final class Quickstart {
    /** Environment variable with the epoch milliseconds at which the command started (set by quickstart.sh). */
    static final String T0_ENV = "BENCHLAKE_QUICKSTART_T0";
    static final String READY = "BENCHLAKE_READY";
    /** Loaded by the worker from plugin.path, never from this JVM's classpath: named, not referenced. */
    static final String CONNECTOR_CLASS = "dev.benchlake.connect.InferenceRecommenderSourceConnector";
    private static final Logger log = LoggerFactory.getLogger(Quickstart.class);
    private static final String METRICS = "dev.benchlake:type=source-task-metrics,connector="
            + ObjectName.quote(QuickstartStack.SOURCE) + ",*";

    /** How long a stop by signal may take before the quickstart ends its children and itself. */
    static final java.time.Duration STOP_DEADLINE = java.time.Duration.ofSeconds(20);

    private final QuickstartOptions options;
    private final PrintStream out;
    private final long t0Millis;
    private final Path projectDir;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile QuickstartStack stack;
    private boolean stopped;

    Quickstart(QuickstartOptions options, PrintStream out, long t0Millis, Path projectDir) {
        this.options = options;
        this.out = out;
        this.t0Millis = t0Millis;
        this.projectDir = projectDir;
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs the quickstart to its end (or, with --keep-running, until the JVM stops); returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        QuickstartOptions options;
        try {
            options = QuickstartOptions.parse(args);
        } catch (QuickstartException e) {
            err.println(e.getMessage());
            return e.exitCode();
        }
        if (options.help()) {
            out.print(QuickstartOptions.USAGE);
            return 0;
        }
        Quickstart q = new Quickstart(options, out, commandStart(), QuickstartStack.projectDir());
        Thread hook = new Thread(q::stopFromHook, "benchlake-quickstart-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            q.execute();
            return 0;
        } catch (QuickstartException e) {
            log.debug("quickstart stopped: {}", e.getMessage(), e);
            err.println(e.getMessage());
            return e.exitCode();
        } catch (Exception e) {
            log.error("quickstart failed", e);
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            err.println("The quickstart failed: " + root.getClass().getSimpleName()
                    + (root.getMessage() != null ? ": " + firstLine(root.getMessage()) : "")
                    + " (the whole trace is in target/quickstart/quickstart.log).");
            return QuickstartException.FAILED;
        } finally {
            q.stop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }

    private static long commandStart() {
        String t0 = System.getenv(T0_ENV);
        if (t0 != null && t0.matches("\\d{10,16}")) {
            return Long.parseLong(t0);
        }
        return ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private String elapsed() {
        return String.format(Locale.ROOT, "[%6.1f s]", (System.currentTimeMillis() - t0Millis) / 1000.0);
    }

    private void say(String line) {
        synchronized (out) {
            out.println(elapsed() + " " + line);
            out.flush();
        }
    }

    // ---- the run ----

    void execute() throws Exception {
        preflight();
        synchronized (this) {
            if (stopped) {
                throw new QuickstartException(130, "Stopped.");
            }
            stack = new QuickstartStack(projectDir);
        }
        say("Starting Benchlake quickstart (" + source() + ")");
        // three independent chains start side by side: the registry JVM, PostgreSQL, and Kafka then Connect
        CompletableFuture<Void> registry = background(() -> {
            stack.startRegistry();
            say("Schema registry         " + stack.registryUrl());
        });
        CompletableFuture<Void> postgres = background(() -> {
            stack.startPostgres(options.postgresPort());
            say("PostgreSQL              " + stack.jdbcUrl() + "  (landing tables and SQL models loaded)");
        });
        URI endpoint = options.sagemakerEndpoint();
        if (options.builtInEmulator()) {
            endpoint = stack.startEmulator().endpoint();
            say("SageMaker emulator      " + endpoint + "  (" + DemoScenario.JOBS + " nightly jobs, "
                    + DemoScenario.STEPS + " benchmark steps)");
        }
        stack.startKafka();
        say("Kafka (KRaft)           " + stack.bootstrapServers());
        stack.startConnect(options.connectPort(), options.iceberg());
        say("Kafka Connect           " + stack.connectUrl() + "  (exactly.once.source.support=enabled)");
        join(postgres);
        join(registry);
        // the shipped configs, with only addresses, credentials and the run's options substituted (docs/quickstart.md)
        stack.putConnector(QuickstartStack.SINK, sinkConfig(stack.registryUrl(), stack.postgresPort()).config());
        Path lakehouse = null;
        Map<String, String> lakehouseCatalog = null;
        if (options.iceberg()) {
            lakehouse = Layout.work("quickstart").resolve("lakehouse-" + System.currentTimeMillis());
            lakehouseCatalog = IcebergLakehouse.jdbcCatalog(stack.jdbcUrl(QuickstartStack.ICEBERG_CATALOG_DATABASE),
                    QuickstartStack.DB_USER, "quickstart", lakehouse);
            ShippedConfig iceberg = icebergSinkConfig(stack.registryUrl(), stack.bootstrapServers(), lakehouseCatalog);
            stack.createTopics(List.of(iceberg.config().get("iceberg.control.topic")));
            stack.putConnector(iceberg.name(), iceberg.config());
            say("Iceberg sink            " + iceberg.name() + " -> " + lakehouse.toUri() + "  (JDBC catalog in "
                    + stack.jdbcUrl(QuickstartStack.ICEBERG_CATALOG_DATABASE) + ")");
        }
        // the trends application creates the changes topic before the changes sink subscribes to it
        stack.startTrends();
        stack.putConnector(ChangePoints.SINK, ChangePoints.sinkConfig(stack.registryUrl(), stack.postgresPort()).config());
        say("Trends application      " + QuickstartStack.STEPS_TOPIC + " -> " + QuickstartStack.CHANGES_TOPIC
                + " -> benchmark_changes  (change points, " + ChangePoints.SINK + ")");
        stack.putConnector(QuickstartStack.SOURCE, sourceConfig(endpoint, stack.registryUrl()).config());
        out.println(READY + " bootstrap=" + stack.bootstrapServers() + " registry=" + stack.registryUrl()
                + " connect=" + stack.connectUrl() + " jdbc=" + stack.jdbcUrl() + "?user=" + QuickstartStack.DB_USER
                + " sagemaker=" + (endpoint != null ? endpoint : "aws:" + options.region()));
        out.flush();
        say("Connectors " + QuickstartStack.SOURCE + " and " + QuickstartStack.SINK + " created; waiting for data");
        awaitLanded();
        awaitChanges();
        TrendReport report = TrendReport.load(stack);
        out.print(report.text());
        if (lakehouse != null) {
            printLakehouse(lakehouse, lakehouseCatalog);
        }
        Path file = projectDir.resolve(options.report()).normalize();
        Files.createDirectories(file.getParent());
        Files.writeString(file, report.html(Instant.now(), source()), StandardCharsets.UTF_8);
        out.println();
        say("Report written: " + file.toUri());
        if (options.keepRunning()) {
            say("Everything keeps running (--keep-running). Try: psql '" + stack.jdbcUrl().substring("jdbc:".length())
                    + "?user=postgres' -c 'SELECT * FROM benchmark_regressions(0.2)'  or  curl "
                    + stack.connectUrl() + "/connectors. Ctrl-C stops every component.");
            stopRequested.await();
        }
    }

    interface Step {
        void run() throws Exception;
    }

    private static CompletableFuture<Void> background(Step step) {
        return CompletableFuture.runAsync(() -> {
            try {
                step.run();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }

    private static void join(CompletableFuture<Void> future) throws Exception {
        try {
            future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof Exception ex ? ex : e;
        }
    }

    private String source() {
        if (options.builtInEmulator()) {
            return "built-in SageMaker emulator, demo scenario";
        }
        return options.aws() ? "Amazon SageMaker, region " + options.region()
                + (options.sagemakerEndpoint() != null ? " via " + options.sagemakerEndpoint() : "")
                : "SageMaker endpoint " + options.sagemakerEndpoint();
    }

    /** Everything that can be checked before starting anything, each failure one sentence. */
    private void preflight() {
        QuickstartStack.checkPortFree(options.connectPort(), "--connect-port");
        QuickstartStack.checkPortFree(options.postgresPort(), "--postgres-port");
        if (options.aws()) {
            try (DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build()) {
                chain.resolveCredentials();
            } catch (SdkException e) {
                throw new QuickstartException(QuickstartException.FAILED, "--aws needs AWS credentials and the default "
                        + "credential chain found none (environment, ~/.aws profiles, SSO, web identity, container or "
                        + "instance role): run `aws configure` or set AWS_PROFILE, then try again.", e);
            }
        }
        URI endpoint = options.sagemakerEndpoint();
        if (endpoint == null && options.aws()) {
            endpoint = URI.create("https://api.sagemaker." + options.region() + ".amazonaws.com");
        }
        if (endpoint != null) {
            int port = endpoint.getPort() != -1 ? endpoint.getPort() : "https".equals(endpoint.getScheme()) ? 443 : 80;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(endpoint.getHost(), port), 5_000);
            } catch (IOException e) {
                throw new QuickstartException(QuickstartException.FAILED, "Cannot reach the SageMaker endpoint "
                        + endpoint + " (" + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName())
                        + "): check " + (options.sagemakerEndpoint() != null ? "--sagemaker-endpoint" : "--region and your network")
                        + ".", e);
            }
        }
        QuickstartStack.checkBuild(projectDir);
    }

    /**
     * What the quickstart sets in config/benchlake-source.json beyond the placeholders of {@link ShippedConfig}: the
     * jobs its command line selects and, against the built-in emulator, a faster pace. Converters, subjects, topics and
     * error handling stay as shipped.
     */
    static final Set<String> RUN_OPTIONS = Set.of("job.names", "discovery.enabled", "discovery.name.contains",
            "discovery.model.name", "discovery.status", "discovery.created.after", "poll.interval.ms",
            "terminal.grace.period.ms", "api.max.requests.per.second");

    /** config/benchlake-sink-postgres.json as shipped, pointed at the quickstart's PostgreSQL and registry. */
    static ShippedConfig sinkConfig(String registryUrl, int postgresPort) {
        return ShippedConfig.load("benchlake-sink-postgres.json")
                .schemaRegistry(registryUrl)
                .postgres("127.0.0.1", postgresPort, QuickstartStack.DATABASE)
                .postgresCredentials(QuickstartStack.DB_USER, "quickstart")
                .replicationFactor(1);
    }

    /** How often the quickstart's Iceberg sink commits (the shipped file's five minutes is for production). */
    static final long ICEBERG_COMMIT_INTERVAL_MS = 2_000;

    /**
     * config/benchlake-sink-iceberg.json as shipped, with a JDBC catalog on the quickstart's PostgreSQL and a local
     * warehouse folder instead of the file's REST catalog on S3, the quickstart's registry and Kafka, and a commit every
     * {@value #ICEBERG_COMMIT_INTERVAL_MS} ms.
     */
    static ShippedConfig icebergSinkConfig(String registryUrl, String bootstrapServers, Map<String, String> catalog) {
        return IcebergLakehouse.sinkConfig(registryUrl, bootstrapServers, catalog, ICEBERG_COMMIT_INTERVAL_MS);
    }

    /**
     * Waits until the Iceberg tables hold every step and job PostgreSQL holds (the sink commits every few seconds),
     * then prints the regressions DuckDB finds in the tables' Parquet files with warehouse/duckdb/regressions.sql.
     */
    private void printLakehouse(Path warehouse, Map<String, String> catalog) throws Exception {
        long steps = stack.count("SELECT count(*) FROM benchmark_steps");
        long jobs = stack.count("SELECT count(*) FROM recommendation_jobs WHERE closed");
        long deadline = System.currentTimeMillis() + options.timeout().toMillis();
        try (IcebergLakehouse lake = IcebergLakehouse.open(catalog)) {
            while (true) {
                checkConnector(QuickstartStack.ICEBERG_SINK);
                long lakeSteps = -1;
                long lakeJobs = -1;
                try {
                    lakeSteps = ((Number) lake.query("SELECT count(*) AS n FROM benchmark_step_latest").get(0).get("n"))
                            .longValue();
                    lakeJobs = ((Number) lake.query("SELECT count(*) AS n FROM recommendation_job_latest WHERE closed")
                            .get(0).get("n")).longValue();
                } catch (IllegalStateException e) {
                    // no commit yet
                }
                if (lakeSteps == steps && lakeJobs == jobs) {
                    break;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new QuickstartException(QuickstartException.FAILED, "The Iceberg tables did not catch up within "
                            + options.timeout().toSeconds() + " s (" + Math.max(lakeSteps, 0) + "/" + steps + " steps, "
                            + Math.max(lakeJobs, 0) + "/" + jobs + " closed jobs): see target/quickstart/quickstart.log.");
                }
                if (stopRequested.await(1_000, TimeUnit.MILLISECONDS)) {
                    throw new QuickstartException(130, "Stopped.");
                }
            }
            out.println();
            out.print(TrendReport.lakehouseText(warehouse, lake.regressions()));
            out.flush();
        }
    }

    /** config/benchlake-source.json as shipped, pointed at the quickstart's registry and SageMaker, with its run options. */
    ShippedConfig sourceConfig(URI endpoint, String registryUrl) {
        ShippedConfig src = ShippedConfig.load("benchlake-source.json").schemaRegistry(registryUrl).replicationFactor(1);
        if (endpoint != null) {
            src.sagemakerEndpoint(endpoint);
        }
        if (!options.aws()) {
            // an emulator checks that requests are signed, not by whom
            src.staticAwsCredentials("AKIDBENCHLAKEQUICKSTART", "benchlake-quickstart-secret");
        }
        Map<String, String> run = new LinkedHashMap<>();
        run.put("job.names", String.join(",", options.jobNames()));
        boolean discovery = options.jobNames().isEmpty() || options.hasDiscoveryFilter();
        run.put("discovery.enabled", Boolean.toString(discovery));
        // the shipped file's own filters (nightly jobs since 2025) are production's: the command line's replace them
        run.put("discovery.name.contains", options.nameContains() == null ? "" : options.nameContains());
        putIfSet(run, "discovery.model.name", options.modelName());
        putIfSet(run, "discovery.status", options.status());
        run.put("discovery.created.after", options.createdAfter() == null ? "" : options.createdAfter());
        if (options.builtInEmulator()) {
            run.put("poll.interval.ms", "1000");
            run.put("terminal.grace.period.ms", "200");
            run.put("api.max.requests.per.second", "50");
        }
        return src.withRunOptions(run, RUN_OPTIONS);
    }

    private static void putIfSet(Map<String, String> config, String key, String value) {
        if (value != null) {
            config.put(key, value);
        }
    }

    // ---- progress ----

    /** Source-task metrics over JMX, summed over tasks. */
    record Metrics(long jobsKnown, long jobsClosed, long stepRecords, long jobRecords, long discoveryPages) {
        static Metrics read() throws Exception {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            long known = 0;
            long closed = 0;
            long steps = 0;
            long jobs = 0;
            long pages = 0;
            Set<ObjectName> names = server.queryNames(new ObjectName(METRICS), null);
            for (ObjectName n : names) {
                known += ((Number) server.getAttribute(n, "JobsKnown")).longValue();
                closed += ((Number) server.getAttribute(n, "JobsClosed")).longValue();
                steps += ((Number) server.getAttribute(n, "StepRecords")).longValue();
                jobs += ((Number) server.getAttribute(n, "JobRecords")).longValue();
                pages += ((Number) server.getAttribute(n, "DiscoveryPages")).longValue();
            }
            return new Metrics(known, closed, steps, jobs, pages);
        }
    }

    /** How often a long backfill prints its progress, and over how long its pace is measured. */
    static final long PROGRESS_EVERY_MS = 15_000;
    static final long PROGRESS_WINDOW_MS = 30_000;

    private void awaitLanded() throws Exception {
        // the timeout is for a stack that stalls: a backfill that keeps landing rows runs as long as it needs
        long timeoutMs = options.timeout().toMillis();
        Progress progress = new Progress(PROGRESS_WINDOW_MS);
        long nextProgressLine = System.currentTimeMillis() + PROGRESS_EVERY_MS;
        boolean demo = options.builtInEmulator();
        String lastLine = "";
        String lastState = "";
        long stateSince = System.currentTimeMillis();
        boolean firstRow = false;
        while (true) {
            checkConnector(QuickstartStack.SOURCE);
            checkConnector(QuickstartStack.SINK);
            Metrics m = Metrics.read();
            long steps = stack.count("SELECT count(*) FROM benchmark_steps");
            long jobs = stack.count("SELECT count(*) FROM recommendation_jobs");
            long closedJobs = stack.count("SELECT count(*) FROM recommendation_jobs WHERE closed");
            if (!firstRow && steps + jobs > 0) {
                firstRow = true;
                say(String.format(Locale.ROOT, "First row landed in PostgreSQL %.1f s after the command started",
                        (System.currentTimeMillis() - t0Millis) / 1000.0));
            }
            String line = "jobs found " + m.jobsKnown() + " | steps emitted " + m.stepRecords() + " | rows landed "
                    + steps + (demo ? "/" + DemoScenario.STEPS : "") + " steps, " + jobs
                    + (demo ? "/" + DemoScenario.JOBS : "") + " jobs (" + closedJobs + " closed)";
            if (!line.equals(lastLine)) {
                say(line);
                lastLine = line;
            }
            String state = m + "/" + steps + "/" + jobs + "/" + closedJobs;
            long now = System.currentTimeMillis();
            if (!state.equals(lastState)) {
                lastState = state;
                stateSince = now;
            }
            long quietMs = now - stateSince;
            boolean allClosed = m.jobsKnown() > 0 && m.jobsClosed() >= m.jobsKnown() && closedJobs >= m.jobsKnown();
            if (demo ? steps == DemoScenario.STEPS && closedJobs == DemoScenario.JOBS && quietMs >= 1_000
                    : (allClosed && quietMs >= 2_000) || (m.jobsKnown() > 0 && jobs >= m.jobsKnown() && quietMs >= 10_000)) {
                say("All landed: " + steps + " benchmark steps of " + jobs + " jobs");
                return;
            }
            if (!demo && m.jobsKnown() == 0 && m.discoveryPages() > 0 && quietMs >= 10_000) {
                say("No Inference Recommender job matched: nothing to land (check the region and the filters)");
                return;
            }
            progress.sample(now, m.jobsClosed());
            if (now >= nextProgressLine && m.jobsKnown() > 0) {
                say(progress.line(m.jobsClosed(), m.jobsKnown()));
                nextProgressLine = now + PROGRESS_EVERY_MS;
            }
            if (quietMs > timeoutMs) {
                throw new QuickstartException(QuickstartException.FAILED, "Nothing moved for "
                        + options.timeout().toSeconds() + " s (" + line + "): raise --timeout, or see "
                        + "target/quickstart/quickstart.log.");
            }
            if (stopRequested.await(500, TimeUnit.MILLISECONDS)) {
                throw new QuickstartException(130, "Stopped.");
            }
        }
    }

    /** Waits until the trends application has decided on every run and the changes sink landed every change. */
    private void awaitChanges() throws Exception {
        long deadline = System.currentTimeMillis() + options.timeout().toMillis();
        while (!stack.changesCaughtUp()) {
            checkConnector(ChangePoints.SINK);
            if (System.currentTimeMillis() > deadline) {
                throw new QuickstartException(QuickstartException.FAILED, "The trends application or the changes sink "
                        + "did not catch up within " + options.timeout().toSeconds() + " s: see "
                        + "target/quickstart/quickstart.log.");
            }
            if (stopRequested.await(500, TimeUnit.MILLISECONDS)) {
                throw new QuickstartException(130, "Stopped.");
            }
        }
        say("Change points decided: " + ChangePoints.load(stack).size() + " confirmed (benchmark_changes)");
    }

    /** Fails with the connector's own first line of error when it or its task failed. */
    private void checkConnector(String name) throws Exception {
        JsonNode status = stack.connectorStatus(name);
        if (status == null) {
            return;
        }
        String failure = null;
        if ("FAILED".equals(status.path("connector").path("state").asText())) {
            failure = status.path("connector").path("trace").asText("");
        }
        for (JsonNode task : status.path("tasks")) {
            if ("FAILED".equals(task.path("state").asText())) {
                failure = task.path("trace").asText("");
            }
        }
        if (failure != null) {
            throw new QuickstartException(QuickstartException.FAILED, "The connector " + name + " failed: "
                    + firstLine(failure).replaceFirst("^[\\w.$]+(Exception|Error): ", ""));
        }
    }

    // ---- stop ----

    /** Stops every component once; a second caller (main thread vs. shutdown hook) waits until it is done. */
    private synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        QuickstartStack s = stack;
        if (s != null) {
            say("Stopping every component");
            try {
                s.close();
            } catch (RuntimeException e) {
                log.warn("could not stop every component", e);
            }
            say("Stopped: Kafka Connect, Kafka, schema registry, PostgreSQL" + (options.builtInEmulator()
                    ? ", SageMaker emulator" : ""));
        }
    }

    /**
     * Ctrl-C or SIGTERM: stop every component, each once, by its one owner (QuickstartStack.close). Should any of them
     * hang, a deadline ends the children (the registry's JVM, PostgreSQL's processes) and the JVM regardless, so the
     * command always ends within seconds and leaves nothing running.
     */
    private void stopFromHook() {
        stopRequested.countDown();
        Thread deadline = new Thread(() -> {
            try {
                Thread.sleep(STOP_DEADLINE.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("Not every component stopped within " + STOP_DEADLINE.toSeconds()
                    + " s: ending them and the quickstart.");
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
            Runtime.getRuntime().halt(QuickstartException.INTERRUPTED);
        }, "benchlake-quickstart-stop-deadline");
        deadline.setDaemon(true);
        deadline.start();
        stop();
    }
}
