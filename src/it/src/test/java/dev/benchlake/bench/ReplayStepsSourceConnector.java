package dev.benchlake.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import dev.benchlake.api.JobObservation;
import dev.benchlake.api.StepObservation;
import dev.benchlake.offset.JobOffset;
import dev.benchlake.offset.JobPartition;
import dev.benchlake.record.NanHandling;
import dev.benchlake.record.RecordContext;
import dev.benchlake.record.RecordSchemas;
import dev.benchlake.record.StepIdentity;
import dev.benchlake.record.StepRecords;

/**
 * The baseline of {@link EndToEndBenchmark}: a trivial source that emits the records Benchlake emits for the same
 * jobs (step and job structs, source partitions and offsets), built before the first poll, as fast as Connect takes
 * them. Not part of the product.
 */
public class ReplayStepsSourceConnector extends SourceConnector {

    static final String STEPS = "replay.steps";
    static final String TOPIC = "replay.topic";
    static final String JOBS_TOPIC = "replay.jobs.topic";

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
        return new StepObservation(jobName(i / 8), "BENCHMARK", "COMPLETED", null,
                new StepObservation.Endpoint("sm-epc-bench-" + i, "AllTraffic", "ml.c5.xlarge", 1, null, null, null),
                new StepObservation.Model(null, null, List.of()),
                new StepObservation.Metrics(0.204f, 0.0000891f, 2280, 25, 64.0f, 22.25f, null),
                new StepObservation.EndpointMetrics(2300, 26), start, start.plusSeconds(300));
    }

    static String jobName(int job) {
        return String.format("bench-%05d", job);
    }

    /** The same kind of job the emulator describes, with its input configuration. */
    static JobObservation job(int job) {
        Instant created = Instant.parse("2026-01-01T00:00:00Z").plusSeconds(job * 30L);
        return new JobObservation(jobName(job),
                "arn:aws:sagemaker:us-east-1:123456789012:inference-recommendations-job/" + jobName(job), "Default",
                "COMPLETED", "Generated benchmark of resnet50", null, created, created.plusSeconds(3_600),
                created.plusSeconds(3_600), "resnet50", null,
                new JobObservation.InputConfig(null, null, "[{\"InstanceType\":\"ml.c5.xlarge\"},"
                        + "{\"InstanceType\":\"ml.m5.xlarge\"},{\"InstanceType\":\"ml.g4dn.xlarge\"}]"));
    }

    public static class ReplayTask extends SourceTask {
        private final List<SourceRecord> records = new ArrayList<>();
        private int next;

        /**
         * Builds what Benchlake emits for finished jobs of 8 steps, with the same library calls: per job, its step
         * records, each carrying the job's fields, its partition and its offset so far, then the job record that
         * closes it.
         */
        @Override
        public void start(Map<String, String> props) {
            int steps = Integer.parseInt(props.get(STEPS));
            String topic = props.get(TOPIC);
            String jobsTopic = props.get(JOBS_TOPIC);
            RecordContext context = new RecordContext("us-east-1", "123456789012", NanHandling.NULL);
            for (int j = 0; j * 8 < steps; j++) {
                JobObservation job = job(j);
                Map<String, Object> partition = new JobPartition("us-east-1", "123456789012", job.jobName()).toMap();
                JobOffset offset = JobOffset.START;
                for (int i = j * 8; i < Math.min(steps, j * 8 + 8); i++) {
                    StepObservation s = step(i);
                    String id = StepIdentity.stepId(s);
                    Struct value = StepRecords.stepValue(s, id, job, context, Instant.now());
                    offset = offset.withStep(id, value.getString("content_hash"));
                    records.add(new SourceRecord(partition, offset.toMap(), topic, null, RecordSchemas.STEP_KEY,
                            StepRecords.stepKey(value), RecordSchemas.STEP, value, System.currentTimeMillis()));
                }
                String jobHash = StepRecords.jobContentHash(job, true, "COMPLETE", null);
                offset = offset.withJobHash(jobHash).withClosed(true);
                Struct jobValue = StepRecords.jobValue(job.jobName(), job, true, "COMPLETE", null, offset.stepsEmitted(),
                        jobHash, context, Instant.now());
                records.add(new SourceRecord(partition, offset.toMap(), jobsTopic, null, RecordSchemas.JOB_KEY,
                        StepRecords.jobKey(jobValue), RecordSchemas.JOB, jobValue, System.currentTimeMillis()));
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
