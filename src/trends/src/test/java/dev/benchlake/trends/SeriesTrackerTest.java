package dev.benchlake.trends;

import static dev.benchlake.trends.ChangePointDetectorTest.values;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The detector run by run: confirmation, version order, re-runs, retraction. */
class SeriesTrackerTest {
    private static final long DAY = 86_400_000L;
    private static final int MIN_RUNS = DetectorSettings.DEFAULTS.minRuns();

    private final SeriesTracker tracker = new SeriesTracker(new ChangePointDetector(DetectorSettings.DEFAULTS), true, 1);

    private static Run run(int night, Integer version, double value) {
        String job = String.format("job-%02d", night);
        return new Run(job, job, night * DAY, version, value);
    }

    @Test
    void aChangeIsReportedWhenTheMinRunsAfterItHaveArrivedAndNamesThatRun() {
        double[] v = values(60, 30, 24, 1.3);
        List<SeriesTracker.Update> updates = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            updates.add(tracker.add(run(i, null, v[i])));
        }

        int confirming = 24 + MIN_RUNS - 1;
        for (int i = 0; i < confirming; i++) {
            assertThat(updates.get(i).reported()).as("after run %d", i).isEmpty();
        }
        assertThat(updates.get(confirming).reported()).singleElement().satisfies(r -> {
            assertThat(r.change().firstRun().jobName()).isEqualTo("job-24");
            assertThat(r.confirmedBy()).isEqualTo(String.format("job-%02d", confirming));
        });
        assertThat(tracker.changes()).singleElement()
                .satisfies(r -> assertThat(r.confirmedBy()).isEqualTo(String.format("job-%02d", confirming)));
        assertThat(updates).allSatisfy(u -> assertThat(u.retracted()).isEmpty());
    }

    @Test
    void aChangeDecidedWithoutAnArrivingRunIsConfirmedByTheNewestRunNotByItsFirst() {
        // the runs of a change restored without any reported change (state rebuilt), then decided again
        double[] v = values(60, 30, 24, 1.3);
        List<Run> runs = new ArrayList<>();
        for (int i = 0; i < v.length; i++) {
            runs.add(run(i, null, v[i]));
        }
        tracker.restore(runs, List.of());
        SeriesTracker.Update update = tracker.recheck();

        assertThat(update.reported()).singleElement().satisfies(r -> {
            assertThat(r.change().firstRun().jobName()).isEqualTo("job-24");
            assertThat(r.confirmedBy()).isEqualTo("job-29");
            assertThat(r.confirmedById()).isEqualTo("job-29");
        });
    }

    @Test
    void aBisectReRunOfAnOlderVersionIsNoChange() {
        // versions 1..4, one a week; version 3 is 30 % slower and stays so in version 4
        double[] v = values(60, 28, 14, 1.3);
        for (int i = 0; i < v.length; i++) {
            tracker.add(run(i, 1 + i / 7, v[i]));
        }
        assertThat(tracker.changes()).singleElement()
                .satisfies(r -> assertThat(r.change().firstRun().jobName()).isEqualTo("job-14"))
                .satisfies(r -> assertThat(r.change().firstRun().version()).isEqualTo(3));

        // a bisect: version 2 measured again on nights 28 and 29, at its old level
        SeriesTracker.Update first = tracker.add(run(28, 2, v[7]));
        SeriesTracker.Update second = tracker.add(run(29, 2, v[8]));

        assertThat(first.retracted()).isEmpty();
        assertThat(second.retracted()).isEmpty();
        assertThat(tracker.changes()).singleElement()
                .satisfies(r -> assertThat(r.change().firstRun().jobName()).isEqualTo("job-14"));
    }

    @Test
    void aSingleNightOutlierAtTheEndIsNeverReported() {
        double[] v = values(60, 30, 30, 1);
        for (int i = 0; i < v.length; i++) {
            tracker.add(run(i, null, v[i]));
        }

        assertThat(tracker.add(run(30, null, 150)).isEmpty()).isTrue();
        assertThat(tracker.add(run(31, null, 60)).isEmpty()).isTrue();
        assertThat(tracker.add(run(32, null, 61)).isEmpty()).isTrue();
        assertThat(tracker.changes()).isEmpty();
    }

    @Test
    void aChangeTheRunsNoLongerSupportIsRetracted() {
        double[] v = values(60, 30, 25, 1.3);
        for (int i = 0; i < v.length; i++) {
            tracker.add(run(i, null, v[i]));
        }
        assertThat(tracker.changes()).hasSize(1);
        double[] flat = values(60, 30, 30, 1);

        // the runs after the change observed again (corrected) at the old level
        // one at a time: the change may move to a later run on the way (a retraction and a report each)
        List<String> reported = new ArrayList<>(List.of("job-25"));
        List<String> retracted = new ArrayList<>();
        for (int i = 25; i < 30; i++) {
            SeriesTracker.Update u = tracker.add(run(i, null, flat[i]));
            u.reported().forEach(r -> reported.add(r.change().firstRun().jobName()));
            u.retracted().forEach(r -> retracted.add(r.change().firstRun().jobName()));
        }

        assertThat(retracted).contains("job-25").containsExactlyInAnyOrderElementsOf(
                reported.stream().distinct().toList());
        assertThat(tracker.changes()).isEmpty();
    }
}
