package dev.benchlake.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The emulator held to AWS's own service model ({@code src/test/resources/aws-model/}, see its README for source and
 * date), not to a hand-copied list: its operations, the members, required members, enums and limits it validates on
 * input, the shapes of every answer, and the error codes. Each check reads the limit from the model and drives the
 * emulator over HTTP with it, so a model update (or an emulator change) that makes them differ fails here.
 */
class AwsModelConformanceTest {

    /** Errors every AWS JSON-protocol service may answer, beyond the ones the model lists per operation (AWS's "Common Errors"). */
    private static final Set<String> COMMON_ERRORS = Set.of("AccessDeniedException", "IncompleteSignatureException",
            "InternalFailure", "InvalidSignatureException", "MissingAuthenticationTokenException", "ServiceUnavailable",
            "ThrottlingException", "UnrecognizedClientException", "ValidationException", "SerializationException",
            "UnknownOperationException", "ExpiredTokenException", "InternalServerError", "ServiceUnavailableException");

    private static JsonNode model;
    private static SageMakerEmulator emulator;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        try (InputStream in = AwsModelConformanceTest.class.getResourceAsStream(
                "/aws-model/sagemaker-2017-07-24-inference-recommender.json")) {
            model = Json.MAPPER.readTree(in);
        }
        ManualClock clock = EmulatorClock.manual();
        Scenario scenario = Scenario.builder().requireSigV4(false)
                .jobs(Fixtures.benchmarkJobs("model", 3, 3).instanceTypes("ml.c5.xlarge", Fixtures.SERVERLESS)
                        .failEvery(2).modelName("resnet50").build())
                // StoppingConditions: absent (the generated jobs), one member, every member
                .job(ScenarioJob.builder("model-early-failure").at(0, "{\"Status\":\"FAILED\","
                        + "\"StoppingConditions\":{\"MaxInvocations\":1000}}")
                        .step(Fixtures.failedBeforeEndpoint("no capacity")).build())
                .job(ScenarioJob.builder("model-stopping-conditions").at(0, "{\"Status\":\"FAILED\","
                        + "\"StoppingConditions\":{\"MaxInvocations\":3000,\"ModelLatencyThresholds\":"
                        + "[{\"Percentile\":\"P95\",\"ValueInMilliseconds\":100}],\"FlatInvocations\":\"Stop\"}}")
                        .step(Fixtures.failedBeforeEndpoint("no capacity")).build())
                .build();
        emulator = SageMakerEmulator.start(scenario, clock);
        clock.set(Duration.ofDays(1));
    }

    @AfterAll
    static void stop() {
        emulator.close();
    }

    private static JsonNode shape(String name) {
        return model.get("shapes").get(name);
    }

    private static JsonNode inputShape(String operation) {
        return shape(model.get("operations").get(operation).get("input").get("shape").asText());
    }

    @Test
    void theEmulatorServesExactlyTheModelsOperationsUnderItsTargetPrefixAndSigningName() throws Exception {
        Set<String> operations = new TreeSet<>();
        model.get("operations").fieldNames().forEachRemaining(operations::add);
        assertThat(InferenceRecommenderApi.OPERATIONS).containsExactlyInAnyOrderElementsOf(operations);
        assertThat(model.at("/metadata/signingName").asText()).isEqualTo(SigV4Verifier.SERVICE);
        assertThat(model.at("/metadata/protocol").asText()).isEqualTo("json");
        for (String op : operations) {
            assertThat(model.at("/operations/" + op + "/http/method").asText()).isEqualTo("POST");
        }
        // an operation outside the model is unknown, as on AWS
        HttpResponse<String> unknown = call("CreateInferenceRecommendationsJob", "{}");
        assertThat(errorCode(unknown)).isEqualTo("UnknownOperationException");
    }

    @Test
    void requiredInputMembersAreRequired() throws Exception {
        for (String op : operations()) {
            for (JsonNode required : inputShape(op).path("required")) {
                HttpResponse<String> r = call(op, "{}");
                assertThat(errorCode(r)).as(op + " without " + required.asText()).isEqualTo("ValidationException");
                assertThat(message(r)).contains("at '" + camel(required.asText()) + "' failed to satisfy constraint: "
                        + "Member must not be null");
            }
        }
    }

    @Test
    void stringLimitsPatternsAndEnumsOfEveryInputMemberAreTheModels() throws Exception {
        List<String> checked = new ArrayList<>();
        for (String op : operations()) {
            JsonNode input = inputShape(op);
            for (Iterator<Map.Entry<String, JsonNode>> it = input.get("members").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> member = it.next();
                JsonNode target = shape(member.getValue().get("shape").asText());
                String name = member.getKey();
                if (!target.path("type").asText().equals("string")) {
                    continue;
                }
                if (target.has("enum")) {
                    List<String> values = new ArrayList<>();
                    target.get("enum").forEach(v -> values.add(v.asText()));
                    for (String value : values) {
                        assertThat(errorCode(call(op, request(op, name, value)))).as(op + "." + name + "=" + value)
                                .isNotEqualTo("ValidationException");
                    }
                    HttpResponse<String> bad = call(op, request(op, name, "NOT_IN_THE_MODEL"));
                    assertThat(message(bad)).as(op + "." + name).contains("Member must satisfy enum value set: " + values);
                    checked.add(op + "." + name + " enum");
                    continue;
                }
                if (target.has("max") && !name.equals("NextToken")) {
                    int max = target.get("max").asInt();
                    HttpResponse<String> tooLong = call(op, request(op, name, "a".repeat(max + 1)));
                    assertThat(message(tooLong)).as(op + "." + name)
                            .contains("Member must have length less than or equal to " + max);
                    HttpResponse<String> atMax = call(op, request(op, name, validOfLength(target, max)));
                    assertThat(message(atMax)).as(op + "." + name + " at its maximum length").doesNotContain("length");
                    checked.add(op + "." + name + " max " + max);
                }
                if (target.has("min") && target.get("min").asInt() > 0) {
                    HttpResponse<String> empty = call(op, request(op, name, ""));
                    assertThat(message(empty)).as(op + "." + name)
                            .contains("Member must have length greater than or equal to " + target.get("min").asInt());
                    checked.add(op + "." + name + " min");
                }
                if (target.has("pattern") && !target.get("pattern").asText().equals(".*")) {
                    // '_' starts no job or model name, is no ARN and is no letter, digit or hyphen: no pattern here matches it
                    HttpResponse<String> off = call(op, request(op, name, "_"));
                    assertThat(message(off)).as(op + "." + name)
                            .contains("Member must satisfy regular expression pattern: " + target.get("pattern").asText());
                    checked.add(op + "." + name + " pattern");
                }
            }
        }
        assertThat(checked).as("every constrained string member of the three operations")
                .contains("ListInferenceRecommendationsJobs.NameContains max 63",
                        "ListInferenceRecommendationsJobs.ModelPackageVersionArnEquals pattern",
                        "ListInferenceRecommendationsJobSteps.Status enum", "DescribeInferenceRecommendationsJob.JobName min");
    }

    @Test
    void integerLimitsAreTheModels() throws Exception {
        for (String op : operations()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = inputShape(op).get("members").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> member = it.next();
                JsonNode target = shape(member.getValue().get("shape").asText());
                if (!target.path("type").asText().equals("integer")) {
                    continue;
                }
                int min = target.get("min").asInt();
                int max = target.get("max").asInt();
                String name = member.getKey();
                assertThat(message(call(op, request(op, name, min - 1)))).as(op + "." + name)
                        .contains("Member must have value greater than or equal to " + min);
                assertThat(message(call(op, request(op, name, max + 1)))).as(op + "." + name)
                        .contains("Member must have value less than or equal to " + max);
                assertThat(errorCode(call(op, request(op, name, max)))).as(op + "." + name + "=" + max).isNull();
                assertThat(errorCode(call(op, request(op, name, min)))).as(op + "." + name + "=" + min).isNull();
            }
        }
    }

    @Test
    void everyAnswerHasTheModelsShapeRequiredMembersEnumsAndLimits() throws Exception {
        List<String> problems = new ArrayList<>();
        HttpResponse<String> jobs = call("ListInferenceRecommendationsJobs", "{\"MaxResults\":100}");
        assertThat(jobs.statusCode()).as(jobs.body()).isEqualTo(200);
        JsonNode list = Json.MAPPER.readTree(jobs.body());
        check("ListInferenceRecommendationsJobsResponse", list, "ListJobs", problems);
        assertThat(list.get("InferenceRecommendationsJobs")).hasSize(5);
        List<String> stopping = new ArrayList<>();
        for (JsonNode job : list.get("InferenceRecommendationsJobs")) {
            String name = job.get("JobName").asText();
            HttpResponse<String> d = call("DescribeInferenceRecommendationsJob", "{\"JobName\":\"" + name + "\"}");
            assertThat(d.statusCode()).as(d.body()).isEqualTo(200);
            JsonNode described = Json.MAPPER.readTree(d.body());
            check("DescribeInferenceRecommendationsJobResponse", described, "Describe " + name, problems);
            stopping.add(described.has("StoppingConditions") ? described.get("StoppingConditions").toString() : "absent");
            HttpResponse<String> s = call("ListInferenceRecommendationsJobSteps", "{\"JobName\":\"" + name + "\",\"MaxResults\":100}");
            assertThat(s.statusCode()).as(s.body()).isEqualTo(200);
            JsonNode steps = Json.MAPPER.readTree(s.body());
            assertThat(steps.get("Steps")).as(name).isNotEmpty();
            check("ListInferenceRecommendationsJobStepsResponse", steps, "ListSteps " + name, problems);
        }
        assertThat(problems).as("where the emulator's answers differ from AWS's model").isEmpty();
        assertThat(stopping).as("the describe answers' StoppingConditions, checked above against the model")
                .containsExactlyInAnyOrder("absent", "absent", "absent", "{\"MaxInvocations\":1000}",
                        "{\"MaxInvocations\":3000,\"ModelLatencyThresholds\":[{\"Percentile\":\"P95\","
                        + "\"ValueInMilliseconds\":100}],\"FlatInvocations\":\"Stop\"}");
    }

    @Test
    void errorCodesAreTheModelsOrAwsCommonOnes() throws Exception {
        // a job AWS does not know: the model's ResourceNotFound, for the two operations that list it
        for (String op : List.of("DescribeInferenceRecommendationsJob", "ListInferenceRecommendationsJobSteps")) {
            String code = errorCode(call(op, "{\"JobName\":\"no-such-job\"}"));
            List<String> modelled = new ArrayList<>();
            model.at("/operations/" + op + "/errors").forEach(e -> modelled.add(e.get("shape").asText()));
            assertThat(modelled).as(op).contains(code);
            assertThat(shape(code).get("exception").asBoolean()).isTrue();
        }
        assertThat(model.at("/operations/ListInferenceRecommendationsJobs/errors").isMissingNode())
                .as("the model lists no error for ListJobs").isTrue();
        // every code the emulator can answer, from its ApiException sources and its injected faults
        Set<String> codes = new TreeSet<>();
        for (InjectedError e : InjectedError.values()) {
            codes.add(e.toException("DescribeInferenceRecommendationsJob", "arn:aws:iam::1:role/r", null).code());
        }
        codes.add(ApiException.notFound("x").code());
        codes.add(ApiException.validation("x").code());
        codes.add(ApiException.accessDenied("arn", "op", null).code());
        for (String code : codes) {
            assertThat(COMMON_ERRORS.contains(code) || shape(code) != null && shape(code).path("exception").asBoolean())
                    .as(code + " is an error of the model or one of AWS's common errors").isTrue();
        }
    }

    // ------------------------------------------------------------------------------------------------ shape check

    private static void check(String shapeName, JsonNode value, String path, List<String> problems) {
        JsonNode s = shape(shapeName);
        if (s == null) {
            problems.add(path + ": shape " + shapeName + " is not in the model");
            return;
        }
        switch (s.get("type").asText()) {
            case "structure" -> {
                if (!value.isObject()) {
                    problems.add(path + ": expected an object for " + shapeName);
                    return;
                }
                for (JsonNode required : s.path("required")) {
                    if (!value.hasNonNull(required.asText())) {
                        problems.add(path + ": required member " + required.asText() + " of " + shapeName + " is missing");
                    }
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> f = it.next();
                    JsonNode member = s.get("members").get(f.getKey());
                    if (member == null) {
                        problems.add(path + ": member " + f.getKey() + " is not in " + shapeName);
                    } else if (!f.getValue().isNull()) {
                        check(member.get("shape").asText(), f.getValue(), path + "." + f.getKey(), problems);
                    }
                }
            }
            case "list" -> {
                if (!value.isArray()) {
                    problems.add(path + ": expected a list for " + shapeName);
                    return;
                }
                limits(s, value.size(), path + " (items)", problems);
                int i = 0;
                for (JsonNode item : value) {
                    check(s.get("member").get("shape").asText(), item, path + "[" + i++ + "]", problems);
                }
            }
            case "map" -> value.fields().forEachRemaining(e -> check(s.get("value").get("shape").asText(), e.getValue(),
                    path + "{" + e.getKey() + "}", problems));
            case "string" -> {
                if (!value.isTextual()) {
                    problems.add(path + ": expected a string for " + shapeName);
                    return;
                }
                String text = value.asText();
                if (s.has("enum")) {
                    List<String> values = new ArrayList<>();
                    s.get("enum").forEach(v -> values.add(v.asText()));
                    if (!values.contains(text)) {
                        problems.add(path + ": '" + text + "' is not in " + shapeName + "'s enum " + values);
                    }
                }
                limits(s, text.codePointCount(0, text.length()), path + " (length)", problems);
                if (s.has("pattern") && !Pattern.compile(s.get("pattern").asText()).matcher(text).find()) {
                    problems.add(path + ": '" + text + "' does not match " + s.get("pattern").asText());
                }
            }
            case "integer", "long" -> {
                if (!value.isIntegralNumber()) {
                    problems.add(path + ": expected an integer for " + shapeName);
                    return;
                }
                limits(s, value.asLong(), path, problems);
            }
            case "float", "double" -> {
                // the JSON protocol writes the non-finite values as strings
                if (!value.isNumber() && !Set.of("NaN", "Infinity", "-Infinity").contains(value.asText())) {
                    problems.add(path + ": expected a number for " + shapeName);
                }
            }
            case "timestamp" -> {
                if (!value.isNumber()) {
                    problems.add(path + ": expected epoch seconds for " + shapeName);
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    problems.add(path + ": expected a boolean for " + shapeName);
                }
            }
            default -> problems.add(path + ": type " + s.get("type").asText() + " of " + shapeName + " is not checked");
        }
    }

    private static void limits(JsonNode s, long n, String path, List<String> problems) {
        if (s.has("min") && n < s.get("min").asLong()) {
            problems.add(path + ": " + n + " below the model's min " + s.get("min").asLong());
        }
        if (s.has("max") && n > s.get("max").asLong()) {
            problems.add(path + ": " + n + " above the model's max " + s.get("max").asLong());
        }
    }

    // ------------------------------------------------------------------------------------------------ requests

    private static Set<String> operations() {
        Set<String> ops = new TreeSet<>();
        model.get("operations").fieldNames().forEachRemaining(ops::add);
        return ops;
    }

    /** A request with {@code member} set and the operation's required members given valid values. */
    private static String request(String op, String member, Object value) {
        ObjectNode r = Json.object();
        for (JsonNode required : inputShape(op).path("required")) {
            r.put(required.asText(), "model-00000");
        }
        if (value instanceof Integer i) {
            r.put(member, i);
        } else {
            r.put(member, (String) value);
        }
        return r.toString();
    }

    /** A value of {@code length} characters that satisfies the member's pattern (a name of letters and digits). */
    private static String validOfLength(JsonNode target, int length) {
        if (target.path("pattern").asText().startsWith("^arn:")) {
            String head = "arn:aws:sagemaker:us-east-1:123456789012:model-package/";
            return head + "p".repeat(length - head.length());
        }
        return "a".repeat(length);
    }

    private static HttpResponse<String> call(String operation, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(emulator.endpoint() + "/"))
                .header("Content-Type", "application/x-amz-json-1.1")
                .header("X-Amz-Target", "SageMaker." + operation)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String errorCode(HttpResponse<String> r) throws IOException {
        if (r.statusCode() == 200) {
            return null;
        }
        String type = Json.MAPPER.readTree(r.body()).path("__type").asText();
        return type.substring(type.indexOf('#') + 1);
    }

    private static String message(HttpResponse<String> r) throws IOException {
        if (r.statusCode() == 200) {
            return "";
        }
        JsonNode body = Json.MAPPER.readTree(r.body());
        return body.path("message").asText(body.path("Message").asText(""));
    }

    private static String camel(String member) {
        return Character.toLowerCase(member.charAt(0)) + member.substring(1);
    }
}
