package dev.benchlake.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.utils.Time;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.FakeRecommenderApi;
import dev.benchlake.api.JobObservation;
import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.offset.JobOffset;
import dev.benchlake.record.TestSteps;

/** A job's identity is its name and its CreationTime: one deleted and created again under its name is read again. */
class RecreatedJobTest {

    private final TaskStats stats = new TaskStats();
    private final List<SourceRecord> records = new ArrayList<>();
    private SourceEngine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.stop();
        }
    }

    private static JobObservation createdAt(JobObservation job, Instant created) {
        return new JobObservation(job.jobName(), job.jobArn(), job.jobType(), job.status(), job.jobDescription(),
                job.failureReason(), created, created.plusSeconds(600), created.plusSeconds(600), job.modelName(),
                job.modelPackageVersionArn(), job.inputConfig());
    }

    private boolean pollUntil(BooleanSupplier done) {
        for (int polls = 0; polls < 200 && !done.getAsBoolean(); polls++) {
            List<SourceRecord> batch = engine.poll();
            if (batch != null) {
                records.addAll(batch);
            }
        }
        return done.getAsBoolean();
    }

    private List<String> endpoints() {
        return records.stream().filter(r -> r.topic().equals("steps"))
                .map(r -> ((Struct) r.value()).getString("endpoint_name")).toList();
    }

    @Test
    void aJobClosedHereAndCreatedAgainUnderItsNameIsReadAgain() {
        FakeRecommenderApi api = new FakeRecommenderApi();
        Instant first = Instant.parse("2026-01-05T01:00:00Z");
        api.put(createdAt(TestSteps.job("nightly", "COMPLETED"), first),
                List.of(TestSteps.completed("nightly", "ml.c5.xlarge", "ep-first")));
        Map<String, String> props = new HashMap<>();
        props.put("aws.region", "us-east-1");
        props.put("discovery.enabled", "true");
        props.put("discovery.interval.ms", "100");
        props.put("discovery.overlap.ms", "0");
        props.put("topic", "steps");
        props.put("jobs.topic", "jobs");
        props.put("terminal.grace.period.ms", "0");
        props.put("api.max.requests.per.second", "1000");
        engine = new SourceEngine(EngineDeps.of(api, new BenchlakeSourceConfig(props), Time.SYSTEM, new Random(1),
                new NoOffsets(), null, stats));
        engine.start(List.of());

        assertThat(pollUntil(() -> stats.jobsClosed.get() == 1)).as("the first job closes").isTrue();
        assertThat(endpoints()).containsExactly("ep-first");
        SourceRecord closedRecord = records.get(records.size() - 1);
        assertThat(JobOffset.fromMap(closedRecord.sourceOffset()).createdMs()).as("the offset knows the job's creation")
                .isEqualTo(first.toEpochMilli());

        // deleted and created again an hour later under the same name, with another benchmark
        Instant second = first.plus(Duration.ofHours(1));
        api.put(createdAt(TestSteps.job("nightly", "COMPLETED"), second),
                List.of(TestSteps.completed("nightly", "ml.g5.xlarge", "ep-second")));

        assertThat(pollUntil(() -> stats.jobsClosed.get() == 2)).as("the job created again is read and closes").isTrue();
        assertThat(endpoints()).containsExactly("ep-first", "ep-second");
        SourceRecord last = records.get(records.size() - 1);
        assertThat(JobOffset.fromMap(last.sourceOffset()).createdMs()).isEqualTo(second.toEpochMilli());
    }
}
