package dev.benchlake.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
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
                // whatever the float, the double read back narrows to it: nothing of the API's value is lost
                assertThat(value.getFloat64("cost_per_hour").floatValue()).isEqualTo(f);
            }
        }
    }

    /**
     * The promise of {@link Floats#toDouble}: a metric reads as the decimal the API wrote. The API's JSON carries
     * 32-bit floats as decimals of at most 6 significant digits (any such decimal survives a float), the SDK parses
     * it into a {@code Float}, and the record must hold the double nearest to that decimal, as SQL reads the text.
     */
    @Property(tries = 500)
    void aMetricReadsAsTheDecimalTheApiWrote(@ForAll("steps") StepObservation step, @ForAll("wireDecimals") String text) {
        StepObservation.Metrics sent = new StepObservation.Metrics(Float.parseFloat(text), Float.parseFloat(text), null,
                null, Float.parseFloat(text), null, null);
        StepObservation withMetric = new StepObservation(step.jobName(), step.stepType(), step.status(),
                step.failureReason(), step.endpoint(), step.model(), sent, step.endpointMetrics(),
                step.invocationStartTime(), step.invocationEndTime());
        Struct value = StepRecords.stepValue(withMetric, StepIdentity.stepId(withMetric), null,
                new RecordContext("us-east-1", null, NanHandling.NULL), Instant.EPOCH);
        double expected = new BigDecimal(text).doubleValue();
        assertThat(value.getFloat64("cost_per_hour")).as("cost_per_hour sent as %s", text).isEqualTo(expected);
        assertThat(value.getFloat64("cost_per_inference")).as("cost_per_inference sent as %s", text).isEqualTo(expected);
        assertThat(value.getFloat64("cpu_utilization")).as("cpu_utilization sent as %s", text).isEqualTo(expected);
    }

    /** Decimals as the API's JSON carries a float: 1 to 6 significant digits, from 1e-12 to 1e12, either sign. */
    @Provide
    Arbitrary<String> wireDecimals() {
        Arbitrary<Integer> digits = Arbitraries.integers().between(1, 6);
        Arbitrary<String> generated = Combinators.combine(digits, Arbitraries.integers().between(-12, 12),
                        Arbitraries.of(1, -1), Arbitraries.longs())
                .as((n, exponent, sign, seed) -> {
                    long unscaled = Math.floorMod(seed, 9 * (long) Math.pow(10, n - 1)) + (long) Math.pow(10, n - 1);
                    return new BigDecimal(BigInteger.valueOf(sign * unscaled), n - 1 - exponent).toString();
                });
        return Arbitraries.frequencyOf(Tuple.of(9, generated),
                Tuple.of(1, Arbitraries.of("0.1", "0.035", "1234.56", "99.99", "3.40282E38", "1.17549E-38")));
    }

    /** Pinned pairs: the API's text, and the double a reader must see (widening by a cast would give the right column). */
    @Example
    void pinnedMetricsReadAsWritten() {
        String[][] pairs = {
            {"0.1", "0.1", "0.10000000149011612"},
            {"0.035", "0.035", "0.03500000014901161"},
            {"1234.56", "1234.56", "1234.56005859375"},
            {"0.00012", "1.2E-4", "1.1999999696854502E-4"},
        };
        for (String[] p : pairs) {
            Float sent = Float.valueOf(p[0]);
            assertThat((double) sent).as("a cast widens %s to %s", p[0], p[2]).isEqualTo(Double.parseDouble(p[2]));
            assertThat(Floats.toDouble(sent)).as("%s reads as written", p[0]).isEqualTo(Double.parseDouble(p[1]));
        }
        assertThat(Floats.toDouble(null)).isNull();
        assertThat(Floats.toDouble(Float.NaN)).isNaN();
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
