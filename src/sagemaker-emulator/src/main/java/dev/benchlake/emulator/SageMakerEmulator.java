package dev.benchlake.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP server on 127.0.0.1 that answers {@code ListInferenceRecommendationsJobSteps},
 * {@code ListInferenceRecommendationsJobs} and {@code DescribeInferenceRecommendationsJob} in the AWS
 * JSON 1.1 protocol, from a {@link Scenario} seen through an {@link EmulatorClock}. Point the AWS SDK's
 * {@code SageMakerClient} at {@link #endpoint()}.
 */
public final class SageMakerEmulator implements AutoCloseable {
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final String TARGET_PREFIX = "SageMaker.";
    private static final Pattern CREDENTIAL_SCOPE = Pattern.compile(
            "^AWS4-HMAC-SHA256\\s+Credential=([^/,\\s]+)/\\d{8}/([^/]+)/([^/]+)/aws4_request");

    /** What became of the NextToken a ListInferenceRecommendationsJobSteps request carried. */
    public enum TokenStatus {
        /** The request carried no NextToken. */
        NONE,
        /** The token was valid and the listing continued from it. */
        ACCEPTED,
        /** The token was refused (malformed, expired, used too often, other parameters): ValidationException. */
        REJECTED,
        /** The request failed before its token was looked at (fault, bad parameter, unknown job). */
        NOT_EVALUATED
    }

    /**
     * One ListInferenceRecommendationsJobSteps request as the emulator saw it.
     *
     * @param scenarioTimeMillis the emulator clock when the request was answered
     */
    public record StepsRequest(String jobName, String nextTokenReceived, TokenStatus tokenStatus, Outcome outcome,
                               String nextTokenReturned, int stepCount, long scenarioTimeMillis) {
        public boolean tokenAccepted() {
            return tokenStatus == TokenStatus.ACCEPTED;
        }
    }

    static {
        // the JDK server otherwise leaves Nagle on: header and body segments then wait on the client's
        // delayed ACK (~40 ms a request). Read once by the JDK, so it must be set before the first server.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final Scenario scenario;
    private final EmulatorClock clock;
    private final InferenceRecommenderApi api;
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI endpoint;
    private final Counters counters = new Counters();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CredentialFaults credentialFaults = new CredentialFaults();
    private final StsEndpoint sts;
    private final KeyRing keyRing;

    private SageMakerEmulator(Scenario scenario, EmulatorClock clock, int port) throws IOException {
        this.scenario = scenario;
        this.clock = clock;
        this.api = new InferenceRecommenderApi(scenario, clock);
        this.sts = new StsEndpoint(scenario, credentialFaults);
        this.keyRing = new KeyRing(scenario.credentials(), java.time.Clock.systemUTC());
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        AtomicInteger threads = new AtomicInteger();
        // unbounded: requests held by a latency knob must not keep other requests from being answered
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread th = new Thread(r, "sagemaker-emulator-" + threads.incrementAndGet());
            th.setDaemon(true);
            return th;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.createContext(CredentialsEndpoint.PATH, new CredentialsEndpoint(scenario, clock, counters, keyRing));
        server.start();
        InetSocketAddress bound = server.getAddress();
        this.endpoint = URI.create("http://" + bound.getAddress().getHostAddress() + ":" + bound.getPort());
    }

    /** Starts on 127.0.0.1, a free port. */
    public static SageMakerEmulator start(Scenario scenario, EmulatorClock clock) {
        return start(scenario, clock, 0);
    }

    /** Starts on 127.0.0.1:{@code port} (0: a free port). */
    public static SageMakerEmulator start(Scenario scenario, EmulatorClock clock, int port) {
        try {
            return new SageMakerEmulator(scenario, clock, port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the SageMaker emulator on port " + port, e);
        }
    }

    /** Starts with a real-time clock. */
    public static SageMakerEmulator start(Scenario scenario) {
        return start(scenario, EmulatorClock.realTime());
    }

    /** {@code http://127.0.0.1:<port>}, for {@code SageMakerClient.builder().endpointOverride(...)}. */
    public URI endpoint() {
        return endpoint;
    }

    /**
     * {@code http://127.0.0.1:<port>/credentials}: ECS container credentials of {@link Scenario#credentials()}. Point the
     * SDK's {@code ContainerCredentialsProvider} at it with the system property {@code aws.containerCredentialsFullUri}
     * (or the environment variable {@code AWS_CONTAINER_CREDENTIALS_FULL_URI}); plain http is allowed on loopback.
     */
    public URI credentialsEndpoint() {
        return URI.create(endpoint + CredentialsEndpoint.PATH);
    }

    /**
     * The STS endpoint (the emulator's own: form-encoded requests without {@code X-Amz-Target} are STS's):
     * AssumeRole and AssumeRoleWithWebIdentity ({@link StsEndpoint}).
     */
    public URI stsEndpoint() {
        return endpoint;
    }

    /** The credential knobs: ExpiredTokenException for a while, STS refusing to assume the role. */
    public CredentialFaults credentialFaults() {
        return credentialFaults;
    }

    public Scenario scenario() {
        return scenario;
    }

    public EmulatorClock clock() {
        return clock;
    }

    /** The live fault knobs (same object as {@code scenario().faults()}). */
    public Faults faults() {
        return scenario.faults();
    }

    // ---- runtime changes ----

    public void addJob(ScenarioJob job) {
        scenario.addJob(job);
    }

    /** Deletes the job now (by the emulator clock): from now on it answers ResourceNotFound and is not listed. */
    public void deleteJob(String name) {
        scenario.deleteJob(name, clock.nowMillis());
    }

    /** Adds a version to the job, in effect from now. */
    public void updateJobNow(String name, String patchJson) {
        Duration now = clock.now();
        scenario.updateJob(name, j -> j.withVersion(now, patchJson));
    }

    /** Adds a version to a step of the job (index in scenario order), in effect from now. */
    public void updateStepNow(String jobName, int stepIndex, String patchJson) {
        Duration now = clock.now();
        scenario.updateJob(jobName, j -> j.withStepVersion(stepIndex, now, patchJson));
    }

    /** Changes a job's per-job faults, e.g. {@code updateJobFaults("j", f -> f.notFound(TimeWindow.seconds(60, 90)))}. */
    public void updateJobFaults(String name, UnaryOperator<JobFaults> change) {
        scenario.updateJob(name, j -> j.withFaults(change.apply(j.faults())));
    }

    /** Adds a step to the job that exists from now. */
    public void addStepNow(String jobName, String stepJson) {
        ScenarioStep step = ScenarioStep.builder().version(clock.now(), stepJson).build();
        scenario.updateJob(jobName, j -> j.withStep(step));
    }

    // ---- counters ----

    /** Counters per operation, job and outcome (answered, throttled, by quota...), and the ListSteps log. */
    public Counters counters() {
        return counters;
    }

    /** Requests being handled right now (e.g. held by a latency knob). */
    public int inFlight() {
        return inFlight.get();
    }

    /** Requests of an operation (short name, e.g. "ListInferenceRecommendationsJobSteps"), any outcome. */
    public long count(String operation) {
        return counters.requests(operation);
    }

    /** Requests of an operation for one JobName, any outcome. */
    public long count(String operation, String jobName) {
        return counters.count(operation, jobName);
    }

    /** Requests of an operation with one outcome. */
    public long count(String operation, Outcome outcome) {
        return counters.count(operation, outcome);
    }

    /** Requests of any operation with one outcome. */
    public long count(Outcome outcome) {
        return counters.count(outcome);
    }

    /** All requests received. */
    public long totalRequests() {
        return counters.total();
    }

    /** Every ListInferenceRecommendationsJobSteps request since start or the last {@link #resetCounters()}, in order. */
    public List<StepsRequest> stepsRequests() {
        return counters.stepsRequests();
    }

    /** Same as {@code counters().reset()}. */
    public void resetCounters() {
        counters.reset();
    }

    // ---- HTTP ----

    private void handle(HttpExchange ex) throws IOException {
        if (StsEndpoint.isSts(ex)) {
            sts.handle(ex);
            return;
        }
        inFlight.incrementAndGet();
        try {
            answer(ex);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void answer(HttpExchange ex) throws IOException {
        String requestId = UUID.randomUUID().toString();
        String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
        String operation = target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length()) : null;
        InferenceRecommenderApi.RequestInfo info = new InferenceRecommenderApi.RequestInfo();
        Outcome outcome;
        int status;
        ObjectNode body;
        long started;
        try (InputStream in = ex.getRequestBody()) {
            byte[] raw = in.readAllBytes();
            started = System.nanoTime();
            try {
                if (!"POST".equals(ex.getRequestMethod()) || operation == null
                        || !InferenceRecommenderApi.OPERATIONS.contains(operation)) {
                    throw new ApiException(400, "UnknownOperationException", null, Outcome.UNKNOWN_OPERATION);
                }
                JsonNode request = null;
                ApiException parseError = null;
                try {
                    request = raw.length == 0 ? Json.object() : Json.MAPPER.readTree(raw);
                    if (request == null || !request.isObject()) {
                        parseError = serialization("the request body is not a JSON object");
                    } else if (request.path("JobName").isTextual()) {
                        info.jobName = request.get("JobName").asText();
                    }
                } catch (IOException e) {
                    parseError = serialization("the request body is not valid JSON");
                }
                if (operation.equals(InferenceRecommenderApi.LIST_STEPS) && request != null
                        && request.path("NextToken").isTextual()) {
                    info.tokenReceived = request.get("NextToken").asText();
                    info.tokenStatus = TokenStatus.NOT_EVALUATED;
                }
                Faults faults = scenario.faults();
                long delay = faults.rollLatencyMs() + faults.latencyFor(operation) + jobLatencyMs(operation, info.jobName);
                if (delay > 0) {
                    if (!sleep(delay)) {
                        ex.close(); // the emulator is closing: no answer, as from a server that went away
                        return;
                    }
                    started = System.nanoTime();
                }
                checkSignature(ex, raw);
                if (credentialFaults.tokensExpiredNow()) {
                    credentialFaults.recordExpired();
                    throw CredentialFaults.expiredToken();
                }
                if (!faults.takeQuota(operation)) {
                    info.quotaThrottled = true;
                    throw InjectedError.THROTTLING.toException(operation, scenario.callerArn(), null);
                }
                if (faults.deniedOperations().contains(operation)) {
                    throw InjectedError.ACCESS_DENIED.toException(operation, scenario.callerArn(), resourceArn(operation, info.jobName));
                }
                InjectedError injected = faults.takeScripted(operation);
                if (injected == null) {
                    injected = faults.rollError(operation);
                }
                if (injected != null) {
                    throw injected.toException(operation, scenario.callerArn(), resourceArn(operation, info.jobName));
                }
                if (parseError != null) {
                    throw parseError;
                }
                body = api.handle(operation, request, info);
                status = 200;
                outcome = Outcome.OK;
            } catch (ApiException e) {
                body = Json.object();
                body.put("__type", e.code());
                if (e.getMessage() != null) {
                    body.put("message", e.getMessage());
                }
                status = e.status();
                outcome = e.outcome();
            } catch (RuntimeException e) {
                body = Json.object();
                body.put("__type", "InternalFailure");
                body.put("message", "emulator bug: " + e);
                status = 500;
                outcome = Outcome.SERVER_ERROR;
            }
        }
        String op = operation != null && InferenceRecommenderApi.OPERATIONS.contains(operation) ? operation
                : String.valueOf(target);
        byte[] bytes = Json.bytes(body);
        record(op, info, outcome, System.nanoTime() - started);
        ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        ex.getResponseHeaders().set("x-amzn-RequestId", requestId);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private long jobLatencyMs(String operation, String jobName) {
        if (jobName == null || operation.equals(InferenceRecommenderApi.LIST_JOBS)) {
            return 0;
        }
        ScenarioJob job = scenario.job(jobName);
        return job == null ? 0 : job.faults().latencyMs();
    }

    /** The ARN an IAM denial names: the job's for the resource-scoped operations, none for the listing. */
    private String resourceArn(String operation, String jobName) {
        return jobName == null || !JobFaults.RESOURCE_SCOPED.contains(operation) ? null : api.jobArn(jobName, clock.nowMillis());
    }

    private void record(String op, InferenceRecommenderApi.RequestInfo info, Outcome outcome, long nanos) {
        counters.record(op, info.jobName, outcome, info.quotaThrottled, nanos);
        if (op.equals(InferenceRecommenderApi.LIST_STEPS)) {
            counters.recordSteps(new StepsRequest(info.jobName, info.tokenReceived, info.tokenStatus, outcome,
                    info.tokenReturned, info.items, clock.nowMillis()));
        }
    }

    private void checkSignature(HttpExchange ex, byte[] body) throws ApiException {
        if (!scenario.requireSigV4()) {
            return;
        }
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || auth.isBlank()) {
            throw new ApiException(403, "MissingAuthenticationTokenException", "Missing Authentication Token",
                    Outcome.ACCESS_DENIED);
        }
        Matcher m = CREDENTIAL_SCOPE.matcher(auth);
        if (!m.find()) {
            throw new ApiException(403, "IncompleteSignatureException",
                    "Authorization header requires a SigV4 'Credential' parameter", Outcome.ACCESS_DENIED);
        }
        if (!m.group(2).equals(scenario.region())) {
            throw new ApiException(403, "InvalidSignatureException", "Credential should be scoped to a valid region, not '"
                    + m.group(2) + "'. ", Outcome.ACCESS_DENIED);
        }
        if (!m.group(3).equals("sagemaker")) {
            throw new ApiException(403, "InvalidSignatureException", "Credential should be scoped to correct service: 'sagemaker'. ",
                    Outcome.ACCESS_DENIED);
        }
        String token = ex.getRequestHeaders().getFirst("X-Amz-Security-Token");
        Scenario.Credentials keys;
        if (scenario.checksAccessKey()) {
            keys = keyRing.accept(m.group(1), token);
        } else if (keyRing.find(m.group(1)) != null) {
            // the keys served when none are declared: known, so their signature is checked; they may be used as
            // static keys, without their session token
            keys = keyRing.accept(m.group(1), token == null ? keyRing.find(m.group(1)).keys().token() : token);
        } else {
            return; // no keys declared and an access key the emulator never issued: accepted unchecked
        }
        // the keys are known: the signature itself is checked, with the SDK's own signer
        SigV4Verifier.verify(ex.getRequestMethod(), ex.getRequestURI(), ex.getRequestHeaders(), body, keys,
                scenario.region(), Instant.now());
    }

    private static ApiException serialization(String message) {
        return new ApiException(400, "SerializationException", message, Outcome.VALIDATION);
    }

    /** False when interrupted (by {@link #close()}). */
    private static boolean sleep(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops at once: requests held by a latency knob are interrupted and get no answer. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs the emulator until killed: {@code <scenario.json> [port] [--time-scale N] [--start-at SECONDS] [--no-auth]}.
     * Prints {@code SAGEMAKER_ENDPOINT=http://127.0.0.1:<port>} once listening.
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 1) {
            System.err.println("usage: SageMakerEmulator <scenario.json> [port] [--time-scale N] [--start-at SECONDS] [--no-auth]");
            System.exit(2);
        }
        SageMakerEmulator emulator = launch(args);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }));
        System.out.println("SAGEMAKER_ENDPOINT=" + emulator.endpoint());
        System.out.flush();
        stopped.await();
    }

    /** What {@link #main} does before waiting: parses the arguments and starts the emulator on a real-time clock. */
    public static SageMakerEmulator launch(String... args) {
        Path file = Path.of(args[0]);
        int port = 0;
        double scale = 1.0;
        long startAt = 0;
        boolean noAuth = false;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--time-scale" -> scale = Double.parseDouble(args[++i]);
                case "--start-at" -> startAt = Long.parseLong(args[++i]);
                case "--no-auth" -> noAuth = true;
                default -> port = Integer.parseInt(args[i]);
            }
        }
        Scenario loaded = Scenario.fromJson(file);
        Scenario scenario = noAuth ? copyWithoutAuth(loaded) : loaded;
        return start(scenario, EmulatorClock.scaled(Duration.ofSeconds(startAt), scale), port);
    }

    private static Scenario copyWithoutAuth(Scenario s) {
        return Scenario.builder().region(s.region()).accountId(s.accountId()).epoch(s.epoch()).faults(s.faults())
                .credentials(s.checksAccessKey() ? s.credentials() : null).requireSigV4(false).jobs(s.jobs()).build();
    }
}
