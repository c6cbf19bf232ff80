package dev.benchlake.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sagemaker.SageMakerClient;
import software.amazon.awssdk.services.sagemaker.model.SageMakerException;

/** Per-operation request quotas (token buckets on real time) and the answered / throttled counters. */
class QuotaTest {
    private static final String STEPS = InferenceRecommenderApi.LIST_STEPS;
    private static final String DESCRIBE = InferenceRecommenderApi.DESCRIBE;
    private static final String JOB = "quota-00000";
    private static final long MS = 1_000_000L;

    // a nanoTime that only moves when told, and starts far from zero (nanoTime readings may be anything)
    private final AtomicLong nanos = new AtomicLong(-7_000_000_000L);
    private SageMakerEmulator emulator;
    private SageMakerClient sm;

    @BeforeEach
    void start() {
        Scenario scenario = Scenario.fromJsonString("""
                {"faults": {"quotas": {"ListInferenceRecommendationsJobSteps": {"ratePerSecond": 2.0, "burst": 2}}}}""");
        scenario.addJob(Fixtures.benchmarkJobs("quota", 1, 3).build().get(0));
        scenario.faults().quotaClock(nanos::get);
        emulator = SageMakerEmulator.start(scenario, EmulatorClock.manual());
        sm = SdkClients.noRetries(emulator);
    }

    @AfterEach
    void stop() {
        sm.close();
        emulator.close();
    }

    /** n ListSteps calls; true for each that passed. */
    private List<Boolean> calls(int n) {
        List<Boolean> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try {
                sm.listInferenceRecommendationsJobSteps(b -> b.jobName(JOB));
                out.add(true);
            } catch (SageMakerException e) {
                assertThat(e.statusCode()).isEqualTo(400);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
                assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
                assertThat(e.isThrottlingException()).isTrue();
                out.add(false);
            }
        }
        return out;
    }

    @Test
    void aBucketOfTwoRefilledAtTwoPerSecond() {
        assertThat(emulator.faults().quotas()).isEqualTo(Map.of(STEPS, "{ratePerSecond=2.0, burst=2}"));
        // a full bucket: the burst passes, the rest is throttled
        assertThat(calls(5)).containsExactly(true, true, false, false, false);
        // 499 ms refill 0.998 of a token: not enough
        nanos.addAndGet(499 * MS);
        assertThat(calls(1)).containsExactly(false);
        // at 500 ms one token
        nanos.addAndGet(MS);
        assertThat(calls(2)).containsExactly(true, false);
        // a long pause refills to the burst, no more
        nanos.addAndGet(10_000 * MS);
        assertThat(calls(3)).containsExactly(true, true, false);
        // 1.5 s: three tokens' worth, capped at two
        nanos.addAndGet(1_500 * MS);
        assertThat(calls(3)).containsExactly(true, true, false);

        Counters c = emulator.counters();
        assertThat(c.requests(STEPS)).isEqualTo(14);
        assertThat(c.answered(STEPS)).isEqualTo(7);
        assertThat(c.ok(STEPS)).isEqualTo(7);
        assertThat(c.throttled(STEPS)).isEqualTo(7);
        assertThat(c.quotaThrottled(STEPS)).isEqualTo(7);
        assertThat(emulator.count(STEPS, Outcome.THROTTLED)).isEqualTo(7);

        // other operations have their own quota (none here)
        for (int i = 0; i < 10; i++) {
            sm.describeInferenceRecommendationsJob(b -> b.jobName(JOB));
        }
        assertThat(c.answered(DESCRIBE)).isEqualTo(10);
        assertThat(c.throttled(DESCRIBE)).isZero();

        c.reset();
        assertThat(c.requests(STEPS)).isZero();
        assertThat(c.answered(STEPS)).isZero();
        assertThat(c.throttled(STEPS)).isZero();
        assertThat(c.quotaThrottled(STEPS)).isZero();
        assertThat(emulator.totalRequests()).isZero();
    }

    @Test
    void quotasCombineWithTheRandomAndScriptedThrottling() {
        emulator.faults().quota(DESCRIBE, 1.0, 1);
        emulator.faults().failNext(STEPS, InjectedError.THROTTLING, 1);
        // the quota is checked first: the scripted throttle still takes a token
        assertThat(calls(3)).containsExactly(false, true, false);
        assertThat(emulator.counters().throttled(STEPS)).isEqualTo(2);
        assertThat(emulator.counters().quotaThrottled(STEPS)).isEqualTo(1);

        sm.describeInferenceRecommendationsJob(b -> b.jobName(JOB));
        assertThatThrownBy(() -> sm.describeInferenceRecommendationsJob(b -> b.jobName(JOB)))
                .isInstanceOfSatisfying(SageMakerException.class, e -> assertThat(e.isThrottlingException()).isTrue());
        nanos.addAndGet(1_000 * MS);
        sm.describeInferenceRecommendationsJob(b -> b.jobName(JOB));

        emulator.faults().removeQuota(STEPS).throttleRate(1.0).faultOperations(List.of(STEPS));
        assertThat(calls(2)).containsExactly(false, false);
        assertThat(emulator.counters().quotaThrottled(STEPS)).isEqualTo(1);
        assertThat(emulator.counters().throttled(STEPS)).isEqualTo(4);

        emulator.faults().clear();
        assertThat(emulator.faults().quotas()).isEmpty();
        assertThat(calls(5)).containsOnly(true);
    }

    @Test
    void aQuotaNeedsAKnownOperationAndSaneNumbers() {
        assertThatThrownBy(() -> emulator.faults().quota("ListInferenceRecommendationJobSteps", 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emulator.faults().quota(STEPS, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emulator.faults().quota(STEPS, Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theDefaultClockIsRealTime() {
        // a fresh scenario: System.nanoTime; 1 token a minute, so only the burst passes
        try (SageMakerEmulator e = SageMakerEmulator.start(Scenario.builder().job(Fixtures.hugeJob("rt", 1)).build(),
                EmulatorClock.manual()); SageMakerClient c = SdkClients.noRetries(e)) {
            e.faults().quota(STEPS, 1.0 / 60, 3);
            int passed = 0;
            for (int i = 0; i < 6; i++) {
                try {
                    c.listInferenceRecommendationsJobSteps(b -> b.jobName("rt"));
                    passed++;
                } catch (SageMakerException ex) {
                    assertThat(ex.isThrottlingException()).isTrue();
                }
            }
            assertThat(passed).isEqualTo(3);
            assertThat(e.counters().quotaThrottled(STEPS)).isEqualTo(3);
        }
    }

    @Test
    void aNeighbourSpendsItsShareOfTheQuotaAndNeverBacksOff() {
        // a quota of 5/s with a burst of 5; another caller spends 1.25/s of it at random moments
        emulator.faults().quota(STEPS, 5.0, 5).neighbour(1.25);
        int seconds = 200;
        long ours = 0;
        long throttled = 0;
        // we call 5 times a second, evenly: together with the neighbour, more than the quota passes
        for (int i = 0; i < seconds * 5; i++) {
            nanos.addAndGet(200 * MS);
            if (calls(1).get(0)) {
                ours++;
            } else {
                throttled++;
            }
        }
        long[] neighbour = emulator.faults().neighbourCalls().get(STEPS);
        // its calls got through, all but the few still being retried: a Poisson count of mean 250 (deviation under 16)
        assertThat(neighbour[0]).isBetween(250L - 64, 250L + 64);
        assertThat(neighbour[1]).as("its calls that were throttled at first").isPositive();
        // the bucket passes its rate and its burst, to both callers together, and no more: we get what it leaves
        assertThat(ours + neighbour[0]).isLessThanOrEqualTo(5L * seconds + 5).isGreaterThan(5L * seconds - 10);
        assertThat(ours + throttled).isEqualTo(5L * seconds);
        assertThat(throttled).as("our calls whose tokens the neighbour took").isGreaterThanOrEqualTo(neighbour[0] - 10);
        assertThat(emulator.faults().neighbour()).isEqualTo(1.25);
    }

    @Test
    void aNeighbourThatCalledAloneForAMinuteLeavesTheShareFromOurFirstCall() {
        // a quota of 5/s with a burst of 5; another caller spends 1.25/s of it, alone for the first 60 s
        emulator.faults().quota(STEPS, 5.0, 5).neighbour(1.25);
        nanos.addAndGet(60_000 * MS);
        long ours = 0;
        // then we call 5 times a second for 10 s: the bucket was refilled all along, so we get its burst and what
        // the neighbour leaves, 5 + 3.75 × 10 = 42.5 on average, not a minute of its calls queued ahead of ours
        for (int i = 0; i < 50; i++) {
            if (calls(1).get(0)) {
                ours++;
            }
            nanos.addAndGet(200 * MS);
        }
        assertThat(ours).isBetween(30L, 47L);
        long[] neighbour = emulator.faults().neighbourCalls().get(STEPS);
        // its calls of the first minute passed as they came (a Poisson count of mean 87.5 in 70 s)
        assertThat(neighbour[0]).isBetween(87L - 40, 87L + 40);
    }

    @Test
    void theNeighbourKnobReadsFromAScenarioFile() {
        Scenario scenario = Scenario.fromJsonString("""
                {"faults": {"neighbourCallsPerSecond": 2.5,
                 "quotas": {"ListInferenceRecommendationsJobSteps": {"ratePerSecond": 5.0, "burst": 5}}}}""");
        assertThat(scenario.faults().neighbour()).isEqualTo(2.5);
        assertThat(scenario.faults().neighbourCalls()).containsOnlyKeys(STEPS);
        assertThatThrownBy(() -> scenario.faults().neighbour(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("neighbourCallsPerSecond");
    }
}
