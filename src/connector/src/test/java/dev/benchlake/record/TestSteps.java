package dev.benchlake.record;

import java.time.Instant;
import java.util.List;

import dev.benchlake.api.JobObservation;
import dev.benchlake.api.StepObservation;

/** Step and job observations for tests. */
public final class TestSteps {

    public static final Instant START = Instant.parse("2026-01-05T02:00:00.123Z");
    public static final Instant END = Instant.parse("2026-01-05T02:12:30.456Z");

    private TestSteps() {
    }

    public static StepObservation completed(String job, String instanceType, String endpointName) {
        return new StepObservation(job, "BENCHMARK", "COMPLETED", null,
                new StepObservation.Endpoint(endpointName, "AllTraffic", instanceType, 1, null, null, null),
                new StepObservation.Model("spec-a", null,
                        List.of(new StepObservation.EnvironmentParameter("OMP_NUM_THREADS", "String", "4"),
                                new StepObservation.EnvironmentParameter("BATCH_SIZE", "String", "8"))),
                new StepObservation.Metrics(0.1f, 0.000123f, 1500, 37, 61.5f, 33.25f, 0),
                new StepObservation.EndpointMetrics(1480, 41), START, END);
    }

    public static StepObservation withStatus(StepObservation s, String status) {
        return new StepObservation(s.jobName(), s.stepType(), status, s.failureReason(), s.endpoint(), s.model(),
                s.metrics(), s.endpointMetrics(), s.invocationStartTime(), s.invocationEndTime());
    }

    public static StepObservation running(String job, String instanceType, String endpointName) {
        StepObservation c = completed(job, instanceType, endpointName);
        return new StepObservation(job, "BENCHMARK", "IN_PROGRESS", null, c.endpoint(), c.model(), null, null,
                START, null);
    }

    public static JobObservation job(String name, String status) {
        return new JobObservation(name, "arn:aws:sagemaker:us-east-1:111122223333:inference-recommendations-job/" + name,
                "Default", status, "nightly", null, Instant.parse("2026-01-05T01:59:00Z"),
                "COMPLETED".equals(status) ? Instant.parse("2026-01-05T02:40:00Z") : null,
                Instant.parse("2026-01-05T02:40:00Z"), "resnet50", null,
                new JobObservation.InputConfig(7200, "{\"TrafficType\":\"PHASES\"}", "[{\"InstanceType\":\"ml.c5.xlarge\"}]"));
    }
}
