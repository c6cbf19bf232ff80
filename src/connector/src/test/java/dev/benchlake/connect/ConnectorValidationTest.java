package dev.benchlake.connect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.benchlake.config.BenchlakeSourceConfig;
import dev.benchlake.discovery.JobShard;

class ConnectorValidationTest {

    private static Map<String, String> valid() {
        Map<String, String> props = new HashMap<>();
        props.put("aws.region", "us-east-1");
        props.put("job.names", "resnet-nightly-1,bert-nightly-1");
        // no AWS here: the calls validate() makes are AwsAccessValidationIT's, against the emulator
        props.put("aws.validate.access", "false");
        return props;
    }

    private static Map<String, List<String>> errors(Map<String, String> props) {
        Config config = new InferenceRecommenderSourceConnector().validate(props);
        Map<String, List<String>> errors = new HashMap<>();
        for (ConfigValue v : config.configValues()) {
            if (!v.errorMessages().isEmpty()) {
                errors.put(v.name(), v.errorMessages());
            }
        }
        return errors;
    }

    static Stream<Arguments> invalidSingleValues() {
        return Stream.of(
                Arguments.of("aws.region", "US-EAST-1", "AWS region"),
                Arguments.of("aws.region", "mars", "AWS region"),
                Arguments.of("page.size", "0", "at least 1"),
                Arguments.of("page.size", "101", "no more than 100"),
                Arguments.of("page.size", "ten", "Not a number"),
                Arguments.of("poll.interval.ms", "10", "at least 100"),
                Arguments.of("job.names", "bad_name", "not a valid Inference Recommender job name"),
                Arguments.of("job.names", "-starts-with-hyphen", "not a valid Inference Recommender job name"),
                Arguments.of("job.names", "a".repeat(65), "not a valid Inference Recommender job name"),
                Arguments.of("job.names", "same,same", "listed twice"),
                Arguments.of("nan.handling", "zero", "null, keep, fail"),
                Arguments.of("aws.credentials.provider", "magic", "assume-role"),
                Arguments.of("topic", "bad topic", "legal Kafka topic name"),
                Arguments.of("topic", "..", "legal Kafka topic name"),
                Arguments.of("jobs.topic", "x".repeat(250), "legal Kafka topic name"),
                Arguments.of("aws.endpoint.override", "not a url", "http"),
                Arguments.of("aws.endpoint.override", "ftp://host", "http"),
                Arguments.of("aws.account.id", "12345", "12-digit"),
                Arguments.of("aws.assume.role.arn", "role/x", "IAM role ARN"),
                Arguments.of("step.status.filter", "DONE", "COMPLETED"),
                Arguments.of("aws.assume.role.session.name", "x", "2 to 64"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("invalidSingleValues")
    void invalidValueIsRejectedNamingTheKeyAndWhatIsAllowed(String key, String value, String allowed) {
        Map<String, String> props = valid();
        props.put(key, value);
        Map<String, List<String>> errors = errors(props);
        assertThat(errors).containsOnlyKeys(key);
        assertThat(String.join(" ", errors.get(key))).contains(key).containsIgnoringCase(allowed);
    }

    static Stream<Arguments> conflictingCredentials() {
        return Stream.of(
                Arguments.of(Map.of("aws.credentials.provider", "static"), "needs aws.access.key.id"),
                Arguments.of(Map.of("aws.credentials.provider", "static", "aws.access.key.id", "AKIDEXAMPLE"),
                        "must be set together"),
                Arguments.of(Map.of("aws.credentials.provider", "profile"), "needs aws.profile.name"),
                Arguments.of(Map.of("aws.credentials.provider", "assume-role"), "needs aws.assume.role.arn"),
                Arguments.of(Map.of("aws.access.key.id", "AKIDEXAMPLE", "aws.secret.access.key", "s3cr3t-value"),
                        "use aws.credentials.provider=static"),
                Arguments.of(Map.of("aws.profile.name", "prod"), "use aws.credentials.provider=profile"),
                Arguments.of(Map.of("aws.assume.role.arn", "arn:aws:iam::123456789012:role/reader"),
                        "use aws.credentials.provider=assume-role"),
                Arguments.of(Map.of("aws.credentials.provider", "assume-role",
                        "aws.assume.role.arn", "arn:aws:iam::123456789012:role/reader", "aws.session.token", "tok-secret"),
                        "aws.session.token needs"));
    }

    @ParameterizedTest
    @MethodSource("conflictingCredentials")
    void conflictingCredentialSettingsAreRejected(Map<String, String> extra, String message) {
        Map<String, String> props = valid();
        props.putAll(extra);
        Map<String, List<String>> errors = errors(props);
        assertThat(errors).containsOnlyKeys("aws.credentials.provider");
        String all = String.join(" ", errors.get("aws.credentials.provider"));
        assertThat(all).contains(message);
        assertThat(all).doesNotContain("s3cr3t-value").doesNotContain("tok-secret").doesNotContain("AKIDEXAMPLE");
    }

    @Test
    void missingRequiredKeysAreNamed() {
        Map<String, List<String>> errors = errors(new HashMap<>(Map.of("job.names", "j1")));
        assertThat(errors).containsOnlyKeys("aws.region");
    }

    @Test
    void nothingToReadIsRejected() {
        Map<String, String> props = valid();
        props.remove("job.names");
        assertThat(errors(props)).containsOnlyKeys("job.names");
        assertThat(String.join(" ", errors(props).get("job.names"))).contains("discovery.enabled");
        props.put("discovery.enabled", "true");
        assertThat(errors(props)).isEmpty();
    }

    @Test
    void discoveryFiltersAwsWouldRejectAreRejected() {
        for (Map.Entry<String, String> bad : Map.of(
                "discovery.name.contains", "has space",
                "discovery.model.name", "-bad-",
                "discovery.model.package.version.arn", "arn:aws:s3:::bucket",
                "discovery.created.after", "yesterday",
                "discovery.status", "DONE",
                "api.max.requests.per.second", "0").entrySet()) {
            Map<String, String> props = valid();
            props.put("discovery.enabled", "true");
            props.put(bad.getKey(), bad.getValue());
            assertThat(errors(props)).as(bad.getKey()).containsOnlyKeys(bad.getKey());
        }
    }

    @Test
    void validConfigHasNoErrors() {
        assertThat(errors(valid())).isEmpty();
        Map<String, String> stat = valid();
        stat.putAll(Map.of("aws.credentials.provider", "static", "aws.access.key.id", "AKID", "aws.secret.access.key", "x"));
        assertThat(errors(stat)).isEmpty();
    }

    @Test
    void everyKeyHasDocumentationGroupAndDisplayName() {
        for (ConfigDef.ConfigKey key : BenchlakeSourceConfig.CONFIG_DEF.configKeys().values()) {
            assertThat(key.documentation).as(key.name).isNotBlank();
            assertThat(key.group).as(key.name).isNotBlank();
            assertThat(key.displayName).as(key.name).isNotBlank();
        }
    }

    @Test
    void secretsAreHiddenFromTheRestApi() {
        for (String key : List.of("aws.access.key.id", "aws.secret.access.key", "aws.session.token", "aws.assume.role.external.id")) {
            assertThat(BenchlakeSourceConfig.CONFIG_DEF.configKeys().get(key).type).as(key).isEqualTo(ConfigDef.Type.PASSWORD);
        }
    }

    @Test
    void alterOffsetsAcceptsResetsAndValidEditsAndRejectsMalformedOnesNamingTheProblem() {
        InferenceRecommenderSourceConnector connector = new InferenceRecommenderSourceConnector();
        Map<String, Object> partition = new dev.benchlake.offset.JobPartition("us-east-1", "", "j1").toMap();
        Map<Map<String, ?>, Map<String, ?>> reset = new HashMap<>();
        reset.put(partition, null);
        assertThat(connector.alterOffsets(valid(), reset)).isTrue();
        assertThat(connector.alterOffsets(valid(),
                Map.of(partition, dev.benchlake.offset.JobOffset.START.withClosed(true).toMap()))).isTrue();

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> connector.alterOffsets(valid(),
                        Map.of(Map.of("job", "j1"), dev.benchlake.offset.JobOffset.START.toMap())))
                .hasMessageContaining("Not a Benchlake source partition").hasMessageContaining("protocol");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> connector.alterOffsets(valid(),
                        Map.of(partition, Map.of("closed", "maybe"))))
                .hasMessageContaining("Invalid offset for job j1").hasMessageContaining("'closed'");
    }

    @Test
    void tasksShareTheJobsDisjointlyByAStableHash() {
        InferenceRecommenderSourceConnector connector = new InferenceRecommenderSourceConnector();
        Map<String, String> props = valid();
        props.put("job.names", "j1,j2,j3,j4,j5,j6,j7,j8,j9,j10");
        connector.start(props);
        List<Map<String, String>> tasks = connector.taskConfigs(3);
        assertThat(tasks).hasSize(3);
        assertThat(tasks).extracting(t -> t.get("benchlake.task.index")).containsExactly("0", "1", "2");
        // CRC-32 of the UTF-8 name modulo the task count, pinned (zlib.crc32 gives the same): a change of the hash
        // would move every job to another task and re-read it
        assertThat(JobShard.of("j1", 3)).isEqualTo((int) (0x8f1591e8L % 3)).isEqualTo(1);
        assertThat(JobShard.of("resnet50-nightly-001", 7)).isEqualTo((int) (0x507e6d49L % 7)).isEqualTo(1);
        assertThat(JobShard.of("bert-base-ondemand-002", 7)).isEqualTo(4);
        assertThat(JobShard.of("xgboost-serverless-003", 3)).isEqualTo(2);
        assertThat(connector.taskConfigs(50)).as("never more tasks than jobs").hasSize(10);
        assertThat(connector.exactlyOnceSupport(props)).isEqualTo(ExactlyOnceSupport.SUPPORTED);
        assertThat(connector.canDefineTransactionBoundaries(props)).isEqualTo(ConnectorTransactionBoundaries.SUPPORTED);
    }
}
