package dev.benchlake.api;

import java.time.Instant;
import java.util.List;

/**
 * One benchmark step as the API reported it, free of AWS SDK types. Enum-like values are the strings the API
 * sent; numbers keep the API's own types (Float, Integer) so that conversion is decided in one place.
 */
public record StepObservation(
        String jobName,
        String stepType,
        String status,
        String failureReason,
        Endpoint endpoint,
        Model model,
        Metrics metrics,
        EndpointMetrics endpointMetrics,
        Instant invocationStartTime,
        Instant invocationEndTime) {

    public record Endpoint(String endpointName, String variantName, String instanceType, Integer initialInstanceCount,
            Integer serverlessMemorySizeMb, Integer serverlessMaxConcurrency, Integer serverlessProvisionedConcurrency) {
    }

    public record Model(String inferenceSpecificationName, String compilationJobName,
            List<EnvironmentParameter> environmentParameters) {
    }

    public record EnvironmentParameter(String key, String valueType, String value) {
    }

    public record Metrics(Float costPerHour, Float costPerInference, Integer maxInvocations, Integer modelLatency,
            Float cpuUtilization, Float memoryUtilization, Integer modelSetupTime) {
    }

    public record EndpointMetrics(Integer maxInvocations, Integer modelLatency) {
    }
}
