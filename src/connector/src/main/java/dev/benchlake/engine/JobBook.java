package dev.benchlake.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.api.JobObservation;
import dev.benchlake.offset.JobOffset;
import dev.benchlake.offset.JobPartition;
import dev.benchlake.pass.JobReader;
import dev.benchlake.pass.JobState;

/**
 * Which jobs the task owns: every job it knows (so discovery adds each once), the jobs still open by name (so a listing
 * refreshes their summary), and the CreationTime of each closed one (so a job created again under its name is read
 * again). It loads the stored offsets of jobs it learns of, and tells when IAM denies every job still open.
 *
 * <p>Called by the poll thread only.
 */
final class JobBook {

    private static final Logger log = LoggerFactory.getLogger(SourceEngine.class);

    private final String region;
    private final String account;
    private final OffsetStorageReader offsets;
    /** Every job this task owns, open or closed. */
    private final Set<String> known = new HashSet<>();
    /** The CreationTime (epoch ms) of each closed job whose offset knows it: a listing of a later one reopens it. */
    private final Map<String, Long> closedCreatedMs = new HashMap<>();
    /** The jobs not closed, by name. */
    private final Map<String, JobState> open = new HashMap<>();

    JobBook(String region, String account, OffsetStorageReader offsets) {
        this.region = region;
        this.account = account;
        this.offsets = offsets;
    }

    /**
     * Loads the stored offsets of the jobs not known yet and returns those not closed, due at {@code nowMs}, each with
     * its listed summary when it has one.
     */
    List<JobState> add(Collection<String> jobNames, Map<String, JobObservation> listed, long nowMs) {
        Map<Map<String, Object>, JobPartition> partitions = new HashMap<>();
        for (String job : jobNames) {
            if (known.add(job)) {
                JobPartition p = new JobPartition(region, account, job);
                partitions.put(p.toMap(), p);
            }
        }
        List<JobState> added = new ArrayList<>();
        if (partitions.isEmpty()) {
            return added;
        }
        Map<Map<String, Object>, Map<String, Object>> stored = offsets.offsets(partitions.keySet());
        for (Map.Entry<Map<String, Object>, JobPartition> e : partitions.entrySet()) {
            JobOffset offset = JobOffset.fromMap(stored == null ? null : stored.get(e.getKey()));
            if (offset.closed()) {
                if (offset.createdMs() != 0) {
                    closedCreatedMs.put(e.getValue().job(), offset.createdMs());
                }
                continue;
            }
            JobState s = new JobState(e.getValue(), offset);
            s.listed(listed.get(e.getValue().job()));
            s.dueAt(nowMs);
            open.put(s.name(), s);
            added.add(s);
        }
        return added;
    }

    /**
     * Jobs found by discovery: known open ones get the fresher summary; new ones and ones created again after they
     * closed here are returned, to be queued (each with its summary, which says whether it is live or backlog).
     */
    List<JobState> listed(List<JobObservation> jobs, long nowMs) {
        Map<String, JobObservation> fresh = new HashMap<>();
        List<JobState> added = new ArrayList<>();
        for (JobObservation job : jobs) {
            JobState s = open.get(job.jobName());
            if (s != null) {
                s.listed(job);
            } else if (!known.contains(job.jobName())) {
                fresh.put(job.jobName(), job);
            } else if (recreated(job)) {
                added.add(reopen(job, nowMs));
            }
        }
        added.addAll(add(fresh.keySet(), fresh, nowMs));
        return added;
    }

    /** Whether a listed job closed here was deleted and created again under its name since. */
    private boolean recreated(JobObservation job) {
        Long closed = closedCreatedMs.get(job.jobName());
        return closed != null && job.creationTime() != null && job.creationTime().toEpochMilli() != closed;
    }

    /** A job created again under the name of one closed here: read from the start, as a new job. */
    private JobState reopen(JobObservation job, long nowMs) {
        closedCreatedMs.remove(job.jobName());
        JobState s = new JobState(new JobPartition(region, account, job.jobName()),
                JobOffset.START.withCreatedMs(job.creationTime().toEpochMilli()));
        s.listed(job);
        s.dueAt(nowMs);
        log.info("job {} was created again at {} after it closed here: reading it again", job.jobName(), job.creationTime());
        open.put(s.name(), s);
        return s;
    }

    /** A job closed: it leaves the open jobs, and its CreationTime is kept to tell it from one created again. */
    void closed(JobState job) {
        open.remove(job.name());
        if (job.offset().createdMs() != 0) {
            closedCreatedMs.put(job.name(), job.offset().createdMs());
        }
    }

    int knownCount() {
        return known.size();
    }

    int openCount() {
        return open.size();
    }

    /**
     * One denied job waits while the others go on, and so does one left when all the others are read and closed (a
     * policy scoped by resource); but when IAM denies every job this task owns (once the listing has shown them all),
     * or every job still open while one of them was read before (a policy revoked), nothing can be read, and the task
     * fails with the reason instead of idling as RUNNING.
     *
     * @param denied how many jobs IAM denies now
     * @param allListed whether the task has seen every job of its shard (discovery off, or one whole listing done)
     */
    void failIfEveryJobIsDenied(long denied, boolean allListed) {
        if (denied == 0 || denied < open.size() || !allListed) {
            return;
        }
        boolean revoked = open.values().stream()
                .anyMatch(s -> JobReader.isDenied(s) && (s.answeredOnce() || s.offset().stepsEmitted() > 0));
        if (denied < known.size() && !revoked) {
            return;
        }
        String example = open.values().stream().filter(s -> s.readError() != null)
                .map(s -> s.name() + ": " + s.readError()).findFirst().orElse("");
        throw new ConnectException("IAM denies every one of this task's " + open.size() + " jobs still open; grant "
                + "sagemaker:DescribeInferenceRecommendationsJob and sagemaker:ListInferenceRecommendationsJobSteps on "
                + "them. For example, job " + example);
    }
}
