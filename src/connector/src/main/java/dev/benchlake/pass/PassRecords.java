package dev.benchlake.pass;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.api.StepObservation;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.offset.JobOffset;
import dev.benchlake.record.NanMetricException;
import dev.benchlake.record.RecordSchemas;
import dev.benchlake.record.StepIdentity;
import dev.benchlake.record.StepRecords;

/**
 * Builds the records of a pass: a step record for each step content new for the job, the job record when what is known
 * of the job changed, and the offsets they carry. A step whose record cannot be built marks its job instead.
 */
final class PassRecords {

    private static final Logger log = LoggerFactory.getLogger(PassRecords.class);

    private final ReaderSettings settings;
    private final TaskStats stats;

    PassRecords(ReaderSettings settings, TaskStats stats) {
        this.settings = settings;
        this.stats = stats;
    }

    /** Adds the step's record when its content is new for this job. */
    void emitIfChanged(JobState s, StepObservation step, int identical, Instant observedAt, long now,
            List<Pending> out) {
        String id = StepIdentity.stepId(step);
        Struct value;
        try {
            value = StepRecords.stepValue(step, id, identical, s.job, settings.context(), observedAt);
        } catch (NanMetricException e) {
            // nan.handling=fail: stopping the task is what it asks for
            throw e;
        } catch (RuntimeException e) {
            // one step the API answered in a shape the record cannot hold: the job says so, the task goes on
            s.passUnbuildable++;
            if (s.buildError == null) {
                log.error("job {}: step {} cannot be made a record ({}); the job stays open and says so on the jobs "
                        + "topic, other steps and jobs go on", s.name(), id, e.getMessage());
            }
            s.buildError = "step " + id + " cannot be made a record: " + e.getMessage();
            return;
        }
        String hash = value.getString("content_hash");
        if (s.offset.alreadyEmitted(id, hash)) {
            return;
        }
        s.offset = s.offset.withStep(id, hash);
        out.add(new Pending(settings.topic(), RecordSchemas.STEP_KEY, StepRecords.stepKey(value),
                RecordSchemas.STEP, value, now));
        stats.stepRecords.incrementAndGet();
    }

    /** Adds the job's record when what Benchlake knows of it changed (closed, its error, the API's fields). */
    void emitJobIfChanged(JobState s, boolean closed, String reason, long now, List<Pending> out) {
        String jobHash = StepRecords.jobContentHash(s.job, closed, reason, error(s));
        if (!jobHash.equals(s.offset.jobHash())) {
            s.offset = s.offset.withJobHash(jobHash).withClosed(closed);
            out.add(jobRecord(s, closed, reason, jobHash, now));
        }
    }

    /** What the job record says is wrong with the job: why it cannot be read, else a step it cannot emit. */
    private static String error(JobState s) {
        return s.readError != null ? s.readError : s.buildError;
    }

    private Pending jobRecord(JobState s, boolean closed, String reason, String hash, long now) {
        stats.jobRecords.incrementAndGet();
        Struct value = StepRecords.jobValue(s.name(), s.job, closed, reason, error(s), s.offset.stepsEmitted(), hash,
                settings.context(), Instant.ofEpochMilli(now));
        return new Pending(settings.jobsTopic(), RecordSchemas.JOB_KEY, StepRecords.jobKey(value),
                RecordSchemas.JOB, value, now);
    }

    /**
     * Builds the records of one call. The last carries the job's offset after the call; the others the offset before
     * it, so that whichever of them Connect commits last (without exactly-once, the last one acknowledged in order),
     * a restart never skips a step that was not sent: it reads the page again instead. Two offset maps per call,
     * not one per record, keep a pass over n steps O(n).
     */
    List<SourceRecord> toRecords(JobState s, List<Pending> pending, JobOffset before) {
        List<SourceRecord> records = new ArrayList<>(pending.size());
        if (pending.isEmpty()) {
            return records;
        }
        Map<String, Object> partition = s.partition.toMap();
        Map<String, Object> beforeMap = pending.size() > 1 ? before.toMap() : null;
        for (int i = 0; i < pending.size(); i++) {
            Pending p = pending.get(i);
            Map<String, Object> offset = i == pending.size() - 1 ? s.offset.toMap() : beforeMap;
            records.add(new SourceRecord(partition, offset, p.topic(), null, p.keySchema(), p.key(), p.valueSchema(),
                    p.value(), p.timestamp()));
        }
        return records;
    }

    record Pending(String topic, Schema keySchema, Struct key,
            Schema valueSchema, Struct value, long timestamp) {
    }
}
