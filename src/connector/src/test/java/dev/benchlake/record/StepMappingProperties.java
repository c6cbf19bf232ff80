package dev.benchlake.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.kafka.connect.data.Struct;

import dev.benchlake.api.StepObservation;

/** Whatever the API answers within its own types, a step flattens into a valid record with a stable identity. */
class StepMappingProperties {

    @Provide
    Arbitrary<StepObservation> steps() {
        Arbitrary<String> text = Arbitraries.strings().ofMinLength(1).ofMaxLength(40);
        Arbitrary<String> maybeText = text.injectNull(0.3);
        Arbitrary<Integer> ints = Arbitraries.integers().injectNull(0.3)
                .edgeCases(c -> c.includeOnly(Integer.MIN_VALUE, Integer.MAX_VALUE, 0));
        Arbitrary<Float> floats = Arbitraries.oneOf(Arbitraries.floats(),
                Arbitraries.of(Float.NaN, Float.MAX_VALUE, Float.MIN_VALUE, -0.0f, Float.POSITIVE_INFINITY)).injectNull(0.3);
        Arbitrary<Instant> instants = Arbitraries.longs().between(-62_135_596_800L, 253_402_300_799L)
                .map(Instant::ofEpochSecond).injectNull(0.3);
        Arbitrary<StepObservation.Endpoint> endpoint = Combinators.combine(text, maybeText, maybeText, ints, ints, ints, ints)
                .as(StepObservation.Endpoint::new);
        Arbitrary<List<StepObservation.EnvironmentParameter>> env = Combinators.combine(text, text, text)
                .as(StepObservation.EnvironmentParameter::new).list().ofMaxSize(10);
        Arbitrary<StepObservation.Model> model = Combinators.combine(maybeText, maybeText, env)
                .as(StepObservation.Model::new).injectNull(0.2);
        Arbitrary<StepObservation.Metrics> metrics = Combinators.combine(floats, floats, ints, ints, floats, floats, ints)
                .as(StepObservation.Metrics::new).injectNull(0.2);
        Arbitrary<StepObservation.EndpointMetrics> endpointMetrics = Combinators.combine(ints, ints)
                .as(StepObservation.EndpointMetrics::new).injectNull(0.2);
        Arbitrary<Instant[]> times = Combinators.combine(instants, instants).as((a, b) -> new Instant[] {a, b});
        Arbitrary<Object[]> measured = Combinators.combine(metrics, endpointMetrics, times).as((m, e, t) -> new Object[] {m, e, t});
        return Combinators.combine(text, text, text, maybeText, endpoint, model, measured)
                .as((job, type, status, failure, e, m, x) -> new StepObservation(job, type, status, failure, e, m,
                        (StepObservation.Metrics) x[0], (StepObservation.EndpointMetrics) x[1],
                        ((Instant[]) x[2])[0], ((Instant[]) x[2])[1]));
    }

    @Property(tries = 300)
    void everyStepFlattensIntoAValidRecord(@ForAll("steps") StepObservation step) {
        String id = StepIdentity.stepId(step);
        Struct value = StepRecords.stepValue(step, id, null,
                new RecordContext("us-east-1", null, NanHandling.NULL), Instant.EPOCH);
        value.validate();
        assertThat(value.getString("status")).isEqualTo(step.status());
        assertThat(value.getString("instance_type")).isEqualTo(step.endpoint().instanceType());
        if (step.metrics() != null && step.metrics().costPerHour() != null) {
            Float f = step.metrics().costPerHour();
            if (f.isNaN()) {
                assertThat(value.getFloat64("cost_per_hour")).isNull();
            } else {
                assertThat(value.getFloat64("cost_per_hour")).isEqualTo(Double.parseDouble(Float.toString(f)));
            }
        }
    }

    @Property(tries = 200)
    void idAndContentHashIgnoreTheOrderOfEnvironmentParameters(@ForAll("steps") StepObservation step, @ForAll long seed) {
        if (step.model() == null) {
            return;
        }
        List<StepObservation.EnvironmentParameter> shuffled = new ArrayList<>(step.model().environmentParameters());
        Collections.shuffle(shuffled, new Random(seed));
        StepObservation reordered = new StepObservation(step.jobName(), step.stepType(), step.status(), step.failureReason(),
                step.endpoint(), new StepObservation.Model(step.model().inferenceSpecificationName(),
                        step.model().compilationJobName(), shuffled),
                step.metrics(), step.endpointMetrics(), step.invocationStartTime(), step.invocationEndTime());
        assertThat(StepIdentity.stepId(reordered)).isEqualTo(StepIdentity.stepId(step));
        assertThat(hash(reordered)).isEqualTo(hash(step));
    }

    private static String hash(StepObservation step) {
        return StepRecords.stepValue(step, StepIdentity.stepId(step), null,
                new RecordContext("us-east-1", null, NanHandling.NULL), Instant.EPOCH).getString("content_hash");
    }
}
