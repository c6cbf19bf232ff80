package dev.benchlake.failover;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.Test;

import dev.benchlake.it.TopicReader;

/**
 * The same kills as {@link ExactlyOnceFailoverIT} without exactly-once (the workers' default): nothing may be lost,
 * duplicates are allowed and counted (offsets are flushed every 5 s, so a killed task's successor produces again what
 * it produced since the last flush). The count is in the test's report and in docs/scale.md.
 */
class AtLeastOnceFailoverIT {

    @Test
    void noStepVersionLostThroughAKillAndAGracefulStop() throws Exception {
        try (FailoverRun run = new FailoverRun(false).start()) {
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

            List<TopicReader.Rec> records = run.steps.drain();
            List<TopicReader.Rec> jobRecords = run.jobs.drain();
            Set<FleetScenario.Version> expected = FleetScenario.upTo(2);
            Map<String, Long> perContent = FailoverRun.perContent(records);
            // copies beyond the first of each (step_id, content_hash): what a SIGKILL sends again without exactly-once
            long duplicates = perContent.values().stream().mapToLong(n -> n - 1).sum();
            long duplicatedContents = perContent.values().stream().filter(n -> n > 1).count();
            Map<String, Long> closed = FailoverRun.closedJobs(jobRecords);
            String summary = String.format("at-least-once: %d step records for %d expected versions (%d distinct "
                    + "(step_id, content_hash)); %d duplicates over %d step versions; %d job records, %d jobs closed "
                    + "(%d closed records); child task %d moved %d ms after SIGKILL, task %d moved %d ms after the "
                    + "graceful stop", records.size(), expected.size(), perContent.size(), duplicates, duplicatedContents,
                    jobRecords.size(), closed.size(), closed.values().stream().mapToLong(Long::longValue).sum(),
                    run.childTask, run.childMovedAfterMs, run.stoppedTask, run.stoppedMovedAfterMs);
            run.writeReport(summary);

            assertThat(FailoverRun.versions(records)).as("nothing lost, nothing invented: " + summary).isEqualTo(expected);
            assertThat(perContent).as(summary).hasSize(expected.size());
            assertThat(FailoverRun.contentPerVersion(records).values()).as("one step id and hash per version")
                    .allSatisfy(ids -> assertThat(ids).hasSize(1));
            // the documented bound (README): what the killed task sent after its last offset commit, far below a
            // quarter of the versions; the graceful stop commits its offsets and adds none
            assertThat(duplicates).as("duplicates: " + summary).isLessThanOrEqualTo(expected.size() / 4);
            assertThat(closed).as("every job closed").hasSize(FleetScenario.JOBS);
            assertThat(run.childMovedAfterMs).as("the killed worker's task moved").isPositive();
        }
    }
}
