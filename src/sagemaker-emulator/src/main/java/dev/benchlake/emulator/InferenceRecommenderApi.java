package dev.benchlake.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/** The three operations, as pure request-document to response-document functions over a {@link Scenario}. */
final class InferenceRecommenderApi {
    static final String LIST_STEPS = "ListInferenceRecommendationsJobSteps";
    static final String LIST_JOBS = "ListInferenceRecommendationsJobs";
    static final String DESCRIBE = "DescribeInferenceRecommendationsJob";
    static final Set<String> OPERATIONS = Set.of(LIST_STEPS, LIST_JOBS, DESCRIBE);

    /** Page size when a request has no MaxResults (AWS does not document one). */
    static final int DEFAULT_MAX_RESULTS = 10;

    private static final Set<String> TERMINAL = Set.of("COMPLETED", "FAILED", "STOPPED");
    private static final List<String> DESCRIBE_MEMBERS = List.of(
            "JobName", "JobDescription", "JobType", "JobArn", "RoleArn", "Status", "CreationTime", "CompletionTime",
            "LastModifiedTime", "FailureReason", "InputConfig", "StoppingConditions", "InferenceRecommendations",
            "EndpointPerformances");
    private static final List<String> LIST_MEMBERS = List.of(
            "JobName", "JobDescription", "JobType", "JobArn", "Status", "CreationTime", "CompletionTime", "RoleArn",
            "LastModifiedTime", "FailureReason", "ModelName", "SamplePayloadUrl", "ModelPackageVersionArn");

    private final Scenario scenario;
    private final EmulatorClock clock;
    private final PageTokens tokens = new PageTokens();

    /** What a request did, for counters and the NextToken log. */
    static final class RequestInfo {
        String jobName;
        String tokenReceived;
        SageMakerEmulator.TokenStatus tokenStatus = SageMakerEmulator.TokenStatus.NONE;
        String tokenReturned;
        int items;
        boolean quotaThrottled;
    }

    InferenceRecommenderApi(Scenario scenario, EmulatorClock clock) {
        this.scenario = scenario;
        this.clock = clock;
    }

    ObjectNode handle(String operation, JsonNode request, RequestInfo info) throws ApiException {
        return switch (operation) {
            case LIST_STEPS -> listSteps(request, info);
            case LIST_JOBS -> listJobs(request, info);
            case DESCRIBE -> describe(request, info);
            default -> throw new IllegalStateException(operation);
        };
    }

    private long epochMillis() {
        return scenario.epoch().toEpochMilli();
    }

    /**
     * The job a resource-scoped call may read at {@code t}. IAM decides first (on the ARN, whether or not the job
     * exists), then existence, then the job's not-found windows, which answer exactly like an unknown job.
     */
    private ScenarioJob readableJob(String operation, String name, long t) throws ApiException {
        ScenarioJob job = scenario.job(name);
        if (job != null && job.faults().deniedAt(operation, t)) {
            throw ApiException.accessDenied(scenario.callerArn(), operation, jobArn(name, t));
        }
        if (job == null || !job.existsAt(t) || job.faults().notFoundAt(t)) {
            throw ApiException.notFound("Could not find job with name " + name);
        }
        return job;
    }

    /** The job's ARN: its document's {@code JobArn} if it sets one, else the default form. */
    String jobArn(String name, long t) {
        ScenarioJob job = scenario.job(name);
        ObjectNode doc = job == null ? null : job.resolve(t);
        String explicit = doc == null ? null : Json.text(doc, "JobArn");
        return explicit != null ? explicit : scenario.jobArn(name);
    }

    // ------------------------------------------------------------------ Describe

    ObjectNode describe(JsonNode req, RequestInfo info) throws ApiException {
        Validation v = new Validation(req);
        String name = v.string("JobName", true, 1, 64, Validation.JOB_NAME);
        info.jobName = name;
        v.throwIfInvalid();
        long t = clock.nowMillis();
        ScenarioJob job = readableJob(DESCRIBE, name, t);
        ObjectNode doc = job.resolve(t);
        ObjectNode full = jobDocument(job, doc, t);
        ObjectNode input = (ObjectNode) full.get("InputConfig");
        copyIfAbsent(doc, input, "ModelName");
        copyIfAbsent(doc, input, "ModelPackageVersionArn");
        ObjectNode out = pick(full, DESCRIBE_MEMBERS);
        Json.normalizeTimestamps(out, epochMillis());
        return out;
    }

    /** The job document with the emulator's defaults filled in (all members, describe's and list's). */
    private ObjectNode jobDocument(ScenarioJob job, ObjectNode doc, long t) {
        ScenarioJob.Summary s = job.summaryAt(t);
        long epoch = epochMillis();
        doc.put("JobName", job.name());
        putIfAbsent(doc, "JobType", "Default");
        putIfAbsent(doc, "JobArn", scenario.jobArn(job.name()));
        putIfAbsent(doc, "RoleArn", scenario.defaultRoleArn());
        doc.put("Status", s.status());
        if (!doc.hasNonNull("CreationTime")) {
            doc.set("CreationTime", Json.wireTimestamp(epoch + job.createdAtMillis()));
        }
        if (!doc.hasNonNull("LastModifiedTime")) {
            doc.set("LastModifiedTime", Json.wireTimestamp(epoch + job.lastChangeAt(t)));
        }
        if (!doc.hasNonNull("CompletionTime") && TERMINAL.contains(s.status())) {
            doc.set("CompletionTime", Json.wireTimestamp(epoch + s.statusSince()));
        }
        if (!doc.hasNonNull("InputConfig")) {
            doc.set("InputConfig", Json.object());
        }
        return doc;
    }

    private static void putIfAbsent(ObjectNode doc, String field, String value) {
        if (!doc.hasNonNull(field)) {
            doc.put(field, value);
        }
    }

    private static void copyIfAbsent(ObjectNode from, ObjectNode to, String field) {
        if (!to.hasNonNull(field) && from.hasNonNull(field)) {
            to.set(field, from.get(field));
        }
    }

    private static ObjectNode pick(ObjectNode doc, List<String> members) {
        ObjectNode out = Json.object();
        for (String m : members) {
            JsonNode v = doc.get(m);
            if (v != null && !v.isNull()) {
                out.set(m, v);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ ListJobs

    private record JobRow(ScenarioJob job, ScenarioJob.Summary summary, long creation, long lastModified) {
    }

    ObjectNode listJobs(JsonNode req, RequestInfo info) throws ApiException {
        Validation v = new Validation(req);
        Long creationAfter = v.timestamp("CreationTimeAfter");
        Long creationBefore = v.timestamp("CreationTimeBefore");
        Long modifiedAfter = v.timestamp("LastModifiedTimeAfter");
        Long modifiedBefore = v.timestamp("LastModifiedTimeBefore");
        String nameContains = v.string("NameContains", false, 0, 63, Validation.NAME_CONTAINS);
        String statusEquals = v.enumeration("StatusEquals", Validation.JOB_STATUSES);
        String sortBy = v.enumeration("SortBy", Validation.SORT_BY);
        String sortOrder = v.enumeration("SortOrder", Validation.SORT_ORDER);
        String nextToken = v.string("NextToken", false, 0, 8192, Validation.ANY);
        Integer maxResults = v.integer("MaxResults", 1, 100);
        String modelName = v.string("ModelNameEquals", false, 0, 63, Validation.MODEL_NAME);
        String packageArn = v.string("ModelPackageVersionArnEquals", false, 1, 2048, Validation.MODEL_PACKAGE_ARN);
        v.throwIfInvalid();
        String by = sortBy == null ? "CreationTime" : sortBy;
        boolean descending = sortOrder == null || sortOrder.equals("Descending");
        int max = maxResults == null ? DEFAULT_MAX_RESULTS : maxResults;
        long t = clock.nowMillis();
        long epoch = epochMillis();
        String filterKey = String.join("|", String.valueOf(creationAfter), String.valueOf(creationBefore),
                String.valueOf(modifiedAfter), String.valueOf(modifiedBefore), String.valueOf(nameContains),
                String.valueOf(statusEquals), by, String.valueOf(descending), String.valueOf(modelName),
                String.valueOf(packageArn));
        String filterHash = Integer.toHexString(filterKey.hashCode());

        PageTokens.Token token = null;
        if (nextToken != null) {
            info.tokenReceived = nextToken;
            info.tokenStatus = SageMakerEmulator.TokenStatus.REJECTED;
            token = tokens.accept(nextToken, 'J', 3, t, scenario.faults());
            if (!token.fields().get(0).equals(filterHash)) {
                throw ApiException.validation("Invalid NextToken: it was issued for a request with other parameters");
            }
            info.tokenStatus = SageMakerEmulator.TokenStatus.ACCEPTED;
        }

        String needle = nameContains == null ? null : nameContains.toLowerCase(Locale.ROOT);
        List<JobRow> rows = new ArrayList<>();
        for (Iterator<ScenarioJob> it = scenario.jobIterator(); it.hasNext(); ) {
            ScenarioJob job = it.next();
            if (!job.existsAt(t)) {
                continue;
            }
            ScenarioJob.Summary s = job.summaryAt(t);
            long creation = s.creationTime() != null
                    ? Json.timestampMillis(s.creationTime(), epoch, "CreationTime") : epoch + job.createdAtMillis();
            long modified = s.lastModifiedTime() != null
                    ? Json.timestampMillis(s.lastModifiedTime(), epoch, "LastModifiedTime") : epoch + job.lastChangeAt(t);
            if ((creationAfter != null && creation <= creationAfter)
                    || (creationBefore != null && creation >= creationBefore)
                    || (modifiedAfter != null && modified <= modifiedAfter)
                    || (modifiedBefore != null && modified >= modifiedBefore)
                    || (needle != null && !job.name().toLowerCase(Locale.ROOT).contains(needle))
                    || (statusEquals != null && !statusEquals.equals(s.status()))
                    || (modelName != null && !modelName.equals(s.modelName()))
                    || (packageArn != null && !packageArn.equals(s.modelPackageVersionArn()))) {
                continue;
            }
            rows.add(new JobRow(job, s, creation, modified));
        }
        Comparator<JobRow> order = switch (by) {
            case "Name" -> Comparator.comparing((JobRow r) -> r.job().name());
            case "Status" -> Comparator.comparing((JobRow r) -> r.summary().status())
                    .thenComparing(r -> r.job().name());
            default -> Comparator.comparingLong(JobRow::creation).thenComparing(r -> r.job().name());
        };
        if (descending) {
            order = order.reversed();
        }
        rows.sort(order);

        int start = 0;
        if (token != null && !token.fields().get(2).isEmpty()) {
            // keyset continuation: the first row strictly after the last one returned
            JobRow last = lastRowOf(token, by);
            start = rows.size();
            for (int i = 0; i < rows.size(); i++) {
                if (order.compare(rows.get(i), last) > 0) {
                    start = i;
                    break;
                }
            }
        }

        ObjectNode out = Json.object();
        ArrayNode items = out.putArray("InferenceRecommendationsJobs");
        if (start < rows.size() && scenario.faults().rollEmptyPage()) {
            // an empty page whose token continues where this page would have started
            String again = token != null
                    ? tokens.issue('J', t, filterHash, token.fields().get(1), token.fields().get(2))
                    : tokens.issue('J', t, filterHash, "", "");
            out.put("NextToken", again);
            info.tokenReturned = again;
            return out;
        }
        int end = Math.min(rows.size(), start + max);
        for (int i = start; i < end; i++) {
            JobRow r = rows.get(i);
            ObjectNode doc = jobDocument(r.job(), r.job().resolve(t), t);
            JsonNode input = doc.path("InputConfig");
            if (!doc.hasNonNull("ModelName") && input.hasNonNull("ModelName")) {
                doc.set("ModelName", input.get("ModelName"));
            }
            if (!doc.hasNonNull("ModelPackageVersionArn") && input.hasNonNull("ModelPackageVersionArn")) {
                doc.set("ModelPackageVersionArn", input.get("ModelPackageVersionArn"));
            }
            JsonNode payload = input.path("ContainerConfig").path("PayloadConfig").path("SamplePayloadUrl");
            if (!doc.hasNonNull("SamplePayloadUrl") && payload.isTextual()) {
                doc.set("SamplePayloadUrl", payload);
            }
            putIfAbsent(doc, "JobDescription", "");
            ObjectNode item = pick(doc, LIST_MEMBERS);
            Json.normalizeTimestamps(item, epoch);
            items.add(item);
        }
        info.items = end - start;
        if (end < rows.size()) {
            JobRow last = rows.get(end - 1);
            String next = tokens.issue('J', t, filterHash, primaryKey(last, by), last.job().name());
            out.put("NextToken", next);
            info.tokenReturned = next;
        }
        return out;
    }

    private static String primaryKey(JobRow r, String by) {
        return switch (by) {
            case "Name" -> r.job().name();
            case "Status" -> r.summary().status();
            default -> Long.toString(r.creation());
        };
    }

    /** A stand-in row carrying the sort key saved in a token. */
    private JobRow lastRowOf(PageTokens.Token token, String by) throws ApiException {
        String primary = token.fields().get(1);
        String name = token.fields().get(2);
        ScenarioJob stub;
        try {
            stub = ScenarioJob.builder(name).raw(0, new byte[] {'{', '}'}).build();
        } catch (IllegalArgumentException e) {
            throw PageTokens.invalid();
        }
        try {
            return switch (by) {
                case "Status" -> new JobRow(stub, new ScenarioJob.Summary(primary, 0, null, null, null, null, null), 0, 0);
                case "Name" -> new JobRow(stub, null, 0, 0);
                default -> new JobRow(stub, null, Long.parseLong(primary), 0);
            };
        } catch (NumberFormatException e) {
            throw PageTokens.invalid();
        }
    }

    // ------------------------------------------------------------------ ListSteps

    ObjectNode listSteps(JsonNode req, RequestInfo info) throws ApiException {
        Validation v = new Validation(req);
        String name = v.string("JobName", true, 1, 64, Validation.JOB_NAME);
        info.jobName = name;
        String status = v.enumeration("Status", Validation.JOB_STATUSES);
        String stepType = v.enumeration("StepType", Validation.STEP_TYPES);
        Integer maxResults = v.integer("MaxResults", 1, 100);
        String nextToken = v.string("NextToken", false, 0, 8192, Validation.ANY);
        if (nextToken != null) {
            info.tokenReceived = nextToken;
            info.tokenStatus = SageMakerEmulator.TokenStatus.NOT_EVALUATED;
        }
        v.throwIfInvalid();
        int max = maxResults == null ? DEFAULT_MAX_RESULTS : maxResults;
        long t = clock.nowMillis();
        ScenarioJob job = readableJob(LIST_STEPS, name, t);
        String filterHash = Integer.toHexString((status + "|" + stepType).hashCode());
        Faults faults = scenario.faults();

        int position = 0;
        long passSeed;
        if (nextToken != null) {
            info.tokenStatus = SageMakerEmulator.TokenStatus.REJECTED;
            PageTokens.Token token = tokens.accept(nextToken, 'S', 4, t, faults);
            List<String> f = token.fields();
            if (!f.get(0).equals(name) || !f.get(1).equals(filterHash)) {
                throw ApiException.validation("Invalid NextToken: it was issued for a request with other parameters");
            }
            try {
                position = Integer.parseInt(f.get(2));
                passSeed = Long.parseLong(f.get(3));
            } catch (NumberFormatException e) {
                throw PageTokens.invalid();
            }
            if (position < 0) {
                throw PageTokens.invalid();
            }
            info.tokenStatus = SageMakerEmulator.TokenStatus.ACCEPTED;
        } else {
            passSeed = faults.rollPassSeed();
        }

        List<ScenarioStep> steps = job.steps();
        int[] order = order(steps.size(), passSeed);
        ObjectNode out = Json.object();
        ArrayNode items = out.putArray("Steps");

        int first = nextMatch(order, position, steps, t, status, stepType);
        if (first < 0) {
            info.items = 0;
            return out; // nothing (left): no NextToken
        }
        if (nextToken != null && faults.rollTokenRepeat()) {
            // a page that does not progress: the content of this position, and the same token again
            fillPage(items, order, first, max, steps, t, status, stepType, name);
            info.items = items.size();
            out.put("NextToken", nextToken);
            info.tokenReturned = nextToken;
            return out;
        }
        if (faults.rollEmptyPage()) {
            String again = tokens.issue('S', t, name, filterHash, Integer.toString(position), Long.toString(passSeed));
            out.put("NextToken", again);
            info.tokenReturned = again;
            info.items = 0;
            return out;
        }
        int after = fillPage(items, order, first, max, steps, t, status, stepType, name);
        info.items = items.size();
        if (nextMatch(order, after, steps, t, status, stepType) >= 0) {
            String next = tokens.issue('S', t, name, filterHash, Integer.toString(after), Long.toString(passSeed));
            out.put("NextToken", next);
            info.tokenReturned = next;
        }
        return out;
    }

    /** Adds up to {@code max} matching steps from order position {@code from}; returns the position after the last added. */
    private int fillPage(ArrayNode items, int[] order, int from, int max, List<ScenarioStep> steps, long t,
                         String status, String stepType, String jobName) {
        int i = from;
        int added = 0;
        int after = from;
        while (added < max && i >= 0 && i < order.length) {
            i = nextMatch(order, i, steps, t, status, stepType);
            if (i < 0) {
                break;
            }
            items.add(stepDocument(steps.get(order[i]), t, jobName));
            added++;
            after = ++i;
        }
        return after;
    }

    private static int nextMatch(int[] order, int from, List<ScenarioStep> steps, long t, String status, String stepType) {
        for (int i = from; i < order.length; i++) {
            ScenarioStep s = steps.get(order[i]);
            if (s.existsAt(t) && (status == null || status.equals(s.statusAt(t)))
                    && (stepType == null || stepType.equals(s.stepTypeAt(t)))) {
                return i;
            }
        }
        return -1;
    }

    private ObjectNode stepDocument(ScenarioStep step, long t, String jobName) {
        ObjectNode doc = step.resolve(t);
        ObjectNode out = Json.object();
        out.put("StepType", step.stepTypeAt(t));
        out.put("JobName", jobName);
        out.put("Status", step.statusAt(t));
        JsonNode bench = doc.get("InferenceBenchmark");
        if (bench != null && bench.isObject()) {
            ObjectNode b = (ObjectNode) bench;
            if (!b.hasNonNull("ModelConfiguration")) {
                b.set("ModelConfiguration", Json.object());
            }
            Json.normalizeTimestamps(b, epochMillis());
            out.set("InferenceBenchmark", b);
        }
        return out;
    }

    private static int[] order(int n, long passSeed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (passSeed != 0) {
            Random r = new Random(passSeed);
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
        }
        return order;
    }
}
