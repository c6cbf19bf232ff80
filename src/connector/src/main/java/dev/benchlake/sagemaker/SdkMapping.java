package dev.benchlake.sagemaker;

import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.services.sagemaker.model.DescribeInferenceRecommendationsJobResponse;
import software.amazon.awssdk.services.sagemaker.model.EndpointInputConfiguration;
import software.amazon.awssdk.services.sagemaker.model.EndpointOutputConfiguration;
import software.amazon.awssdk.services.sagemaker.model.InferenceMetrics;
import software.amazon.awssdk.services.sagemaker.model.InferenceRecommendationsJob;
import software.amazon.awssdk.services.sagemaker.model.InferenceRecommendationsJobStep;
import software.amazon.awssdk.services.sagemaker.model.ModelConfiguration;
import software.amazon.awssdk.services.sagemaker.model.ModelLatencyThreshold;
import software.amazon.awssdk.services.sagemaker.model.Phase;
import software.amazon.awssdk.services.sagemaker.model.ProductionVariantServerlessConfig;
import software.amazon.awssdk.services.sagemaker.model.RecommendationJobInferenceBenchmark;
import software.amazon.awssdk.services.sagemaker.model.RecommendationJobInputConfig;
import software.amazon.awssdk.services.sagemaker.model.RecommendationJobStoppingConditions;
import software.amazon.awssdk.services.sagemaker.model.RecommendationMetrics;
import software.amazon.awssdk.services.sagemaker.model.Stairs;
import software.amazon.awssdk.services.sagemaker.model.TrafficPattern;

import dev.benchlake.api.JobObservation;
import dev.benchlake.api.StepObservation;

/**
 * SDK model to plain observations. Enum-like values go through the SDK's {@code …AsString()} accessors so a
 * value newer than this SDK (a new instance type, a new status) arrives as the API sent it.
 */
final class SdkMapping {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SdkMapping() {
    }

    static StepObservation step(InferenceRecommendationsJobStep step) {
        RecommendationJobInferenceBenchmark b = step.inferenceBenchmark();
        if (b == null) {
            return new StepObservation(step.jobName(), step.stepTypeAsString(), step.statusAsString(), null,
                    null, null, null, null, null, null);
        }
        return new StepObservation(step.jobName(), step.stepTypeAsString(), step.statusAsString(), b.failureReason(),
                endpoint(b.endpointConfiguration()), model(b.modelConfiguration()), metrics(b.metrics()),
                endpointMetrics(b.endpointMetrics()), b.invocationStartTime(), b.invocationEndTime());
    }

    static JobObservation job(DescribeInferenceRecommendationsJobResponse r) {
        RecommendationJobInputConfig input = r.inputConfig();
        return new JobObservation(r.jobName(), r.jobArn(), r.jobTypeAsString(), r.statusAsString(), r.jobDescription(),
                r.failureReason(), r.creationTime(), r.completionTime(), r.lastModifiedTime(),
                input == null ? null : input.modelName(),
                input == null ? null : input.modelPackageVersionArn(),
                inputConfig(input, stoppingConditions(r.stoppingConditions())));
    }

    /**
     * The job's StoppingConditions as JSON: the members of AWS's model in its order ({@code MaxInvocations},
     * {@code ModelLatencyThresholds} of {@code Percentile} and {@code ValueInMilliseconds}, {@code FlatInvocations}),
     * each only when the API sent it, so that the same conditions always give the same text.
     */
    static String stoppingConditions(RecommendationJobStoppingConditions c) {
        if (c == null) {
            return null;
        }
        ObjectNode node = JSON.createObjectNode();
        if (c.maxInvocations() != null) {
            node.put("MaxInvocations", c.maxInvocations());
        }
        if (c.hasModelLatencyThresholds()) {
            ArrayNode thresholds = node.putArray("ModelLatencyThresholds");
            for (ModelLatencyThreshold t : c.modelLatencyThresholds()) {
                ObjectNode threshold = thresholds.addObject();
                if (t.percentile() != null) {
                    threshold.put("Percentile", t.percentile());
                }
                if (t.valueInMilliseconds() != null) {
                    threshold.put("ValueInMilliseconds", t.valueInMilliseconds());
                }
            }
        }
        if (c.flatInvocationsAsString() != null) {
            node.put("FlatInvocations", c.flatInvocationsAsString());
        }
        return node.toString();
    }

    private static JobObservation.InputConfig inputConfig(RecommendationJobInputConfig input, String stopping) {
        if (input == null) {
            return stopping == null ? null : new JobObservation.InputConfig(null, null, null, stopping);
        }
        String traffic = null;
        TrafficPattern t = input.trafficPattern();
        if (t != null) {
            ObjectNode node = JSON.createObjectNode();
            node.put("TrafficType", t.trafficTypeAsString());
            if (t.hasPhases()) {
                ArrayNode phases = node.putArray("Phases");
                for (Phase phase : t.phases()) {
                    phases.addObject().put("InitialNumberOfUsers", phase.initialNumberOfUsers())
                            .put("SpawnRate", phase.spawnRate()).put("DurationInSeconds", phase.durationInSeconds());
                }
            }
            Stairs stairs = t.stairs();
            if (stairs != null) {
                node.putObject("Stairs").put("DurationInSeconds", stairs.durationInSeconds())
                        .put("NumberOfSteps", stairs.numberOfSteps()).put("UsersPerStep", stairs.usersPerStep());
            }
            traffic = node.toString();
        }
        String endpoints = null;
        if (input.hasEndpointConfigurations()) {
            ArrayNode list = JSON.createArrayNode();
            for (EndpointInputConfiguration e : input.endpointConfigurations()) {
                ObjectNode node = list.addObject();
                if (e.instanceTypeAsString() != null) {
                    node.put("InstanceType", e.instanceTypeAsString());
                }
                ProductionVariantServerlessConfig s = e.serverlessConfig();
                if (s != null) {
                    node.putObject("ServerlessConfig").put("MemorySizeInMB", s.memorySizeInMB())
                            .put("MaxConcurrency", s.maxConcurrency()).put("ProvisionedConcurrency", s.provisionedConcurrency());
                }
                if (e.inferenceSpecificationName() != null) {
                    node.put("InferenceSpecificationName", e.inferenceSpecificationName());
                }
            }
            endpoints = list.toString();
        }
        if (input.jobDurationInSeconds() == null && traffic == null && endpoints == null && stopping == null) {
            return null;
        }
        return new JobObservation.InputConfig(input.jobDurationInSeconds(), traffic, endpoints, stopping);
    }

    static JobObservation job(InferenceRecommendationsJob j) {
        return new JobObservation(j.jobName(), j.jobArn(), j.jobTypeAsString(), j.statusAsString(), j.jobDescription(),
                j.failureReason(), j.creationTime(), j.completionTime(), j.lastModifiedTime(), j.modelName(),
                j.modelPackageVersionArn(), null);
    }

    private static StepObservation.Endpoint endpoint(EndpointOutputConfiguration e) {
        if (e == null) {
            return null;
        }
        ProductionVariantServerlessConfig s = e.serverlessConfig();
        return new StepObservation.Endpoint(e.endpointName(), e.variantName(), e.instanceTypeAsString(),
                e.initialInstanceCount(), s == null ? null : s.memorySizeInMB(), s == null ? null : s.maxConcurrency(),
                s == null ? null : s.provisionedConcurrency());
    }

    private static StepObservation.Model model(ModelConfiguration m) {
        if (m == null) {
            return null;
        }
        List<StepObservation.EnvironmentParameter> env = m.hasEnvironmentParameters()
                ? m.environmentParameters().stream()
                        .map(p -> new StepObservation.EnvironmentParameter(p.key(), p.valueType(), p.value()))
                        .toList()
                : List.of();
        return new StepObservation.Model(m.inferenceSpecificationName(), m.compilationJobName(), env);
    }

    private static StepObservation.Metrics metrics(RecommendationMetrics m) {
        if (m == null) {
            return null;
        }
        return new StepObservation.Metrics(m.costPerHour(), m.costPerInference(), m.maxInvocations(), m.modelLatency(),
                m.cpuUtilization(), m.memoryUtilization(), m.modelSetupTime());
    }

    private static StepObservation.EndpointMetrics endpointMetrics(InferenceMetrics m) {
        return m == null ? null : new StepObservation.EndpointMetrics(m.maxInvocations(), m.modelLatency());
    }
}
