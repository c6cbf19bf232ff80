package dev.benchlake.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.benchlake.config.BenchlakeSourceConfig;

/** aws.endpoint.override is https (or loopback) unless opted in; loggers that print AWS credentials are raised. */
class EndpointSecurityTest {

    private static final String REFUSED = "aws.endpoint.override http://sagemaker.internal.example.com:8080 is http:// to a "
            + "host that is not loopback: signed requests and the session token would cross the network in clear text. "
            + "Use https, or set aws.endpoint.allow.insecure=true to accept that.";

    private static Map<String, String> props(String endpoint) {
        Map<String, String> props = new HashMap<>();
        props.put("aws.region", "us-east-1");
        props.put("job.names", "resnet-nightly-1");
        props.put(BenchlakeSourceConfig.ENDPOINT_OVERRIDE, endpoint);
        props.put(BenchlakeSourceConfig.VALIDATE_ACCESS, "false");
        return props;
    }

    private static List<String> endpointErrors(Map<String, String> props) {
        return new InferenceRecommenderSourceConnector().validate(props).configValues().stream()
                .filter(v -> v.name().equals(BenchlakeSourceConfig.ENDPOINT_OVERRIDE))
                .findFirst().map(ConfigValue::errorMessages).orElseThrow();
    }

    @Test
    void anHttpEndpointToAnotherHostIsRefusedByValidateAndStart() {
        Map<String, String> props = props("http://sagemaker.internal.example.com:8080");
        assertThat(endpointErrors(props)).containsExactly(REFUSED);
        assertThatThrownBy(() -> new InferenceRecommenderSourceConnector().start(props))
                .isInstanceOf(ConnectException.class).hasMessage("Invalid Benchlake configuration: " + REFUSED);
        assertThat(new BenchlakeSourceConfig(props).endpointProblem()).contains(REFUSED);
    }

    @Test
    void httpsLoopbackOrTheOptInAreAccepted() {
        assertThat(endpointErrors(props("https://sagemaker.internal.example.com"))).isEmpty();
        assertThat(endpointErrors(props("http://127.0.0.1:4566"))).isEmpty();
        assertThat(endpointErrors(props("http://localhost:4566"))).isEmpty();
        Map<String, String> optIn = props("http://sagemaker.internal.example.com:8080");
        optIn.put(BenchlakeSourceConfig.ENDPOINT_ALLOW_INSECURE, "true");
        assertThat(endpointErrors(optIn)).isEmpty();
    }

    @Test
    void anEndpointWithUserInfoIsRefusedWithoutShowingIt() {
        List<String> errors = endpointErrors(props("https://svc:Ab3/x+Yz@sagemaker.example.com"));
        assertThat(errors).containsExactly("aws.endpoint.override must not carry user info (credentials): "
                + "https://sagemaker.example.com");
    }

    @Test
    void loggersThatPrintCredentialsAreRaisedToInfo() {
        List<String> names = CredentialLoggers.NAMES;
        names.forEach(name -> Configurator.setLevel(name, Level.DEBUG));
        try {
            assertThat(names).allMatch(name -> LoggerFactory.getLogger(name).isDebugEnabled());
            assertThat(CredentialLoggers.guard()).containsExactlyElementsOf(names);
            assertThat(names).noneMatch(name -> LoggerFactory.getLogger(name).isDebugEnabled());
            assertThat(CredentialLoggers.guard()).as("nothing left to raise").isEmpty();
        } finally {
            names.forEach(name -> Configurator.setLevel(name, (Level) null));
        }
    }
}
