package dev.benchlake.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import dev.benchlake.config.NanHandling;
import dev.benchlake.record.RecordContext;
import dev.benchlake.record.RecordSchemas;
import dev.benchlake.record.StepIdentity;
import dev.benchlake.record.StepObservation;
import dev.benchlake.record.StepRecords;

/**
 * The baseline of {@link EndToEndBenchmark}: a trivial source that emits the same BenchmarkStep structs the connector
 * would, built before the first poll, as fast as Connect takes them. Not part of the product.
 */
public class ReplayStepsSourceConnector extends SourceConnector {

    static final String STEPS = "replay.steps";
    static final String TOPIC = "replay.topic";

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = props;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return ReplayTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public String version() {
        return "bench";
    }

    /** The same kind of step the benchmark's emulator serves: step {@code i} of job {@code i / 8}. */
    static StepObservation step(int i) {
        Instant start = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(i * 60L);
        return new StepObservation("bench-" + (i / 8), "BENCHMARK", "COMPLETED", null,
                new StepObservation.Endpoint("sm-epc-bench-" + i, "AllTraffic", "ml.c5.xlarge", 1, null, null, null),
                new StepObservation.Model(null, null, List.of()),
                new StepObservation.Metrics(0.204f, 0.0000891f, 2280, 25, 64.0f, 22.25f, null),
                new StepObservation.EndpointMetrics(2300, 26), start, start.plusSeconds(300));
    }

    public static class ReplayTask extends SourceTask {
        private final List<SourceRecord> records = new ArrayList<>();
        private int next;

        @Override
        public void start(Map<String, String> props) {
            int steps = Integer.parseInt(props.get(STEPS));
            RecordContext context = new RecordContext("us-east-1", "123456789012", NanHandling.NULL);
            for (int i = 0; i < steps; i++) {
                StepObservation s = step(i);
                String id = StepIdentity.stepId(s);
                records.add(new SourceRecord(Map.of("job", s.jobName()), Map.of("i", i), props.get(TOPIC), null,
                        RecordSchemas.STEP_KEY, StepRecords.stepKey(s.jobName(), id), RecordSchemas.STEP,
                        StepRecords.stepValue(s, id, StepIdentity.contentHash(s), null, context, Instant.now()),
                        System.currentTimeMillis()));
            }
        }

        @Override
        public List<SourceRecord> poll() {
            if (next >= records.size()) {
                return null;
            }
            int to = Math.min(records.size(), next + 1_000);
            List<SourceRecord> batch = records.subList(next, to);
            next = to;
            return batch;
        }

        @Override
        public void stop() {
        }

        @Override
        public String version() {
            return "bench";
        }
    }
}
