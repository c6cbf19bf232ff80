package dev.benchlake.record;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.benchlake.api.JobStatuses;
import dev.benchlake.api.StepObservation;

/**
 * Identity and content of a benchmark step. Steps carry no id in the API, so the id is derived from what the
 * benchmark was asked to measure; the endpoint name only tells apart two steps of one job with equal inputs.
 */
public final class StepIdentity {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Comparator<StepObservation.EnvironmentParameter> BY_KEY_THEN_VALUE =
            Comparator.comparing(StepObservation.EnvironmentParameter::key, Comparator.nullsFirst(Comparator.naturalOrder()))
                    .thenComparing(StepObservation.EnvironmentParameter::value, Comparator.nullsFirst(Comparator.naturalOrder()));

    private StepIdentity() {
    }

    /**
     * A step can be identified once it names its endpoint, or once it is terminal without one (a benchmark that
     * failed before its endpoint existed): a step still waiting for its endpoint is not, since an id given then could
     * not be kept once the endpoint appears.
     */
    public static boolean identifiable(StepObservation step) {
        return namesEndpoint(step) || JobStatuses.isTerminal(step.status());
    }

    /** Whether the step names its endpoint, which tells apart steps of one job with equal inputs. */
    public static boolean namesEndpoint(StepObservation step) {
        return step.endpoint() != null && step.endpoint().endpointName() != null;
    }

    /**
     * The stable step id: the same step gets the same id whatever the order of pages or parameters. A step without
     * an endpoint is identified by what it has (its model configuration and inputs): two such steps of one job with
     * equal inputs get one id, and one row that counts them.
     */
    public static String stepId(StepObservation step) {
        if (!identifiable(step)) {
            throw new IllegalArgumentException("step of job " + step.jobName() + " names no endpoint and is not terminal: "
                    + "it cannot be identified yet");
        }
        StepObservation.Endpoint e = step.endpoint();
        StepObservation.Model m = step.model();
        return Hashes.of("step/1", step.jobName(), step.stepType(),
                e == null ? null : e.instanceType(), e == null ? null : e.initialInstanceCount(),
                e == null ? null : e.serverlessMemorySizeMb(), e == null ? null : e.serverlessMaxConcurrency(),
                e == null ? null : e.serverlessProvisionedConcurrency(),
                m == null ? null : m.inferenceSpecificationName(),
                m == null ? null : canonicalEnvironment(m.environmentParameters()),
                m == null ? null : m.compilationJobName(),
                e == null ? null : e.endpointName());
    }

    /**
     * Environment parameters as a JSON object with sorted keys, {@code {"KEY":"value"}}; null when there are none.
     * A key given twice keeps its greatest value, so the result does not depend on the order the API used.
     */
    public static String canonicalEnvironment(List<StepObservation.EnvironmentParameter> parameters) {
        if (parameters == null || parameters.isEmpty()) {
            return null;
        }
        Map<String, String> sorted = new TreeMap<>();
        parameters.stream().sorted(BY_KEY_THEN_VALUE)
                .forEach(p -> sorted.put(p.key() == null ? "" : p.key(), p.value()));
        try {
            return JSON.writeValueAsString(sorted);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings always serialises", e);
        }
    }
}
