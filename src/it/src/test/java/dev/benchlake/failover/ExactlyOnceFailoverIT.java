package dev.benchlake.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.Test;

import dev.benchlake.it.TopicReader;

/**
 * Exactly-once across a real crash and a graceful stop: three workers with {@code exactly.once.source.support=enabled}
 * (two in-process, one in a child JVM), the connector with {@code exactly.once.support=required} and
 * {@code transaction.boundary=connector} (one transaction per job pass), three tasks, discovery on, 40 jobs of 8 steps
 * read in three stages. The child worker is killed with SIGKILL while its task's transaction is open, and an in-process
 * worker is stopped while its task's transaction is open. A read_committed consumer must see every step version
 * exactly once, and nothing else.
 */
class ExactlyOnceFailoverIT {

    @Test
    void everyStepVersionExactlyOnceThroughAKillAndAGracefulStop() throws Exception {
        try (FailoverRun run = new FailoverRun(true).start()) {
            run.startConnector();
            run.enterStage(0);
            run.awaitStage(0);

            run.enterStage(1);
            run.awaitWorkInFlight(run.childTask, 1);
            run.killChild();
            run.awaitStage(1);

            run.enterStage(2);
            WorkerHandle victim = run.workerWithATask();
            int victimTask = run.taskOn(FailoverRun.workerId(victim));
            run.stoppedTask = victimTask;
            run.awaitWorkInFlight(victimTask, 2);
            run.stopGracefully(victim, victimTask);
            run.awaitStage(2);
            run.awaitAllJobsClosed();
            run.awaitQuiet();

            List<TopicReader.Rec> committed = run.steps.drain();
            List<TopicReader.Rec> uncommitted = run.stepsUncommitted.drain();
            List<TopicReader.Rec> jobRecords = run.jobs.drain();
            Set<FleetScenario.Version> expected = FleetScenario.upTo(2);
            Map<String, Long> perContent = FailoverRun.perContent(committed);
            long duplicates = committed.size() - perContent.size();
            List<TopicReader.Rec> abortedRecords = FailoverRun.aborted(uncommitted, committed);
            long aborted = abortedRecords.size();
            long abortedByKill = FailoverRun.ofTaskAndStage(abortedRecords, run.childTask, 1);
            long abortedByStop = FailoverRun.ofTaskAndStage(abortedRecords, run.stoppedTask, 2);
            Map<String, Long> closed = FailoverRun.closedJobs(jobRecords);
            Map<String, Long> perJobContent = jobRecords.stream().collect(Collectors.groupingBy(
                    r -> r.text("job_name") + "/" + r.text("content_hash"), Collectors.counting()));
            String summary = String.format("exactly-once: %d step records read_committed for %d expected versions "
                    + "(%d distinct (step_id, content_hash), %d duplicates); %d records of aborted transactions seen "
                    + "read_uncommitted (%d of the killed task in stage 2, %d of the stopped task in stage 3); "
                    + "%d job records, %d jobs closed; child task %d moved %d ms after SIGKILL, task %d "
                    + "moved %d ms after the graceful stop", committed.size(), expected.size(), perContent.size(),
                    duplicates, aborted, abortedByKill, abortedByStop, jobRecords.size(), closed.size(), run.childTask, run.childMovedAfterMs,
                    run.stoppedTask, run.stoppedMovedAfterMs);
            run.writeReport(summary);

            assertThat(FailoverRun.versions(committed)).as(summary).isEqualTo(expected);
            assertThat(committed).as(summary).hasSize(expected.size());
            assertThat(perContent).as("every (step_id, content_hash) exactly once").hasSize(expected.size());
            assertThat(perContent.values()).as(summary).containsOnly(1L);
            assertThat(FailoverRun.contentPerVersion(committed).values()).as("one step id and hash per version")
                    .allSatisfy(ids -> assertThat(ids).hasSize(1));
            assertThat(uncommitted.stream().map(TopicReader.Rec::offset).collect(Collectors.toSet()))
                    .as("read_uncommitted sees every committed record too")
                    .containsAll(committed.stream().map(TopicReader.Rec::offset).toList());
            assertThat(abortedByStop).as("a graceful stop commits its open transaction: it aborts nothing: " + summary).isZero();
            assertThat(abortedByKill)
                    .as("the SIGKILL hit an open transaction of the child's task, whose records were aborted: " + summary)
                    .isPositive();
            assertThat(closed).as("every job closed exactly once").hasSize(FleetScenario.JOBS);
            assertThat(closed.values()).containsOnly(1L);
            assertThat(perJobContent.values()).as("every job version exactly once").containsOnly(1L);
            assertThat(run.childMovedAfterMs).as("the killed worker's task moved").isPositive();
        }
    }
}
