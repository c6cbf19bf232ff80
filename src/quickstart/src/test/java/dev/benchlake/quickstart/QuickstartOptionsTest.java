package dev.benchlake.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The command line, and the bad options that must end with one clear sentence and a non-zero exit before anything starts. */
class QuickstartOptionsTest {

    @Test
    void defaultsAreTheBuiltInEmulatorOnFreePorts() {
        QuickstartOptions o = QuickstartOptions.parse();
        assertThat(o.builtInEmulator()).isTrue();
        assertThat(o.connectPort()).isZero();
        assertThat(o.postgresPort()).isZero();
        assertThat(o.keepRunning()).isFalse();
        assertThat(o.report()).isEqualTo(Path.of("target/quickstart/report.html"));
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(o.hasDiscoveryFilter()).isFalse();
        assertThat(o.warehouse()).isEqualTo("postgres");
        assertThat(o.iceberg()).isFalse();
    }

    @Test
    void warehouseIcebergAlsoLandsInTheLakehouse() {
        assertThat(QuickstartOptions.parse("--warehouse", "iceberg").iceberg()).isTrue();
        assertThat(QuickstartOptions.parse("--warehouse=ICEBERG").warehouse()).isEqualTo("iceberg");
        assertThat(QuickstartOptions.parse("--warehouse", "postgres").iceberg()).isFalse();
        assertThat(QuickstartOptions.USAGE).contains("--warehouse iceberg");
        assertUsage(List.of("--warehouse", "snowflake"), "--warehouse takes postgres or iceberg, not 'snowflake'.");
        assertUsage(List.of("--warehouse"), "Option --warehouse needs a value: ./quickstart.sh --help lists the options.");
    }

    @Test
    void everyOptionIsRead() {
        QuickstartOptions o = QuickstartOptions.parse("--aws", "--region", "eu-west-1", "--name-contains", "nightly",
                "--model-name", "resnet50", "--status", "completed", "--created-after", "2026-01-01T00:00:00Z",
                "--job-names", "a-1,b-2", "--connect-port=18083", "--postgres-port", "15432", "--report", "out.html",
                "--timeout", "60", "--keep-running", "--sagemaker-endpoint", "https://vpce.example:8443");
        assertThat(o.aws()).isTrue();
        assertThat(o.builtInEmulator()).isFalse();
        assertThat(o.region()).isEqualTo("eu-west-1");
        assertThat(o.nameContains()).isEqualTo("nightly");
        assertThat(o.modelName()).isEqualTo("resnet50");
        assertThat(o.status()).isEqualTo("COMPLETED");
        assertThat(o.createdAfter()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(o.jobNames()).containsExactly("a-1", "b-2");
        assertThat(o.connectPort()).isEqualTo(18083);
        assertThat(o.postgresPort()).isEqualTo(15432);
        assertThat(o.report()).isEqualTo(Path.of("out.html"));
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.keepRunning()).isTrue();
        assertThat(o.sagemakerEndpoint()).isEqualTo(URI.create("https://vpce.example:8443"));
        assertThat(o.hasDiscoveryFilter()).isTrue();
    }

    @Test
    void badOptionsSayWhatIsWrongInOneSentence() {
        assertUsage(List.of("--bogus"), "Unknown option '--bogus': ./quickstart.sh --help lists the options.");
        assertUsage(List.of("--region"), "Option --region needs a value: ./quickstart.sh --help lists the options.");
        assertUsage(List.of("--region", "Mars"), "--region needs an AWS region code such as us-east-1, not 'Mars'.");
        assertUsage(List.of("--sagemaker-endpoint", "localhost:9090"),
                "--sagemaker-endpoint needs an http(s) URL such as http://127.0.0.1:9090, not 'localhost:9090'.");
        assertUsage(List.of("--connect-port", "70000"),
                "--connect-port needs a port number from 0 to 65535 (0: any free port), not '70000'.");
        assertUsage(List.of("--status", "DONE"), "--status takes one of PENDING, IN_PROGRESS, COMPLETED, FAILED, "
                + "STOPPING, STOPPED, DELETING, DELETED, not 'DONE'.");
        assertUsage(List.of("--created-after", "yesterday"),
                "--created-after needs an ISO-8601 instant such as 2026-01-01T00:00:00Z, not 'yesterday'.");
        assertUsage(List.of("--name-contains", "a b"), "--name-contains takes 1 to 63 letters, digits or '-', not 'a b'.");
        assertUsage(List.of("--connect-port", "5000", "--postgres-port", "5000"),
                "--connect-port and --postgres-port are both 5000: give them different ports.");
    }

    private static void assertUsage(List<String> args, String message) {
        assertThatThrownBy(() -> QuickstartOptions.parse(args.toArray(String[]::new)))
                .isInstanceOf(QuickstartException.class).hasMessage(message)
                .satisfies(e -> assertThat(((QuickstartException) e).exitCode()).isEqualTo(2));
        Result r = run(args.toArray(String[]::new));
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).isEqualTo(message + System.lineSeparator());
        assertThat(r.out).isEmpty();
    }

    @Test
    void helpPrintsTheUsage() {
        Result r = run("--help");
        assertThat(r.code).isZero();
        assertThat(r.out).startsWith("Usage: ./quickstart.sh [options]").contains("--sagemaker-endpoint URL", "--aws",
                "--name-contains TEXT", "--keep-running");
    }

    @Test
    void aPortInUseEndsBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Result r = run("--connect-port", Integer.toString(taken.getLocalPort()));
            assertThat(r.code).isEqualTo(1);
            assertThat(r.err).isEqualTo("Port " + taken.getLocalPort() + " (--connect-port) is already in use on "
                    + "127.0.0.1: stop what listens there or pick another port (0 picks a free one)." + System.lineSeparator());
            assertThat(r.out).doesNotContain(Quickstart.READY);
        }
    }

    @Test
    void anUnreachableEndpointEndsBeforeAnythingStarts() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Result r = run("--sagemaker-endpoint", "http://127.0.0.1:" + closed);
        assertThat(r.code).isEqualTo(1);
        assertThat(r.err).startsWith("Cannot reach the SageMaker endpoint http://127.0.0.1:" + closed + " (")
                .endsWith("): check --sagemaker-endpoint." + System.lineSeparator());
        assertThat(r.err.lines()).hasSize(1);
    }

    @Test
    void awsWithoutCredentialsEndsBeforeAnythingStarts() {
        // the default chain must find nothing: no credentials in the environment (CI has none), profile files that do
        // not exist, and no instance-metadata lookup (which would leave the machine)
        // the build clears the AWS credential variables for this module's tests (pom.xml): never skipped
        assertThat(System.getenv("AWS_ACCESS_KEY_ID")).as("cleared by the build").isNullOrEmpty();
        String[] keys = {"aws.disableEc2Metadata", "aws.sharedCredentialsFile", "aws.configFile"};
        String[] saved = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            saved[i] = System.getProperty(keys[i]);
        }
        System.setProperty("aws.disableEc2Metadata", "true");
        System.setProperty("aws.sharedCredentialsFile", "target/no-such-aws-credentials");
        System.setProperty("aws.configFile", "target/no-such-aws-config");
        try {
            Result r = run("--aws", "--region", "eu-west-1");
            assertThat(r.code).isEqualTo(1);
            assertThat(r.err).isEqualTo("--aws needs AWS credentials and the default credential chain found none "
                    + "(environment, ~/.aws profiles, SSO, web identity, container or instance role): run `aws configure` "
                    + "or set AWS_PROFILE, then try again." + System.lineSeparator());
        } finally {
            for (int i = 0; i < keys.length; i++) {
                if (saved[i] == null) {
                    System.clearProperty(keys[i]);
                } else {
                    System.setProperty(keys[i], saved[i]);
                }
            }
        }
    }

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Quickstart.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
