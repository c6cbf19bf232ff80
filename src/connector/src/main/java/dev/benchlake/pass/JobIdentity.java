package dev.benchlake.pass;

import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.api.JobObservation;
import dev.benchlake.offset.JobOffset;

/** Tells a job from one deleted and created again under its name, by the CreationTime its offset keeps. */
final class JobIdentity {

    private static final Logger log = LoggerFactory.getLogger(JobReader.class);

    private JobIdentity() {
    }

    /**
     * A job's identity is its name and its CreationTime: the offset learns the time once, and a job answering with
     * another was deleted and created again under the name, so it is read again from the start.
     */
    static void identify(JobState s, JobObservation job) {
        if (job.creationTime() == null) {
            return;
        }
        long created = job.creationTime().toEpochMilli();
        if (s.offset.createdMs() == 0) {
            s.offset = s.offset.withCreatedMs(created);
        } else if (s.offset.createdMs() != created) {
            log.info("job {} was created again ({} before, {} now): reading it from the start", s.name(),
                    Instant.ofEpochMilli(s.offset.createdMs()), job.creationTime());
            s.offset = JobOffset.START.withCreatedMs(created);
            s.closeableSinceMs = JobState.NEVER;
            s.passPartial = false;
        }
    }
}
