package dev.benchlake.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.kafka.common.utils.MockTime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.benchlake.api.ApiErrorKind;
import dev.benchlake.api.ApiException;
import dev.benchlake.api.RecommenderApi;
import dev.benchlake.metrics.TaskStats;
import dev.benchlake.pass.ApiCall;
import dev.benchlake.pass.ApiOutcome;
import dev.benchlake.record.TestSteps;

class CallPipelineTest {

    private static final String JOB = "resnet-nightly-1";

    private final MockTime time = new MockTime(0, 1_767_225_600_000L, 0);
    private final TaskStats stats = new TaskStats();
    /** Every call the pipeline made, in the order it made them. */
    private final ConcurrentLinkedQueue<ApiCall> made = new ConcurrentLinkedQueue<>();
    private CallPipeline pipeline;

    @AfterEach
    void close() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private CallPipeline pipeline(int threads, Function<ApiCall, ApiOutcome> answers) {
        return pipeline(threads, threads, answers);
    }

    private CallPipeline pipeline(int threads, int depth, Function<ApiCall, ApiOutcome> answers) {
        pipeline = new CallPipeline(call -> {
            made.add(call);
            return answers.apply(call);
        }, threads, depth, "test-api", time, stats);
        return pipeline;
    }

    private static ApiOutcome answer(ApiCall call) {
        return call.kind() == ApiCall.Kind.DESCRIBE
                ? ApiOutcome.described(TestSteps.job(call.jobName(), "COMPLETED"))
                : ApiOutcome.page(new RecommenderApi.StepPage(List.of(TestSteps.completed(call.jobName(), "ml.c5.xlarge", "ep-1")), null));
    }

    @Test
    void answersCallsMadeAheadInTheirOrder() throws InterruptedException {
        CallPipeline p = pipeline(2, CallPipelineTest::answer);
        ApiCall describe = ApiCall.describe(JOB);
        ApiCall page1 = ApiCall.listSteps(JOB, null);
        p.start(JOB, List.of(describe, page1));

        assertThat(p.holds(JOB)).isTrue();
        assertThat(p.take(JOB, describe).job().jobName()).isEqualTo(JOB);
        assertThat(p.take(JOB, page1).page().steps()).hasSize(1);
        assertThat(p.holds(JOB)).as("all taken").isFalse();
        assertThat(made).containsExactly(describe, page1);
        assertThat(stats.callsDiscarded).hasValue(0);
    }

    @Test
    void anAnswerToAnotherCallIsThrownAwayAndTheCallerMakesItsOwn() throws InterruptedException {
        CallPipeline p = pipeline(2, CallPipelineTest::answer);
        p.start(JOB, List.of(ApiCall.listSteps(JOB, "token-a")));

        assertThat(p.take(JOB, ApiCall.listSteps(JOB, "token-b"))).isNull();
        assertThat(p.holds(JOB)).isFalse();
        assertThat(stats.callsDiscarded).hasValue(1);
        assertThat(p.take(JOB, ApiCall.listSteps(JOB, "token-b"))).as("nothing more held").isNull();
    }

    @Test
    void anAnswerFetchedTooLongAgoIsThrownAway() throws InterruptedException {
        CallPipeline p = pipeline(1, CallPipelineTest::answer);
        ApiCall page1 = ApiCall.listSteps(JOB, null);
        p.start(JOB, List.of(page1));
        // the age counts from the answer: one still under way is never too old
        await().until(() -> p.answered(JOB));
        time.sleep(CallPipeline.MAX_AGE_MS + 1);

        assertThat(p.take(JOB, page1)).isNull();
        assertThat(stats.callsDiscarded).hasValue(1);
    }

    @Test
    void aFailedCallStopsTheRest() throws InterruptedException {
        ApiException throttled = new ApiException(ApiErrorKind.THROTTLED, "DescribeInferenceRecommendationsJob", "slow down", null);
        CallPipeline p = pipeline(1, call -> ApiOutcome.failed(throttled));
        ApiCall describe = ApiCall.describe(JOB);
        p.start(JOB, List.of(describe, ApiCall.listSteps(JOB, null)));

        assertThat(p.take(JOB, describe).error()).isSameAs(throttled);
        assertThat(p.holds(JOB)).as("the page after a failed describe is not kept").isFalse();
        assertThat(made).as("the page was not requested").containsExactly(describe);
    }

    @Test
    void anExceptionThatIsNotAnApiAnswerReachesThePollThread() {
        CallPipeline p = pipeline(1, call -> {
            throw new IllegalStateException("mapping bug");
        });
        ApiCall page1 = ApiCall.listSteps(JOB, null);
        p.start(JOB, List.of(page1));

        assertThatThrownBy(() -> p.take(JOB, page1)).isInstanceOf(IllegalStateException.class).hasMessage("mapping bug");
    }

    @Test
    void holdsNoMoreJobsThanItsDepth() throws InterruptedException {
        CallPipeline p = pipeline(1, 3, CallPipelineTest::answer);
        for (String job : List.of("a", "b", "c")) {
            p.start(job, List.of(ApiCall.describe(job)));
        }

        assertThat(p.hasRoom()).isFalse();
        assertThat(p.size()).isEqualTo(3);
        assertThatThrownBy(() -> p.start("d", List.of(ApiCall.describe("d")))).isInstanceOf(IllegalStateException.class);
        // one thread made them one after another; taking one makes room for another
        assertThat(p.take("c", ApiCall.describe("c")).job().jobName()).isEqualTo("c");
        assertThat(made).containsExactly(ApiCall.describe("a"), ApiCall.describe("b"), ApiCall.describe("c"));
        assertThat(p.hasRoom()).isTrue();
        assertThatThrownBy(() -> new CallPipeline(CallPipelineTest::answer, 0, 0, "x", time, stats))
                .as("every call needs a thread: the poll thread makes none").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CallPipeline(c -> null, 3, 1, "x", time, stats)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void closingAnswersWhatWasNeverMadeWithNothing() throws InterruptedException {
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CallPipeline p = pipeline(2, call -> {
            if (call.jobName().equals("a")) {
                inCall.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return answer(call);
        });
        ApiCall a1 = ApiCall.describe("a");
        ApiCall a2 = ApiCall.listSteps("a", null);
        p.start("a", List.of(a1, a2));
        assertThat(inCall.await(10, TimeUnit.SECONDS)).isTrue();

        Thread closer = new Thread(p::close);
        closer.start();
        // close() interrupts the call under way; the answer it had still arrives, the next call is never made
        assertThat(p.take("a", a1)).isNotNull();
        assertThat(p.take("a", a2)).isNull();
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(made).containsExactly(a1);
        assertThat(p.hasRoom()).isFalse();
    }

    @Test
    void answersFetchedAheadAndThrownAwayAreReportedOnceEachForTheBudget() throws InterruptedException {
        ConcurrentLinkedQueue<ApiOutcome> reported = new ConcurrentLinkedQueue<>();
        CountDownLatch release = new CountDownLatch(1);
        CallPipeline p = pipeline(2, call -> {
            if ("token-slow".equals(call.token())) {
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return ApiOutcome.failed(new ApiException(ApiErrorKind.THROTTLED, "ListInferenceRecommendationsJobSteps",
                        "Rate exceeded", null));
            }
            return answer(call);
        });
        p.onDiscarded((call, outcome, startedAtMs) -> reported.add(outcome));

        // answered, then thrown away: reported at once
        p.start(JOB, List.of(ApiCall.listSteps(JOB, "token-a")));
        await().atMost(5, TimeUnit.SECONDS).until(() -> p.answered(JOB));
        assertThat(p.take(JOB, ApiCall.listSteps(JOB, "token-b"))).isNull();
        assertThat(reported).hasSize(1);
        assertThat(reported.peek().page().steps()).hasSize(1);

        // thrown away while under way: reported when its answer (a throttle) arrives
        p.start("other", List.of(ApiCall.listSteps("other", "token-slow")));
        await().atMost(5, TimeUnit.SECONDS).until(() -> made.contains(ApiCall.listSteps("other", "token-slow")));
        assertThat(p.holds("other", ApiCall.listSteps("other", null))).isFalse();
        release.countDown();
        await().atMost(5, TimeUnit.SECONDS).until(() -> reported.size() == 2);
        assertThat(reported).last().satisfies(o -> assertThat(o.error().kind()).isEqualTo(ApiErrorKind.THROTTLED));
        assertThat(stats.callsDiscarded).hasValue(2);
    }
}
