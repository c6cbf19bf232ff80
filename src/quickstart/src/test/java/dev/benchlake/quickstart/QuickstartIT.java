package dev.benchlake.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.DemoScenario;
import dev.benchlake.quickstart.stack.SchemaRegistryProcess;

/**
 * The quickstart's main entry, in this JVM, in its default mode (built-in emulator, demo scenario): the READY line,
 * the regression table, the HTML report, and every component stopped at the end.
 */
class QuickstartIT {
    private static final Pattern READY = Pattern.compile("^BENCHLAKE_READY bootstrap=(?<bootstrap>\\S+) "
            + "registry=(?<registry>\\S+) connect=(?<connect>\\S+) jdbc=(?<jdbc>\\S+) sagemaker=(?<sagemaker>\\S+)$",
            Pattern.MULTILINE);

    @Test
    void defaultModeLandsTheDemoScenarioReportsTheRegressionAndStopsEverything() throws Exception {
        Path report = Path.of("target/quickstart-it/report.html");
        Files.deleteIfExists(QuickstartStack.projectDir().resolve(report));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new TeeStream(out, System.out), true, StandardCharsets.UTF_8);
        long started = System.nanoTime();
        int code = Quickstart.run(new String[] {"--report", report.toString(), "--timeout", "150"}, tee,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(code).as(text).isZero();

        // the one parseable READY line
        Matcher ready = READY.matcher(text);
        assertThat(ready.find()).as("READY line in\n" + text).isTrue();
        assertThat(text.lines().filter(l -> l.startsWith(Quickstart.READY))).hasSize(1);
        URI registry = URI.create(ready.group("registry"));
        URI connect = URI.create(ready.group("connect"));
        URI jdbc = URI.create(ready.group("jdbc").substring("jdbc:".length()));
        URI sagemaker = URI.create(ready.group("sagemaker"));
        String[] bootstrap = ready.group("bootstrap").split(":");
        assertThat(registry.getPath()).isEqualTo("/api/v1/confluent");
        assertThat(jdbc.getScheme()).isEqualTo("postgresql");
        assertThat(jdbc.getPath()).isEqualTo("/benchlake");
        assertThat(connect.getScheme()).isEqualTo("http");
        assertThat(sagemaker.getHost()).isEqualTo("127.0.0.1");
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("kafka", Integer.parseInt(bootstrap[1]));
        ports.put("registry", registry.getPort());
        ports.put("connect", connect.getPort());
        ports.put("postgres", jdbc.getPort());
        ports.put("emulator", sagemaker.getPort());
        assertThat(ports.values()).allSatisfy(p -> assertThat(p).isPositive()).doesNotHaveDuplicates();

        // progress, then everything landed
        assertThat(text).contains("jobs found 56 | steps emitted 224 | rows landed 224/224 steps, 56/56 jobs (56 closed)",
                "All landed: 224 benchmark steps of 56 jobs");
        assertThat(text).containsPattern("First row landed in PostgreSQL \\d+\\.\\d s after the command started");

        // the regression table names exactly the injected series
        List<String> regressions = section(text, "Regressions in force", "Cheapest configuration");
        assertThat(regressions).hasSize(3);
        assertThat(regressions.get(0).trim().split("\\s+")).containsExactly("aws_region", "model", "configuration",
                "metric", "model_package_version", "latest_job_name", "latest_value", "baseline_median", "change",
                "regressed_since_date", "regressed_runs");
        assertThat(regressions.get(2).trim().split("\\s+")).containsExactly("us-east-1", DemoScenario.REGRESSED_MODEL,
                DemoScenario.REGRESSED_TYPE, "model_latency_ms", "-", "nightly-resnet50-d28", "52", "40", "+30.0", "%",
                "2026-03-22", "7");
        // 100 ms at 15 requests/s (900 a minute), each instance planned at half its benchmarked MaxInvocations (the
        // default headroom, 0.5): resnet50 needs 2 x ml.c5.xlarge (1200/min: 0.408 $/h), 2 x ml.m5.xlarge (1000/min),
        // 1 x ml.g4dn.xlarge (0.736) or 1 x ml.inf1.xlarge (4800/min: 0.297, 48 ms); bert-base's ml.c5.xlarge and
        // ml.m5.xlarge are too slow, ml.inf1.xlarge (1500/min) needs 2 (0.594) and beats 1 x ml.g4dn.xlarge (0.736)
        List<String> cheapest = section(text, "Cheapest configuration per model for 100 ms at 15 requests/s", "Failure rate");
        assertThat(cheapest.get(0).trim().split("\\s+")).containsExactly("aws_region", "model", "model_package_version",
                "configuration", "instance_count", "hourly_cost", "median_latency_ms", "candidates", "note");
        assertThat(cheapest.subList(2, cheapest.size())).extracting(l -> String.join(" ", l.trim().split("\\s+")))
                .containsExactly("us-east-1 bert-base - ml.inf1.xlarge 2 0.594 70 2 -",
                        "us-east-1 resnet50 - ml.inf1.xlarge 1 0.297 48 4 -");
        List<String> failures = section(text, "Failure rate by instance type", "Report written");
        assertThat(failures.get(2)).contains("ml.inf1.xlarge", " 4 ", " 56 ", "0.071");
        assertThat(failures.get(3)).contains("ml.m5.xlarge", " 1 ", " 56 ", "0.018");

        // the trends application confirmed the injected regression alone, from its first night
        List<String> changes = section(text, "Confirmed change points", "Report written");
        assertThat(changes).hasSize(3);
        String firstJob = DemoScenario.jobName(DemoScenario.REGRESSED_MODEL, DemoScenario.REGRESSION_DAY);
        assertThat(changes.get(2)).contains(DemoScenario.REGRESSED_MODEL + " | Default | " + DemoScenario.REGRESSED_TYPE
                + " x1", "model_latency_ms", "regression", "+30.0 % (95 % CI ", firstJob, "2026-03-22T02:00:00Z");
        assertThat(text).contains("Change points decided: 1 confirmed (benchmark_changes)");

        // the self-contained report: four charts, the regression marked on resnet50's latency chart
        Path html = QuickstartStack.projectDir().resolve(report);
        assertThat(text).contains("Report written: " + html.toUri());
        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<title>Benchlake quickstart report</title>");
        assertThat(count(page, "<svg ")).isEqualTo(4);
        assertThat(page).contains("data-model=\"resnet50\" data-metric=\"model_latency_ms\"",
                "data-model=\"bert-base\" data-metric=\"cost_per_1m_inferences\"");
        assertThat(count(page, "class=\"regression-mark\"")).isEqualTo(1);
        assertThat(page).contains("<g class=\"regression-mark\" data-model=\"resnet50\" data-instance-type=\"ml.g4dn.xlarge\" "
                + "data-since=\"2026-03-22\">", "regression: ml.g4dn.xlarge +30.0 % since 2026-03-22");
        assertThat(count(page, "<polyline class=\"series\"")).isEqualTo(16);
        // and the change point, at its first run, and in the table of changes
        assertThat(count(page, "class=\"change-mark\"")).isEqualTo(1);
        assertThat(page).contains("<g class=\"change-mark\" data-line=\"" + DemoScenario.REGRESSED_TYPE
                + "\" data-direction=\"regression\" data-first-job=\"" + firstJob + "\" data-date=\"2026-03-22\">",
                "<table class=\"changes\">");
        // no script, no stylesheet or image from the network
        assertThat(page).doesNotContain("<script", "<link", "src=", "href=", "https://");

        // every component stopped: ports closed, the registry JVM gone
        assertThat(text).contains("Stopped: Kafka Connect, Kafka, schema registry, PostgreSQL, SageMaker emulator");
        await("every port closed").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(ports).allSatisfy((name, port) ->
                        assertThat(listening(port)).as(name + " on port " + port).isFalse()));
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(SchemaRegistryProcess.MAIN_CLASS))).isEmpty();
        // about 40 s on an idle 2-core machine; printed rather than asserted, since shared CI machines vary
        System.out.println("QuickstartIT: the quickstart took " + took.toSeconds() + " s");
    }

    /** The lines after the line that starts with {@code from}'s title, up to the next blank line. */
    static List<String> section(String text, String from, String to) {
        List<String> lines = text.lines().toList();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(from)) {
                start = i + 1;
                break;
            }
        }
        assertThat(start).as("section " + from).isPositive();
        List<String> out = new ArrayList<>();
        for (int i = start; i < lines.size() && !lines.get(i).isBlank() && !lines.get(i).contains(to); i++) {
            out.add(lines.get(i));
        }
        return out;
    }

    private static int count(String s, String what) {
        AtomicInteger n = new AtomicInteger();
        int i = 0;
        while ((i = s.indexOf(what, i)) >= 0) {
            n.incrementAndGet();
            i += what.length();
        }
        return n.get();
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Captures the quickstart's output and still shows it in the test's log. */
    static final class TeeStream extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        TeeStream(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}
