/**
 * A SageMaker emulator for tests and the quickstart: an HTTP server on 127.0.0.1 that speaks the AWS
 * JSON 1.1 protocol for {@code ListInferenceRecommendationsJobSteps},
 * {@code ListInferenceRecommendationsJobs} and {@code DescribeInferenceRecommendationsJob}, as the
 * SageMaker service model defines them, so that the real AWS SDK v2 {@code SageMakerClient} can be
 * pointed at it with {@code endpointOverride}.
 *
 * <p>It lives under {@code src/test} so that it never reaches the connector's plugin jar.
 *
 * <ul>
 *   <li>{@link dev.benchlake.emulator.SageMakerEmulator}: the server, runtime changes, counters.</li>
 *   <li>{@link dev.benchlake.emulator.Scenario}, {@link dev.benchlake.emulator.ScenarioJob},
 *       {@link dev.benchlake.emulator.ScenarioStep}: what it serves, as timelines of versions.</li>
 *   <li>{@link dev.benchlake.emulator.Fixtures}: generated jobs × steps across instance types.</li>
 *   <li>{@link dev.benchlake.emulator.Faults}: throttling, per-operation quotas, 5xx, latency, NextToken faults,
 *       credentials-endpoint outages; {@link dev.benchlake.emulator.JobFaults}: per-job IAM denials, not-found
 *       windows, latency.</li>
 *   <li>{@link dev.benchlake.emulator.GeneratedSteps}: jobs of tens of thousands of steps, built on demand.</li>
 *   <li>{@link dev.benchlake.emulator.Counters}: answered / throttled requests per operation, job and outcome.</li>
 *   <li>{@link dev.benchlake.emulator.EmulatorClock}, {@link dev.benchlake.emulator.ManualClock}: scenario time.</li>
 * </ul>
 *
 * <p>The scenario JSON format, defaults and fixtures are described in
 * {@code src/test/resources/scenarios/README.md}.
 */
package dev.benchlake.emulator;
