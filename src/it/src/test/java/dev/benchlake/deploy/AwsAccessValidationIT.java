package dev.benchlake.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.benchlake.connect.InferenceRecommenderSourceConnector;
import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;
import dev.benchlake.it.ConnectHarness;

/**
 * The connector's validate() asks AWS, here the emulator, through the Connect cluster's own validate endpoint ({@code PUT
 * /connector-plugins/.../config/validate}): the credentials, then ListInferenceRecommendationsJobs (with discovery),
 * DescribeInferenceRecommendationsJob and ListInferenceRecommendationsJobSteps, one call each. The emulator checks
 * SigV4 with known keys in us-east-1; its denial knob denies one operation, its region and keys refuse a request
 * signed for another region or with another key. Each failure lands on the setting it is about, with its remedy.
 */
class AwsAccessValidationIT {
    private static final String KEY_ID = "AKIDBENCHLAKEVALIDATE";
    private static final String SECRET = "benchlake-validate-secret";
    private static final String LIST_JOBS = "ListInferenceRecommendationsJobs";
    private static final String DESCRIBE = "DescribeInferenceRecommendationsJob";
    private static final String LIST_STEPS = "ListInferenceRecommendationsJobSteps";

    private static SageMakerEmulator emulator;
    private static ConnectHarness connect;

    @BeforeAll
    static void start() {
        Scenario three = Scenario.fromResource("scenarios/three-jobs.json");
        Scenario checked = Scenario.builder().region("us-east-1").accountId(three.accountId()).epoch(three.epoch())
                .requireSigV4(true).credentials(KEY_ID, SECRET, null).jobs(three.jobs()).build();
        emulator = SageMakerEmulator.start(checked, new ManualClock().set(Duration.ofSeconds(2_000)));
        connect = ConnectHarness.start("benchlake-aws-access-validation-it", 1, Map.of());
    }

    @AfterAll
    static void stop() {
        if (connect != null) {
            connect.close();
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    @AfterEach
    void allowEverything() {
        emulator.faults().deniedOperations(List.of());
    }

    /** A valid config reading the scenario's jobs by discovery, with the emulator's keys, and the AWS check on. */
    private static Map<String, String> config() {
        Map<String, String> config = new HashMap<>(ConnectHarness.connectorConfig(emulator, "validate"));
        config.remove("job.names");
        config.remove("aws.validate.access"); // the default: on
        config.put("discovery.enabled", "true");
        config.put("aws.access.key.id", KEY_ID);
        config.put("aws.secret.access.key", SECRET);
        config.put("name", "benchlake-validate");
        return config;
    }

    /** The errors the cluster's validate endpoint answers, by setting. */
    private static Map<String, List<String>> errors(Map<String, String> config) {
        ConfigInfos result = connect.connect().validateConnectorConfig(
                InferenceRecommenderSourceConnector.class.getName(), config);
        Map<String, List<String>> errors = new TreeMap<>();
        result.configs().stream().filter(v -> !v.configValue().errors().isEmpty())
                .forEach(v -> errors.put(v.configValue().name(), v.configValue().errors()));
        assertThat(result.errorCount()).as(errors.toString()).isEqualTo(errors.values().stream().mapToInt(List::size).sum());
        return errors;
    }

    private static Map<String, Long> counts() {
        return Map.of(LIST_JOBS, emulator.count(LIST_JOBS), DESCRIBE, emulator.count(DESCRIBE),
                LIST_STEPS, emulator.count(LIST_STEPS));
    }

    private static Map<String, Long> callsDuring(Runnable validation) {
        Map<String, Long> before = counts();
        validation.run();
        Map<String, Long> after = counts();
        Map<String, Long> calls = new TreeMap<>();
        after.forEach((op, n) -> calls.put(op, n - before.get(op)));
        return calls;
    }

    @Test
    void aValidConfigPassesAfterOneCallOfEachOperation() {
        Map<String, Long> calls = callsDuring(() -> assertThat(errors(config())).isEmpty());
        assertThat(calls).containsExactlyInAnyOrderEntriesOf(Map.of(LIST_JOBS, 1L, DESCRIBE, 1L, LIST_STEPS, 1L));

        // named jobs, no discovery: the listing is not a call the tasks make, so validate() does not make it either
        Map<String, String> named = config();
        named.put("discovery.enabled", "false");
        named.put("job.names", "resnet50-nightly-001");
        Map<String, Long> namedCalls = callsDuring(() -> assertThat(errors(named)).isEmpty());
        assertThat(namedCalls).containsExactlyInAnyOrderEntriesOf(Map.of(LIST_JOBS, 0L, DESCRIBE, 1L, LIST_STEPS, 1L));
        assertThat(emulator.count(DESCRIBE, "resnet50-nightly-001")).isPositive();
    }

    @ParameterizedTest(name = "{0} denied")
    @ValueSource(strings = {LIST_JOBS, DESCRIBE, LIST_STEPS})
    void aDeniedOperationIsNamedWithTheIamActionToAllow(String operation) {
        emulator.faults().deny(operation);
        Map<String, List<String>> errors = errors(config());
        assertThat(errors).containsOnlyKeys("aws.credentials.provider");
        assertThat(errors.get("aws.credentials.provider")).singleElement().asString()
                .startsWith(operation + " in us-east-1 was denied: AccessDeniedException")
                .contains("Remedy: allow the IAM action sagemaker:" + operation)
                .contains("config/iam-policy.json");
    }

    @Test
    void requestsSignedForAnotherRegionNameTheRegionSetting() {
        Map<String, String> config = config();
        config.put("aws.region", "eu-west-1");
        Map<String, List<String>> errors = errors(config);
        assertThat(errors).containsOnlyKeys("aws.region");
        assertThat(errors.get("aws.region")).singleElement().asString()
                .startsWith(LIST_JOBS + " signed for region eu-west-1 was refused: InvalidSignatureException")
                .contains("Remedy: set aws.region to the region of the jobs");
    }

    @Test
    void unknownKeysAndMissingCredentialsNameTheCredentialsSettingAndNeverTheSecret() {
        Map<String, String> wrongKey = config();
        wrongKey.put("aws.access.key.id", "AKIDSOMEONEELSE");
        wrongKey.put("aws.secret.access.key", "not-the-secret-of-this-key");
        Map<String, List<String>> errors = errors(wrongKey);
        assertThat(errors).containsOnlyKeys("aws.credentials.provider");
        assertThat(errors.get("aws.credentials.provider")).singleElement().asString()
                .contains("refused the credentials (aws.credentials.provider=static): UnrecognizedClientException")
                .contains("Remedy: use an active access key").doesNotContain("not-the-secret-of-this-key");

        Map<String, String> profile = config();
        profile.remove("aws.access.key.id");
        profile.remove("aws.secret.access.key");
        profile.put("aws.credentials.provider", "profile");
        profile.put("aws.profile.name", "benchlake-it-no-such-profile");
        long before = emulator.totalRequests();
        Map<String, List<String>> missing = errors(profile);
        assertThat(missing).containsOnlyKeys("aws.credentials.provider");
        assertThat(missing.get("aws.credentials.provider")).singleElement().asString()
                .startsWith("AWS credentials could not be loaded (aws.credentials.provider=profile)")
                .contains("define the profile benchlake-it-no-such-profile")
                .contains("set aws.validate.access=false");
        assertThat(emulator.totalRequests()).as("no call without credentials").isEqualTo(before);
    }

    @Test
    void theCheckIsSkippedForAirGappedValidation() {
        emulator.faults().deny(LIST_JOBS).deny(DESCRIBE).deny(LIST_STEPS);
        Map<String, String> config = config();
        config.put("aws.validate.access", "false");
        long before = emulator.totalRequests();
        assertThat(errors(config)).isEmpty();
        assertThat(emulator.totalRequests()).isEqualTo(before);
        config.put("aws.validate.access", "true");
        assertThat(errors(config)).containsOnlyKeys("aws.credentials.provider");
    }
}
