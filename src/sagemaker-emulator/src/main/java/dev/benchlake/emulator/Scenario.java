package dev.benchlake.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * What the emulator serves: account, region, the scenario epoch (wall-clock instant of scenario time
 * 0), fault knobs and jobs. Thread-safe: jobs are immutable values replaced atomically, so requests
 * may be served while a test adds or deletes jobs. The JSON form is described in
 * {@code src/test/resources/scenarios/README.md}.
 */
public final class Scenario {
    private final String region;
    private final String accountId;
    private final Instant epoch;
    private final Faults faults;
    private final boolean requireSigV4;
    private final Credentials credentials;
    private final boolean checkAccessKey;
    private final Map<String, ScenarioJob> jobs = new ConcurrentHashMap<>();

    /**
     * The keys the emulator's credentials endpoint serves (ECS container-credentials names). When a scenario declares
     * them, the SigV4 check accepts only them; otherwise it accepts any access key and these defaults are served.
     */
    public record Credentials(String accessKeyId, String secretAccessKey, String token) {
        /** Served when the scenario declares none. */
        public static final Credentials DEFAULT = new Credentials("ASIAEMULATOR00000001",
                "emulator/secret/benchlake/0000000000000000", "IQoJb3JpZ2luX2VjEMULATOR/benchlake/session-token");

        public Credentials {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        }
    }

    private Scenario(Builder b) {
        this.region = b.region;
        this.accountId = b.accountId;
        this.epoch = b.epoch;
        this.faults = b.faults;
        this.requireSigV4 = b.requireSigV4;
        this.credentials = b.credentials == null ? Credentials.DEFAULT : b.credentials;
        this.checkAccessKey = b.credentials != null;
        for (ScenarioJob j : b.jobs) {
            if (jobs.putIfAbsent(j.name(), j) != null) {
                throw new IllegalArgumentException("duplicate job name: " + j.name());
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static Scenario fromJson(Path file) {
        try {
            return fromJson(Json.MAPPER.readTree(Files.readAllBytes(file)), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read scenario " + file, e);
        }
    }

    /** A scenario on the test classpath, e.g. {@code "scenarios/three-jobs.json"}. */
    public static Scenario fromResource(String resource) {
        String path = resource.startsWith("/") ? resource.substring(1) : resource;
        try (InputStream in = Scenario.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no such resource: " + resource);
            }
            return fromJson(Json.MAPPER.readTree(in), resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read scenario " + resource, e);
        }
    }

    public static Scenario fromJsonString(String json) {
        try {
            return fromJson(Json.MAPPER.readTree(json), "<string>");
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
        }
    }

    private static Scenario fromJson(JsonNode root, String source) {
        try {
            Builder b = builder();
            if (root.hasNonNull("region")) b.region(root.get("region").asText());
            if (root.hasNonNull("accountId")) b.accountId(root.get("accountId").asText());
            if (root.hasNonNull("epoch")) {
                JsonNode e = root.get("epoch");
                b.epoch(Instant.ofEpochMilli(Json.timestampMillis(e, 0, "epoch")));
            }
            if (root.hasNonNull("requireSigV4")) b.requireSigV4(root.get("requireSigV4").asBoolean());
            JsonNode keys = root.get("credentials");
            if (keys != null && !keys.isNull()) {
                b.credentials(new Credentials(Json.text(keys, "AccessKeyId"), Json.text(keys, "SecretAccessKey"), Json.text(keys, "Token")));
            }
            b.faults(Faults.fromJson(root.get("faults")));
            for (JsonNode j : root.path("jobs")) {
                b.job(jobFromJson(j));
            }
            return b.build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad scenario " + source + ": " + e.getMessage(), e);
        }
    }

    private static ScenarioJob jobFromJson(JsonNode j) {
        String name = Objects.requireNonNull(Json.text(j, "name"), "a job needs a name");
        ScenarioJob.Builder jb = ScenarioJob.builder(name);
        for (JsonNode v : required(j, "versions", name)) {
            jb.version(Json.secondsToMillis(v.get("at"), name + " version at"), required(v, "job", name));
        }
        if (j.hasNonNull("deletedAt")) {
            jb.deletedAtMillis(Json.secondsToMillis(j.get("deletedAt"), name + " deletedAt"));
        }
        jb.faults(JobFaults.fromJson(j, name));
        if (j.hasNonNull("generatedSteps")) {
            jb.generatedSteps(GeneratedSteps.fromJson(j.get("generatedSteps"), name));
        }
        int index = 0;
        for (JsonNode s : j.path("steps")) {
            String where = name + " step " + index++;
            ScenarioStep.Builder sb = ScenarioStep.builder();
            for (JsonNode v : required(s, "versions", where)) {
                sb.version(Json.secondsToMillis(v.get("at"), where + " version at"), required(v, "step", where));
            }
            jb.step(sb.build());
        }
        return jb.build();
    }

    private static JsonNode required(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(where + ": missing '" + field + "'");
        }
        return v;
    }

    public String region() {
        return region;
    }

    public String accountId() {
        return accountId;
    }

    /** The wall-clock instant of scenario time 0. */
    public Instant epoch() {
        return epoch;
    }

    /** The live fault knobs (mutable, thread-safe). */
    public Faults faults() {
        return faults;
    }

    /** Whether requests must carry a SigV4 Authorization header scoped to this region and "sagemaker". */
    public boolean requireSigV4() {
        return requireSigV4;
    }

    /** The keys the credentials endpoint serves. */
    public Credentials credentials() {
        return credentials;
    }

    /** True when the scenario declared {@link #credentials()}: then SigV4 requests must use that access key (and token). */
    public boolean checksAccessKey() {
        return checkAccessKey;
    }

    /** Who the emulator says is calling, in AccessDeniedException messages (the role the served credentials belong to). */
    public String callerArn() {
        return "arn:aws:sts::" + accountId + ":assumed-role/benchlake/benchlake";
    }

    public String jobArn(String jobName) {
        return "arn:aws:sagemaker:" + region + ":" + accountId + ":inference-recommendations-job/" + jobName.toLowerCase();
    }

    public String defaultRoleArn() {
        return "arn:aws:iam::" + accountId + ":role/service-role/AmazonSageMaker-ExecutionRole-benchlake";
    }

    public ScenarioJob job(String name) {
        return jobs.get(name);
    }

    /** A snapshot of all jobs, deleted ones included, in no particular order. */
    public Collection<ScenarioJob> jobs() {
        return List.copyOf(jobs.values());
    }

    Iterator<ScenarioJob> jobIterator() {
        return jobs.values().iterator();
    }

    public int jobCount() {
        return jobs.size();
    }

    /** Adds a job (its version times are scenario times); refuses a name already present. */
    public void addJob(ScenarioJob job) {
        if (jobs.putIfAbsent(job.name(), job) != null) {
            throw new IllegalArgumentException("a job named " + job.name() + " already exists");
        }
    }

    /** Adds or replaces a job. */
    public void putJob(ScenarioJob job) {
        jobs.put(job.name(), job);
    }

    /** Applies {@code change} to the named job atomically. */
    public ScenarioJob updateJob(String name, UnaryOperator<ScenarioJob> change) {
        ScenarioJob result = jobs.computeIfPresent(name, (k, j) -> change.apply(j));
        if (result == null) {
            throw new IllegalArgumentException("no job named " + name);
        }
        return result;
    }

    /** Marks the job deleted from scenario time {@code atMillis} on. */
    public void deleteJob(String name, long atMillis) {
        updateJob(name, j -> j.withDeletedAt(atMillis));
    }

    /** Builds a scenario in code; see {@link Fixtures} for generated jobs. */
    public static final class Builder {
        private String region = "us-east-1";
        private String accountId = "123456789012";
        private Instant epoch = Instant.parse("2026-01-01T00:00:00Z");
        private Faults faults = new Faults();
        private boolean requireSigV4 = true;
        private Credentials credentials;
        private final List<ScenarioJob> jobs = new ArrayList<>();

        public Builder region(String region) {
            this.region = Objects.requireNonNull(region);
            return this;
        }

        public Builder accountId(String accountId) {
            if (!accountId.matches("[0-9]{12}")) {
                throw new IllegalArgumentException("an account id is 12 digits: " + accountId);
            }
            this.accountId = accountId;
            return this;
        }

        public Builder epoch(Instant epoch) {
            this.epoch = Objects.requireNonNull(epoch);
            return this;
        }

        public Builder faults(Faults faults) {
            this.faults = Objects.requireNonNull(faults);
            return this;
        }

        public Builder requireSigV4(boolean require) {
            this.requireSigV4 = require;
            return this;
        }

        /** Declares the keys: the credentials endpoint serves them and SigV4 requests must use them (null: any key). */
        public Builder credentials(Credentials keys) {
            this.credentials = keys;
            return this;
        }

        public Builder credentials(String accessKeyId, String secretAccessKey, String token) {
            return credentials(new Credentials(accessKeyId, secretAccessKey, token));
        }

        public Builder job(ScenarioJob job) {
            jobs.add(job);
            return this;
        }

        public Builder jobs(Collection<ScenarioJob> all) {
            jobs.addAll(all);
            return this;
        }

        public Scenario build() {
            return new Scenario(this);
        }
    }
}
