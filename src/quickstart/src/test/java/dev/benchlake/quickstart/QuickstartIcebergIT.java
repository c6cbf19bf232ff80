package dev.benchlake.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.benchlake.emulator.DemoScenario;

/**
 * {@code ./quickstart.sh --warehouse iceberg}: the demo scenario lands in PostgreSQL and, through Apache Iceberg's own
 * sink, in Iceberg tables on the local filesystem; DuckDB's answer over the tables' Parquet files is printed, and it is
 * the PostgreSQL model's answer, line for line.
 */
class QuickstartIcebergIT {
    private static final Pattern LAKEHOUSE = Pattern.compile("Iceberg sink +benchlake-sink-iceberg -> (?<uri>file:\\S+)");

    @Test
    void warehouseIcebergLandsTheDemoScenarioInIcebergAndDuckDbFindsThePostgresRegression() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream tee = new PrintStream(new QuickstartIT.TeeStream(out, System.out), true, StandardCharsets.UTF_8);
        int code = Quickstart.run(new String[] {"--warehouse", "iceberg", "--report", "target/quickstart-it/iceberg.html",
                "--timeout", "180"}, tee, new PrintStream(err, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(code).as(text).isZero();
        assertThat(text).contains("All landed: " + DemoScenario.STEPS + " benchmark steps of " + DemoScenario.JOBS + " jobs");

        // the tables' committed Parquet files, in the folder the quickstart named
        Matcher m = LAKEHOUSE.matcher(text);
        assertThat(m.find()).as("the Iceberg sink's line in\n" + text).isTrue();
        Path lakehouse = Path.of(URI.create(m.group("uri")));
        assertThat(parquetFiles(lakehouse.resolve("benchlake/benchmark_steps/data"))).isNotEmpty();
        assertThat(parquetFiles(lakehouse.resolve("benchlake/recommendation_jobs/data"))).isNotEmpty();

        // DuckDB over the lakehouse: the same regression table as PostgreSQL's, the injected one
        List<String> postgres = QuickstartIT.section(text, "Regressions in force", "Cheapest configuration");
        List<String> lake = QuickstartIT.section(text, "Regressions in the lakehouse", "Stopping");
        assertThat(lake).hasSize(3).containsExactlyElementsOf(postgres);
        assertThat(lake.get(2).trim().split("\\s+")).containsExactly("us-east-1", DemoScenario.REGRESSED_MODEL,
                DemoScenario.REGRESSED_TYPE, "model_latency_ms", "-", "nightly-resnet50-d28", "52", "40", "+30.0", "%",
                "2026-03-22", "7");
        assertThat(text).contains("Stopped: Kafka Connect, Kafka, schema registry, PostgreSQL, SageMaker emulator");
    }

    private static List<Path> parquetFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".parquet")).toList();
        }
    }
}
