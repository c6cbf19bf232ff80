package dev.benchlake.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.connect.source.SourceTaskContext;
import org.junit.jupiter.api.Test;

/**
 * The BENCHLAKE_METRICS line: when it is written, and that the CloudWatch Logs metric filter of docs/monitoring.md,
 * applied as CloudWatch applies a space-delimited pattern (fields split on spaces, "quoted" fields kept whole), reads
 * each value from it.
 */
class MetricsLogTest {

    @Test
    void theLineComesOncePerIntervalAndNeverWhenTheIntervalIsZero() {
        Map<String, LongSupplier> values = values(1);
        MetricsLog log = new MetricsLog("c", 0, values, 60_000, 1_000);
        assertThat(log.maybeLog(1_000)).isNull();
        assertThat(log.maybeLog(60_999)).isNull();
        assertThat(log.maybeLog(61_000)).startsWith("BENCHLAKE_METRICS v1 \"c\" 0 ");
        assertThat(log.maybeLog(61_001)).isNull();
        assertThat(log.maybeLog(121_000)).isNotNull();

        MetricsLog off = new MetricsLog("c", 0, values, 0, 0);
        assertThat(off.maybeLog(Long.MAX_VALUE / 2)).isNull();
    }

    @Test
    void everyFieldOfTheDocumentedFilterReadsItsValueFromTheLineOfATaskWhoseNameHasSpaces() throws IOException {
        // each attribute's value is its position times 7, so a field read from the wrong position shows
        Map<String, LongSupplier> values = values(7);
        String line = new MetricsLog("nightly \"prod\" benchmarks", 3, values, 1, 0).maybeLog(1);

        List<String> pattern = documentedFilterFields();
        // what Connect's log layout on MSK Connect puts before the message: [Worker-id] [date time] LEVEL [context]
        String event = "[Worker-0a1b2c3d4e5f] [2026-12-07 20:00:00,123] INFO [nightly|task-3] " + line
                + " (dev.benchlake.connect.MetricsLog:71)";
        Map<String, String> extracted = spaceDelimited(pattern, event);

        assertThat(extracted).containsEntry("marker", "BENCHLAKE_METRICS").containsEntry("version", "v1")
                .containsEntry("connector", "nightly 'prod' benchmarks").containsEntry("task", "3");
        List<String> names = new ArrayList<>(values.keySet());
        for (int i = 0; i < names.size(); i++) {
            String field = PluginMetricsBridge.kebab(names.get(i)).replace('-', '_');
            assertThat(extracted).as(field).containsEntry(field, Long.toString(7L * (i + 1)));
        }
        assertThat(MetricsLog.fields()).isEqualTo(TaskMetrics.attributeNames()).hasSize(names.size());
    }

    @Test
    void aWorkerWithoutPluginMetricsGetsAnEmptyBridgeAndTheMBeanAlone() {
        // as on Connect 3.7, whose context has no pluginMetrics(): here the proxy fails the call
        SourceTaskContext old = (SourceTaskContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SourceTaskContext.class}, (p, m, a) -> {
                    throw new AbstractMethodError(m.getName());
                });
        try (PluginMetricsBridge bridge = PluginMetricsBridge.register(old, values(1))) {
            assertThat(bridge.registered()).isZero();
        }
        assertThat(PluginMetricsBridge.kebab("OldestDueJobLagMs")).isEqualTo("oldest-due-job-lag-ms");
    }

    private static Map<String, LongSupplier> values(long step) {
        Map<String, LongSupplier> values = new LinkedHashMap<>();
        long v = 0;
        for (String name : TaskMetrics.attributeNames()) {
            long value = step * ++v;
            values.put(name, () -> value);
        }
        return values;
    }

    /** The field names of the space-delimited pattern in docs/monitoring.md's ```cloudwatch block. */
    private static List<String> documentedFilterFields() throws IOException {
        String doc = Files.readString(Path.of(System.getProperty("benchlake.root", "../.."), "docs", "monitoring.md"));
        Matcher m = Pattern.compile("```cloudwatch\n\\[(.*?)]\n```", Pattern.DOTALL).matcher(doc);
        assertThat(m.find()).as("docs/monitoring.md has the metric filter in a ```cloudwatch block").isTrue();
        List<String> fields = new ArrayList<>();
        for (String f : m.group(1).split(",")) {
            fields.add(f.trim().replaceAll("\\s+", " "));
        }
        return fields;
    }

    /**
     * CloudWatch Logs' space-delimited matching: the event is split on spaces, text in "" or [] is one field, a
     * field {@code name="literal"} must equal the literal, {@code ...} stands for any number of fields.
     */
    private static Map<String, String> spaceDelimited(List<String> pattern, String event) {
        List<String> tokens = new ArrayList<>();
        Matcher t = Pattern.compile("\"([^\"]*)\"|\\[([^]]*)]|(\\S+)").matcher(event);
        while (t.find()) {
            tokens.add(t.group(1) != null ? t.group(1) : t.group(2) != null ? t.group(2) : t.group(3));
        }
        int dots = pattern.indexOf("...");
        List<String> head = dots < 0 ? pattern : pattern.subList(0, dots);
        assertThat(pattern.lastIndexOf("...")).as("one ... only, at the end").isIn(-1, pattern.size() - 1);
        assertThat(tokens.size()).as("the event has the pattern's fields").isGreaterThanOrEqualTo(head.size());
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < head.size(); i++) {
            String[] f = head.get(i).split("=", 2);
            if (f.length == 2) {
                assertThat(tokens.get(i)).as(f[0]).isEqualTo(f[1].replace("\"", ""));
            }
            out.put(f[0], tokens.get(i));
        }
        return out;
    }
}
