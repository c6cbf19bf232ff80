package dev.benchlake.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.benchlake.api.StepObservation;

class StepIdentityTest {

    private static StepObservation withEnvironment(List<StepObservation.EnvironmentParameter> env) {
        StepObservation base = TestSteps.completed("job-e", "ml.c5.xlarge", "ep-1");
        return new StepObservation(base.jobName(), base.stepType(), base.status(), null, base.endpoint(),
                new StepObservation.Model("spec", "neo-1", env), base.metrics(), base.endpointMetrics(),
                base.invocationStartTime(), base.invocationEndTime());
    }

    @Test
    void tenEnvironmentParametersInAnyOrderGiveTheSameIdAndCanonicalJson() {
        List<StepObservation.EnvironmentParameter> env = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            env.add(new StepObservation.EnvironmentParameter("KEY_" + (char) ('A' + i), "String", "v" + i));
        }
        String id = StepIdentity.stepId(withEnvironment(env));
        String hash = contentHash(withEnvironment(env));
        String json = StepIdentity.canonicalEnvironment(env);
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            List<StepObservation.EnvironmentParameter> shuffled = new ArrayList<>(env);
            Collections.shuffle(shuffled, random);
            assertThat(StepIdentity.stepId(withEnvironment(shuffled))).isEqualTo(id);
            assertThat(contentHash(withEnvironment(shuffled))).isEqualTo(hash);
            assertThat(StepIdentity.canonicalEnvironment(shuffled)).isEqualTo(json);
        }
        assertThat(json).startsWith("{\"KEY_A\":\"v0\",\"KEY_B\":\"v1\"").endsWith("\"KEY_J\":\"v9\"}");
        assertThat(id).hasSize(32).matches("[0-9a-f]{32}");
    }

    @Test
    void statusAndMetricsChangeTheContentButNotTheId() {
        StepObservation running = TestSteps.running("job-a", "ml.c5.xlarge", "ep-1");
        StepObservation done = TestSteps.completed("job-a", "ml.c5.xlarge", "ep-1");
        assertThat(StepIdentity.stepId(running)).isEqualTo(StepIdentity.stepId(done));
        assertThat(contentHash(running)).isNotEqualTo(contentHash(done));
        assertThat(contentHash(done)).isEqualTo(contentHash(TestSteps.completed("job-a", "ml.c5.xlarge", "ep-1")));
    }

    @Test
    void everyInputTellsStepsApart() {
        Set<String> ids = new HashSet<>();
        ids.add(StepIdentity.stepId(TestSteps.completed("job-a", "ml.c5.xlarge", "ep-1")));
        ids.add(StepIdentity.stepId(TestSteps.completed("job-b", "ml.c5.xlarge", "ep-1")));
        ids.add(StepIdentity.stepId(TestSteps.completed("job-a", "ml.c5.2xlarge", "ep-1")));
        ids.add(StepIdentity.stepId(TestSteps.completed("job-a", "ml.c5.xlarge", "ep-2")));
        ids.add(StepIdentity.stepId(withEnvironment(List.of(new StepObservation.EnvironmentParameter("A", "String", "1")))));
        ids.add(StepIdentity.stepId(withEnvironment(List.of(new StepObservation.EnvironmentParameter("A", "String", "2")))));
        assertThat(ids).hasSize(6);
    }

    @Test
    void aStepThatNamesNoEndpointCannotBeIdentified() {
        StepObservation pending = new StepObservation("job-a", "BENCHMARK", "PENDING", null, null,
                new StepObservation.Model("spec", null, List.of()), null, null, null, null);
        assertThat(StepIdentity.identifiable(pending)).isFalse();
        assertThatThrownBy(() -> StepIdentity.stepId(pending)).hasMessageContaining("job-a");
    }

    @Test
    void hashesSeparateTheirParts() {
        assertThat(Hashes.of("ab", "c")).isNotEqualTo(Hashes.of("a", "bc"));
        assertThat(Hashes.of((Object) null)).isNotEqualTo(Hashes.of(""));
        assertThat(Hashes.of("x", 1)).isEqualTo(Hashes.of("x", "1"));
    }

    private static String contentHash(StepObservation step) {
        return StepRecords.stepValue(step, StepIdentity.stepId(step), null,
                new RecordContext("us-east-1", null, NanHandling.NULL), java.time.Instant.EPOCH).getString("content_hash");
    }
}
