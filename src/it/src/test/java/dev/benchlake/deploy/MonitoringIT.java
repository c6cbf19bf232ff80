package dev.benchlake.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.benchlake.connect.TaskMetricsMBean;
import dev.benchlake.emulator.Counters;
import dev.benchlake.emulator.InjectedError;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.it.ConnectHarness;
import dev.benchlake.it.ConnectWorker;
import dev.benchlake.it.TopicReader;
import dev.benchlake.quickstart.stack.Layout;

/**
 * config/prometheus/ and config/grafana/ on a real worker: a Kafka Connect worker in its own JVM (plain Connect, the
 * plugin archive on its plugin.path) with the Prometheus JMX exporter agent and Benchlake's rules runs the three-job
 * scenario with two throttled calls. Its /metrics then shows Benchlake's series with the values the scenario implies
 * (and the emulator counted), the worker's own series agreeing with them, and every query of the Grafana dashboard
 * and every alert rule names only series of that scrape. A plain Connect sink (Kafka's FileStreamSinkConnector) reads
 * the steps topic beside it, for the sinks' lag series; the task's BENCHLAKE_METRICS log line (for CloudWatch on MSK
 * Connect) carries the values of the scrape.
 */
class MonitoringIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String NAME = "benchlake-monitored";
    private static final String DESCRIBE = "DescribeInferenceRecommendationsJob";
    private static final String LIST_STEPS = "ListInferenceRecommendationsJobSteps";
    private static final String LIST_JOBS = "ListInferenceRecommendationsJobs";
    /** three-jobs.json: its jobs and how many steps each has. */
    private static final Map<String, Integer> STEPS_PER_JOB = Map.of(
            "resnet50-nightly-001", 3, "bert-base-ondemand-002", 4, "xgboost-serverless-003", 2);
    private static final int PAGE_SIZE = 2;
    private static final int THROTTLED = 2;
    /** A sink that is not Benchlake's, reading the steps topic: its consumer's lag is the warehouse's. */
    private static final String SINK = "lag-sink";

    @TempDir
    static Path work;
    private static EmbeddedKafkaCluster kafka;
    private static SageMakerEmulator emulator;
    private static ConnectWorker worker;
    private static URI metrics;
    private static TopicReader jobRecords;
    private static Scrape scrape;

    @BeforeAll
    static void runTheScenarioAndScrape() throws Exception {
        kafka = new EmbeddedKafkaCluster(1, new Properties());
        kafka.start();
        // at scenario time 2,000 s every job and step of three-jobs.json has finished: one pass each, then closed
        emulator = SageMakerEmulator.start(Scenario.fromResource("scenarios/three-jobs.json"),
                new ManualClock().set(Duration.ofSeconds(2_000)));
        emulator.faults().failNext(LIST_STEPS, InjectedError.THROTTLING, THROTTLED);

        int port = freePort();
        metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
        String agent = "-javaagent:" + agentJar() + "=127.0.0.1:" + port + ":"
                + Layout.file("config/prometheus/benchlake-jmx-exporter.yml");
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("offset.flush.interval.ms", "500");
        // plugin.path: Benchlake's archive and Kafka's file connectors (target/connect-file, copied by the build)
        Path plugins = work.resolve("plugins");
        dev.benchlake.packaging.PluginArchive.unpackInto(plugins);
        Path fileConnectors = Files.createDirectories(plugins.resolve("connect-file"));
        try (Stream<Path> jars = Files.list(Path.of("target/connect-file"))) {
            for (Path jar : jars.toList()) {
                Files.copy(jar, fileConnectors.resolve(jar.getFileName()));
            }
        }
        props.put("plugin.path", plugins.toString());
        worker = ConnectWorker.start(ConnectWorker.Mode.STANDALONE, work.resolve("worker"), props, List.of(agent));
        HttpResponse<String> sink = worker.post("/connectors", JSON.writeValueAsString(Map.of("name", SINK, "config", Map.of(
                "connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector", "tasks.max", "1",
                "topics", NAME + ".steps", "file", work.resolve("sink.txt").toString(),
                // the source writes schemaless JSON: read it as text
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter"))));
        assertThat(sink.statusCode()).as(sink.body()).isEqualTo(201);

        Map<String, String> config = ConnectHarness.connectorConfig(emulator, NAME, STEPS_PER_JOB.keySet().toArray(String[]::new));
        config.put("page.size", Integer.toString(PAGE_SIZE));
        // one pass a job, then closed: no grace re-read
        config.put("terminal.grace.period.ms", "0");
        // the CloudWatch line every second, to be found in the worker's log
        config.put("metrics.log.interval.ms", "1000");
        HttpResponse<String> created = worker.post("/connectors", JSON.writeValueAsString(Map.of("name", NAME, "config", config)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        jobRecords = new TopicReader(kafka.bootstrapServers(), NAME + ".jobs", false);
        try {
            jobRecords.awaitUntil("every job closed", recs -> recs.stream().filter(r -> r.value().get("closed").asBoolean())
                    .count() == STEPS_PER_JOB.size());
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\nworker log:\n" + worker.logTail(), e);
        }
        // closed jobs cost no calls: once the emulator's count stands still, the task's counters do too
        AtomicLong calls = new AtomicLong(-1);
        Awaitility.await("no more API calls").atMost(ConnectHarness.TIMEOUT).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    long now = emulator.counters().total();
                    return calls.getAndSet(now) == now;
                });
        try {
            awaitScrape();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "\nsink status: " + worker.get("/connectors/" + SINK + "/status").body()
                    + "\nsink samples: " + (scrape == null ? "no scrape" : scrape.text().lines()
                    .filter(l -> l.startsWith("kafka_connect_sink") || l.startsWith("benchlake_jobs_closed")).toList())
                    + "\nworker log:\n" + worker.logTail(), e);
        }
        // kept for a look after the run: what a Prometheus server would have stored
        Files.writeString(Path.of("target/monitoring-it-metrics.txt"), scrape.text());
    }

    private static void awaitScrape() {
        Awaitility.await("the exporter shows every job closed").atMost(ConnectHarness.TIMEOUT).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> {
                    scrape = Scrape.parse(get(metrics));
                    return scrape.value("benchlake_jobs_closed_total", task()) == STEPS_PER_JOB.size()
                            && scrape.value("kafka_connect_sink_records_consumed_total", sinkTask()) == steps()
                            && scrape.value("kafka_connect_sink_records_lag", sinkTask("topic", NAME + ".steps")) == 0;
                });
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {jobRecords, worker, emulator}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // keep closing the others
                }
            }
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void callSeriesCountEveryCallByOperationAsTheEmulatorAnsweredThem() {
        Counters counters = emulator.counters();
        // one pass per job: a describe (job.names, no listing) and its step pages; the throttled pages are made again
        long pages = STEPS_PER_JOB.values().stream().mapToLong(steps -> (steps + PAGE_SIZE - 1) / PAGE_SIZE).sum();

        assertThat(scrape.value("benchlake_api_calls_total", task("operation", "Describe")))
                .isEqualTo(STEPS_PER_JOB.size()).isEqualTo(counters.requests(DESCRIBE));
        // each injected throttle is either retried by the SDK (a request the connector does not count as a call) or
        // seen by the connector, which counts it and makes the page again
        double listSteps = scrape.value("benchlake_api_calls_total", task("operation", "ListSteps"));
        double throttled = scrape.value("benchlake_api_throttled_total", task());
        long retriedBySdk = counters.requests(LIST_STEPS) - (long) listSteps;
        assertThat(listSteps).isEqualTo(pages + throttled);
        assertThat(throttled + retriedBySdk).isEqualTo(THROTTLED);
        assertThat(counters.requests(LIST_STEPS)).isEqualTo(pages + THROTTLED);
        assertThat(scrape.value("benchlake_api_calls_total", task("operation", "ListJobs")))
                .isZero().isEqualTo(counters.requests(LIST_JOBS));
        assertThat(scrape.value("benchlake_step_pages_total", task())).isEqualTo(pages).isEqualTo(counters.ok(LIST_STEPS));
        assertThat(scrape.value("benchlake_discovery_pages_total", task())).isZero();
    }

    @Test
    void throttleSeriesCountTheInjectedThrottlesAndNoOtherError() {
        // what the SDK did not retry reached the connector (see callSeriesCount…)
        double calls = scrape.value("benchlake_api_calls_total", task("operation", "ListSteps"));
        long retriedBySdk = emulator.counters().requests(LIST_STEPS) - (long) calls;
        assertThat(scrape.value("benchlake_api_throttled_total", task())).isEqualTo(THROTTLED - retriedBySdk);
        assertThat(emulator.counters().throttled(LIST_STEPS)).isEqualTo(THROTTLED);
        for (String none : List.of("benchlake_api_transient_errors_total", "benchlake_api_job_errors_total",
                "benchlake_token_restarts_total", "benchlake_jobs_not_found_total", "benchlake_jobs_denied")) {
            assertThat(scrape.value(none, task())).as(none).isZero();
        }
    }

    @Test
    void recordSeriesCountNineStepsAndEveryJobRecordOnTheTopic() {
        int steps = STEPS_PER_JOB.values().stream().mapToInt(Integer::intValue).sum();
        int jobs = jobRecords.drain().size();

        assertThat(scrape.value("benchlake_step_records_total", task())).isEqualTo(steps);
        assertThat(scrape.value("benchlake_job_records_total", task())).isEqualTo(jobs).isPositive();
        assertThat(scrape.value("benchlake_unidentified_steps_total", task())).isZero();
    }

    @Test
    void jobAndLagSeriesShowThreeJobsClosedAndNoneDue() {
        assertThat(scrape.value("benchlake_jobs_known", task())).isEqualTo(STEPS_PER_JOB.size());
        assertThat(scrape.value("benchlake_jobs_closed_total", task())).isEqualTo(STEPS_PER_JOB.size());
        assertThat(scrape.value("benchlake_jobs_active", task())).isZero();
        // a closed job is never due again, so nothing is late
        assertThat(scrape.value("benchlake_oldest_due_job_lag_seconds", task())).isZero();
        assertThat(scrape.value("benchlake_polls_total", task())).isPositive();
        // poll() returns by its one-second deadline; the margin is for a busy 2-core machine
        assertThat(scrape.value("benchlake_longest_poll_seconds", task())).isBetween(0.0, 5.0);
    }

    @Test
    void workerSeriesShowTheRunningTaskAndEveryRecordWrittenToKafka() {
        double emitted = scrape.value("benchlake_step_records_total", task()) + scrape.value("benchlake_job_records_total", task());

        // Benchlake's source and the file sink, one task each
        assertThat(scrape.value("kafka_connect_worker_connector_count", Map.of())).isEqualTo(2);
        assertThat(scrape.value("kafka_connect_worker_task_count", Map.of())).isEqualTo(2);
        assertThat(scrape.value("kafka_connect_worker_connector_startup_success_total", Map.of())).isEqualTo(2);
        assertThat(scrape.value("kafka_connect_connector_status", Map.of("connector", NAME, "status", "running"))).isEqualTo(1);
        assertThat(scrape.value("kafka_connect_connector_task_status", task("status", "running"))).isEqualTo(1);
        assertThat(scrape.value("kafka_connect_source_task_source_record_poll_total", task())).isEqualTo(emitted);
        assertThat(scrape.value("kafka_connect_source_task_source_record_write_total", task())).isEqualTo(emitted);
        assertThat(scrape.value("kafka_connect_task_error_total_record_errors", task())).isZero();
    }

    @Test
    void everyAttributeOfTheTaskMBeanHasARuleAndItsSeriesIsInTheScrape() throws IOException {
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(Layout.file("config/prometheus/benchlake-jmx-exporter.yml").toFile())
                .get("rules");
        Map<String, String> seriesByAttribute = new TreeMap<>();
        for (Method getter : TaskMetricsMBean.class.getMethods()) {
            String attribute = getter.getName().substring("get".length());
            // what the exporter matches a rule against, with the rule's pattern as the exporter wraps it
            String line = "dev.benchlake<type=source-task-metrics, connector=\"" + NAME + "\", task=0><>" + attribute + ": 1";
            for (JsonNode rule : rules) {
                if (Pattern.compile("^.*(?:" + rule.get("pattern").asText() + ").*$").matcher(line).matches()) {
                    seriesByAttribute.put(attribute, rule.get("name").asText());
                    break;
                }
            }
        }
        Set<String> benchlakeSeries = new TreeSet<>(scrape.names());
        benchlakeSeries.removeIf(n -> !n.startsWith("benchlake_"));

        // ApiCalls is the sum of benchlake_api_calls_total over its operations: the rules file says so
        assertThat(seriesByAttribute.keySet()).hasSize(TaskMetricsMBean.class.getMethods().length - 1).doesNotContain("ApiCalls");
        assertThat(benchlakeSeries).isEqualTo(new TreeSet<>(seriesByAttribute.values()));
    }

    @Test
    void everyGrafanaQueryUsesOnlySeriesTheScrapeReturned() throws IOException {
        JsonNode dashboard = JSON.readTree(Layout.file("config/grafana/benchlake.json").toFile());
        List<String> queries = new ArrayList<>();
        dashboard.findValues("expr").forEach(e -> queries.add(e.asText()));
        // a variable's query is an object since Grafana 10, a string before
        dashboard.path("templating").path("list").forEach(v -> queries.add(v.path("query").path("query").asText(v.path("query").asText())));
        Set<String> used = new TreeSet<>();
        queries.forEach(q -> used.addAll(PromQl.metricNames(q)));

        assertThat(queries).as("every panel's queries, nested ones included").hasSizeGreaterThan(20);
        assertThat(used).contains("benchlake_api_calls_total", "benchlake_api_throttled_total", "benchlake_step_records_total",
                "benchlake_oldest_due_job_lag_seconds", "kafka_connect_connector_task_status");
        assertThat(scrape.names()).containsAll(used);
    }

    @Test
    void sinkLagSeriesShowTheSinkCaughtUpWithEveryStepRecord() throws IOException {
        Map<String, String> partition = sinkTask("topic", NAME + ".steps", "partition", "0");
        assertThat(scrape.value("kafka_connect_sink_records_consumed_total", sinkTask())).isEqualTo(steps());
        assertThat(scrape.value("kafka_connect_sink_records_lag", partition)).isZero();
        // Kafka's legacy tag of the same partition, dots as underscores: the same value (the alerts take the max)
        assertThat(scrape.value("kafka_connect_sink_records_lag", sinkTask("topic", NAME.replace('.', '_') + "_steps",
                "partition", "0"))).isZero();
        // a windowed maximum: NaN once the window holds no fetch with records, never more than the topic holds
        double lagMax = scrape.value("kafka_connect_sink_records_lag_max", sinkTask());
        assertThat(Double.isNaN(lagMax) || lagMax <= steps()).as("lag max %s", lagMax).isTrue();
        // the sink wrote what its consumer read: one line per record
        assertThat(Files.readAllLines(work.resolve("sink.txt"))).hasSize(steps());
        // Benchlake's source has no consumer: no lag series of its own
        assertThat(scrape.text()).doesNotContain("kafka_connect_sink_records_lag{connector=\"" + NAME + "\"");
    }

    @Test
    void everyAlertRuleUsesOnlySeriesTheScrapeReturned() throws IOException {
        JsonNode groups = new ObjectMapper(new YAMLFactory()).readTree(Layout.file("config/prometheus/benchlake-alerts.yml").toFile())
                .get("groups");
        Set<String> used = new TreeSet<>();
        int rules = 0;
        for (JsonNode group : groups) {
            for (JsonNode rule : group.get("rules")) {
                used.addAll(PromQl.metricNames(rule.get("expr").asText()));
                rules++;
            }
        }
        assertThat(rules).isEqualTo(8);
        assertThat(used).contains("kafka_connect_sink_records_lag", "benchlake_jobs_denied", "kafka_connect_connector_task_status");
        assertThat(scrape.names()).containsAll(used);
    }

    @Test
    void theMetricsLogLineForCloudWatchCarriesTheValuesOfTheScrape() throws IOException {
        // the line of a second after the last change: the counters stand still, so it matches the scrape
        Awaitility.await("a BENCHLAKE_METRICS line with every job closed").atMost(ConnectHarness.TIMEOUT)
                .pollInterval(Duration.ofMillis(500)).until(() -> lastMetricsLine() != null
                        && lastMetricsLine().get("jobs_closed") == STEPS_PER_JOB.size());
        Map<String, Long> line = lastMetricsLine();
        assertThat(line.get("task")).isZero();
        assertThat(line.get("step_records")).isEqualTo(steps()).isEqualTo((long) scrape.value("benchlake_step_records_total", task()));
        assertThat(line.get("job_records")).isEqualTo((long) scrape.value("benchlake_job_records_total", task()));
        assertThat(line.get("describe_calls")).isEqualTo(STEPS_PER_JOB.size());
        assertThat(line.get("list_steps_calls"))
                .isEqualTo((long) scrape.value("benchlake_api_calls_total", task("operation", "ListSteps")));
        assertThat(line.get("throttled")).isEqualTo((long) scrape.value("benchlake_api_throttled_total", task()));
        assertThat(line.get("jobs_known")).isEqualTo(STEPS_PER_JOB.size());
        assertThat(line.get("jobs_active")).isZero();
        assertThat(line.get("jobs_denied")).isZero();
        assertThat(line.get("oldest_due_job_lag_ms")).isZero();
    }

    // ------------------------------------------------------------------------------------------------------------

    /**
     * The worker log's last BENCHLAKE_METRICS line of this connector, by the field names of docs/monitoring.md's
     * CloudWatch pattern (after marker, version and the quoted connector name: task, then the values); null if none.
     */
    private static Map<String, Long> lastMetricsLine() throws IOException {
        String prefix = "BENCHLAKE_METRICS v1 \"" + NAME + "\" ";
        String log = worker.log();
        int at = log.lastIndexOf(prefix);
        if (at < 0) {
            return null;
        }
        String[] values = log.substring(at + prefix.length()).split("\n", 2)[0].trim().split(" ");
        String doc = Files.readString(Layout.file("docs/monitoring.md"));
        java.util.regex.Matcher m = Pattern.compile("```cloudwatch\n\\[(.*?)]\n```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).isTrue();
        List<String> fields = new ArrayList<>();
        for (String f : m.group(1).split(",")) {
            fields.add(f.trim());
        }
        List<String> after = fields.subList(fields.indexOf("connector") + 1, fields.indexOf("..."));
        assertThat(values).hasSize(after.size());
        Map<String, Long> line = new HashMap<>();
        for (int i = 0; i < after.size(); i++) {
            line.put(after.get(i), Long.parseLong(values[i]));
        }
        return line;
    }

    private static int steps() {
        return STEPS_PER_JOB.values().stream().mapToInt(Integer::intValue).sum();
    }

    private static Map<String, String> sinkTask(String... more) {
        Map<String, String> labels = new HashMap<>(Map.of("connector", SINK, "task", "0"));
        for (int i = 0; i < more.length; i += 2) {
            labels.put(more[i], more[i + 1]);
        }
        return labels;
    }


    private static Map<String, String> task(String... more) {
        Map<String, String> labels = new HashMap<>(Map.of("connector", NAME, "task", "0"));
        for (int i = 0; i < more.length; i += 2) {
            labels.put(more[i], more[i + 1]);
        }
        return labels;
    }

    private static Path agentJar() throws IOException {
        Path dir = Path.of("target/jmx-exporter").toAbsolutePath();
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + " does not exist: `mvn verify` fills it (phase pre-integration-test)");
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("jmx_prometheus_javaagent-")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no jmx_prometheus_javaagent jar in " + dir));
        }
    }

    private static String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(uri + " answered " + r.statusCode());
        }
        return r.body();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
