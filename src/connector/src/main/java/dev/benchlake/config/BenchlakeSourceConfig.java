package dev.benchlake.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

import dev.benchlake.api.ApiOperation;
import dev.benchlake.avro.Urls;
import dev.benchlake.record.NanHandling;

/** The connector's settings: names, docs, defaults, validators, groups and typed accessors. */
public final class BenchlakeSourceConfig extends AbstractConfig {

    public static final String GROUP_AWS = "AWS connection";
    public static final String GROUP_JOBS = "Jobs";
    public static final String GROUP_POLLING = "Polling";
    public static final String GROUP_OUTPUT = "Output";
    public static final String GROUP_ERRORS = "Errors";

    public static final String ACCESS_DENIED_RETRY_MS = "errors.access.denied.retry.ms";
    private static final String ACCESS_DENIED_RETRY_MS_DOC = "How long a job whose calls IAM denies (a policy scoped "
            + "by resource ARN) waits before it is tried again. Other jobs go on; the task fails only when the job "
            + "listing is denied or every job of its shard is.";

    public static final String CREDENTIALS_FAILURE_TIMEOUT_MS = "errors.credentials.failure.timeout.ms";
    private static final String CREDENTIALS_FAILURE_TIMEOUT_MS_DOC = "How long credentials may fail to load (an "
            + "instance metadata or container credentials endpoint restarting) before the task fails; until then "
            + "calls back off and are retried.";

    public static final String NOT_FOUND_CLOSE_ANSWERS = "errors.not.found.close.answers";
    private static final String NOT_FOUND_CLOSE_ANSWERS_DOC = "AWS's control plane is eventually consistent: a job "
            + "read before is closed as NOT_FOUND only after this many not-found answers in a row, spread over at "
            + "least errors.not.found.close.after.ms.";

    public static final String NOT_FOUND_CLOSE_AFTER_MS = "errors.not.found.close.after.ms";
    private static final String NOT_FOUND_CLOSE_AFTER_MS_DOC = "The least time between the first and the last of the "
            + "not-found answers that close a job read before.";

    public static final String NOT_FOUND_RECHECK_MAX_MS = "errors.not.found.recheck.max.ms";
    private static final String NOT_FOUND_RECHECK_MAX_MS_DOC = "A job that was never read successfully (named in "
            + "job.names, or listed but not found yet) is checked again with exponential backoff from the poll "
            + "interval up to this.";

    public static final String TOKEN_MAX_FAILURES = "errors.token.max.failures";
    private static final String TOKEN_MAX_FAILURES_DOC = "A NextToken whose page fails this many times in a row (other "
            + "than throttling) restarts the pass at page 1; emitted steps are not emitted twice.";

    public static final String METRICS_LOG_INTERVAL_MS = "metrics.log.interval.ms";
    private static final String METRICS_LOG_INTERVAL_MS_DOC = "How often each task logs its metrics as one INFO line "
            + "starting with BENCHLAKE_METRICS (space-separated values, for a CloudWatch Logs metric filter on MSK "
            + "Connect, where JMX is out of reach; docs/monitoring.md). 0 logs none.";

    public static final String OFFSET_MAX_BYTES = "offset.max.bytes";
    private static final String OFFSET_MAX_BYTES_DOC = "The largest offset one job may have (the hashes of its emitted "
            + "steps, 12 bytes each, and its NextToken). A job whose offset would grow past it stops with an error "
            + "naming it, before the offset exceeds what the producer can write (max.request.size, 1 MiB by default). "
            + "To read such a job, raise producer.override.max.request.size on the connector, the offsets topic's "
            + "max.message.bytes and this together.";

    public static final String REGION = "aws.region";
    private static final String REGION_DOC = "AWS region of the SageMaker jobs, for example us-east-1.";

    public static final String ENDPOINT_OVERRIDE = "aws.endpoint.override";
    private static final String ENDPOINT_OVERRIDE_DOC = "SageMaker API endpoint to use instead of the region's "
            + "public one: a VPC interface endpoint, a FIPS endpoint, or a SageMaker-compatible emulator. Empty uses the region's endpoint.";

    public static final String ENDPOINT_ALLOW_INSECURE = "aws.endpoint.allow.insecure";
    private static final String ENDPOINT_ALLOW_INSECURE_DOC = "Allow an http:// " + ENDPOINT_OVERRIDE + " to a host "
            + "other than loopback. Off: refused, since signed requests (and a session token) would cross the network "
            + "in clear text.";

    public static final String CREDENTIALS_PROVIDER = "aws.credentials.provider";
    private static final String CREDENTIALS_PROVIDER_DOC = "Where AWS credentials come from: 'default' (the SDK's "
            + "default chain: environment, system properties, web identity, profile, container, instance role), 'static' "
            + "(aws.access.key.id and aws.secret.access.key), 'profile' (aws.profile.name from the worker's AWS config files), "
            + "'assume-role' (STS AssumeRole of aws.assume.role.arn on top of the static keys when given, else the default chain).";

    public static final String ACCESS_KEY_ID = "aws.access.key.id";
    private static final String ACCESS_KEY_ID_DOC = "Access key id, with aws.credentials.provider=static (or as the base of assume-role).";

    public static final String SECRET_ACCESS_KEY = "aws.secret.access.key";
    private static final String SECRET_ACCESS_KEY_DOC = "Secret access key that goes with aws.access.key.id.";

    public static final String SESSION_TOKEN = "aws.session.token";
    private static final String SESSION_TOKEN_DOC = "Session token, for temporary static credentials.";

    public static final String PROFILE_NAME = "aws.profile.name";
    private static final String PROFILE_NAME_DOC = "Profile name, with aws.credentials.provider=profile.";

    public static final String ROLE_ARN = "aws.assume.role.arn";
    private static final String ROLE_ARN_DOC = "IAM role to assume, with aws.credentials.provider=assume-role.";

    public static final String EXTERNAL_ID = "aws.assume.role.external.id";
    private static final String EXTERNAL_ID_DOC = "External id the role's trust policy requires, if any.";

    public static final String SESSION_NAME = "aws.assume.role.session.name";
    private static final String SESSION_NAME_DOC = "Session name of the assumed role, visible in CloudTrail.";

    public static final String ACCOUNT_ID = "aws.account.id";
    private static final String ACCOUNT_ID_DOC = "AWS account id, written into each record's source partition and "
            + "aws_account_id when no job ARN is known yet. Set it once: changing it starts new offsets.";

    public static final String API_CALL_TIMEOUT_MS = "aws.api.call.timeout.ms";
    private static final String API_CALL_TIMEOUT_MS_DOC = "Upper bound for one SageMaker API call, the SDK's own retries included.";

    public static final String VALIDATE_ACCESS = "aws.validate.access";
    private static final String VALIDATE_ACCESS_DOC = "validate() (the REST API's config/validate, and every create or "
            + "update of the connector) asks AWS: the credentials load, and one call of each operation the tasks make "
            + "(ListInferenceRecommendationsJobs with discovery, DescribeInferenceRecommendationsJob, "
            + "ListInferenceRecommendationsJobSteps, MaxResults=1) is allowed in aws.region; a failure names the IAM "
            + "action, region or credentials to fix. false skips these calls, to validate where AWS cannot be reached.";

    public static final String JOB_NAMES = "job.names";
    private static final String JOB_NAMES_DOC = "Inference Recommender jobs to read, comma-separated. "
            + "A job that does not exist yet is logged once and checked again every poll interval.";

    public static final String DISCOVERY_ENABLED = "discovery.enabled";
    private static final String DISCOVERY_ENABLED_DOC = "Find jobs with ListInferenceRecommendationsJobs instead of (or "
            + "beside) job.names. Each task lists the jobs and keeps those of its shard (a stable hash of the job "
            + "name), so new jobs need no rebalance and task configs stay small.";

    public static final String DISCOVERY_DESCRIBE_JOBS = "discovery.describe.jobs";
    private static final String DISCOVERY_DESCRIBE_JOBS_DOC = "With discovery, describe each job once, for the input "
            + "configuration the listings do not carry (job duration, traffic pattern, endpoint configurations on the "
            + "jobs topic). false leaves those fields null and saves one call per job: a backfill then needs half "
            + "the API calls. Jobs named in job.names and not listed are always described.";

    public static final String DISCOVERY_NAME_CONTAINS = "discovery.name.contains";
    private static final String DISCOVERY_NAME_CONTAINS_DOC = "Discover only jobs whose name contains this string (the API's NameContains).";

    public static final String DISCOVERY_STATUS = "discovery.status";
    private static final String DISCOVERY_STATUS_DOC = "Discover only jobs with this status (the API's StatusEquals). Empty discovers every status.";

    public static final String DISCOVERY_MODEL_NAME = "discovery.model.name";
    private static final String DISCOVERY_MODEL_NAME_DOC = "Discover only jobs of this model (the API's ModelNameEquals).";

    public static final String DISCOVERY_MODEL_PACKAGE_VERSION_ARN = "discovery.model.package.version.arn";
    private static final String DISCOVERY_MODEL_PACKAGE_VERSION_ARN_DOC =
            "Discover only jobs of this model package version (the API's ModelPackageVersionArnEquals).";

    public static final String DISCOVERY_CREATED_AFTER = "discovery.created.after";
    private static final String DISCOVERY_CREATED_AFTER_DOC = "Discover only jobs created after this instant, ISO-8601 "
            + "(for example 2025-01-01T00:00:00Z). Empty discovers the whole history.";

    public static final String DISCOVERY_INTERVAL_MS = "discovery.interval.ms";
    private static final String DISCOVERY_INTERVAL_MS_DOC = "How often each task lists jobs modified since its last listing.";

    public static final String DISCOVERY_OVERLAP_MS = "discovery.overlap.ms";
    private static final String DISCOVERY_OVERLAP_MS_DOC = "How far before the newest LastModifiedTime already seen the next listing "
            + "starts, so that a job modified while a listing ran, or reported late, is not missed.";

    public static final String STEP_STATUS_FILTER = "step.status.filter";
    private static final String STEP_STATUS_FILTER_DOC = "Read only steps with this status (the API's Status filter), "
            + "for example COMPLETED. Empty reads steps of every status.";

    public static final String PAGE_SIZE = "page.size";
    private static final String PAGE_SIZE_DOC = "MaxResults of each ListInferenceRecommendationsJobSteps call.";

    public static final String POLL_INTERVAL_MS = "poll.interval.ms";
    private static final String POLL_INTERVAL_MS_DOC = "How often each job that is still running is read again.";

    public static final String MAX_REQUESTS_PER_SECOND = "api.max.requests.per.second";
    private static final String MAX_REQUESTS_PER_SECOND_DOC = "SageMaker API calls per second for the whole connector, "
            + "all operations together, split evenly across its tasks. Each operation also has its own ceiling "
            + "(api.max.requests.per.second.describe, .list.steps, .list.jobs), as AWS limits each operation separately; "
            + "under it, the rate adapts to throttling answers (which never fail the task).";

    public static final String MAX_REQUESTS_PER_SECOND_DESCRIBE = "api.max.requests.per.second.describe";
    public static final String MAX_REQUESTS_PER_SECOND_LIST_STEPS = "api.max.requests.per.second.list.steps";
    public static final String MAX_REQUESTS_PER_SECOND_LIST_JOBS = "api.max.requests.per.second.list.jobs";
    private static final String PER_OPERATION_DOC = " calls per second for the whole connector, split evenly across its "
            + "tasks: the most the operation's adaptive rate goes up to. Null: " + MAX_REQUESTS_PER_SECOND + ", which "
            + "still bounds all operations together. Set it to the account's quota for the operation, if known, and the "
            + "connector never needs a throttle to find it.";

    public static final String MAX_CONCURRENT_REQUESTS = "api.max.concurrent.requests";
    private static final String MAX_CONCURRENT_REQUESTS_DOC = "SageMaker API calls each task may have under way at "
            + "once. Above 1, a task opens the passes of the next due jobs while it reads the current one, so the "
            + "calls of different jobs overlap; records, offsets and transactions are the same as one call at a time. "
            + "The rate set by " + MAX_REQUESTS_PER_SECOND + " still holds.";

    public static final String TERMINAL_GRACE_MS = "terminal.grace.period.ms";
    private static final String TERMINAL_GRACE_MS_DOC = "A job found terminal with all its steps terminal is read once "
            + "more after this long before it is closed, in case the API reports the last metrics late. A job that "
            + "finished (CompletionTime, else LastModifiedTime) longer ago than this closes after one pass, without that "
            + "re-read: a backfill reads each finished job once. 0 closes at once.";

    public static final String TOKEN_MAX_AGE_MS = "pagination.token.max.age.ms";
    private static final String TOKEN_MAX_AGE_MS_DOC = "A stored NextToken older than this is not tried after a "
            + "restart: the pass starts again at page 1 (already emitted steps are not emitted twice). AWS does not "
            + "document token lifetime, so keep this short.";

    public static final String TOPIC = "topic";
    private static final String TOPIC_DOC = "Topic for benchmark step records.";

    public static final String JOBS_TOPIC = "jobs.topic";
    private static final String JOBS_TOPIC_DOC = "Topic for job records: one per observed change of a job, including "
            + "the record that says Benchlake finished reading it.";

    public static final String NAN_HANDLING = "nan.handling";
    private static final String NAN_HANDLING_DOC = "What to do with a metric the API reports as NaN: 'null' writes null "
            + "(SQL aggregates skip it), 'keep' writes NaN, 'fail' stops the task with an error naming the job, step and field.";

    public static final ConfigDef CONFIG_DEF = configDef();

    public BenchlakeSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    private static ConfigDef configDef() {
        ConfigDef def = new ConfigDef();
        int order = 0;
        def.define(REGION, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, Validators.region(), Importance.HIGH,
                        REGION_DOC, GROUP_AWS, ++order, Width.SHORT, "Region")
                .define(CREDENTIALS_PROVIDER, Type.STRING, CredentialsMode.DEFAULT.configValue(),
                        ConfigDef.CaseInsensitiveValidString.in(CredentialsMode.configValues()), Importance.HIGH,
                        CREDENTIALS_PROVIDER_DOC, GROUP_AWS, ++order, Width.SHORT, "Credentials")
                .define(ACCESS_KEY_ID, Type.PASSWORD, null, Importance.MEDIUM, ACCESS_KEY_ID_DOC,
                        GROUP_AWS, ++order, Width.MEDIUM, "Access key id")
                .define(SECRET_ACCESS_KEY, Type.PASSWORD, null, Importance.MEDIUM, SECRET_ACCESS_KEY_DOC,
                        GROUP_AWS, ++order, Width.MEDIUM, "Secret access key")
                .define(SESSION_TOKEN, Type.PASSWORD, null, Importance.LOW, SESSION_TOKEN_DOC,
                        GROUP_AWS, ++order, Width.LONG, "Session token")
                .define(PROFILE_NAME, Type.STRING, "", Importance.LOW, PROFILE_NAME_DOC,
                        GROUP_AWS, ++order, Width.SHORT, "Profile")
                .define(ROLE_ARN, Type.STRING, "",
                        Validators.pattern(Validators.ROLE_ARN, "an IAM role ARN (arn:aws:iam::123456789012:role/name)", true),
                        Importance.MEDIUM, ROLE_ARN_DOC, GROUP_AWS, ++order, Width.LONG, "Role ARN")
                .define(EXTERNAL_ID, Type.PASSWORD, null, Importance.LOW, EXTERNAL_ID_DOC,
                        GROUP_AWS, ++order, Width.MEDIUM, "External id")
                .define(SESSION_NAME, Type.STRING, "benchlake",
                        Validators.pattern(Validators.SESSION_NAME, "2 to 64 of [a-zA-Z0-9+=,.@_-]", false),
                        Importance.LOW, SESSION_NAME_DOC, GROUP_AWS, ++order, Width.SHORT, "Session name")
                .define(ACCOUNT_ID, Type.STRING, "",
                        Validators.pattern(Validators.ACCOUNT_ID, "a 12-digit AWS account id", true),
                        Importance.LOW, ACCOUNT_ID_DOC, GROUP_AWS, ++order, Width.SHORT, "Account id")
                .define(ENDPOINT_OVERRIDE, Type.STRING, "", Validators.optionalHttpUrl(), Importance.LOW,
                        ENDPOINT_OVERRIDE_DOC, GROUP_AWS, ++order, Width.LONG, "Endpoint override")
                .define(ENDPOINT_ALLOW_INSECURE, Type.BOOLEAN, false, Importance.LOW, ENDPOINT_ALLOW_INSECURE_DOC,
                        GROUP_AWS, ++order, Width.SHORT, "Allow http endpoint")
                .define(API_CALL_TIMEOUT_MS, Type.LONG, 20_000L, ConfigDef.Range.between(1_000L, 300_000L),
                        Importance.LOW, API_CALL_TIMEOUT_MS_DOC, GROUP_AWS, ++order, Width.SHORT, "API call timeout")
                .define(VALIDATE_ACCESS, Type.BOOLEAN, true, Importance.LOW, VALIDATE_ACCESS_DOC,
                        GROUP_AWS, ++order, Width.SHORT, "Validate AWS access");

        order = 0;
        def.define(JOB_NAMES, Type.LIST, "", Validators.jobNames(), Importance.HIGH,
                        JOB_NAMES_DOC, GROUP_JOBS, ++order, Width.LONG, "Job names")
                .define(DISCOVERY_ENABLED, Type.BOOLEAN, false, Importance.HIGH, DISCOVERY_ENABLED_DOC,
                        GROUP_JOBS, ++order, Width.SHORT, "Discover jobs")
                .define(DISCOVERY_NAME_CONTAINS, Type.STRING, "",
                        Validators.pattern(Validators.NAME_CONTAINS, "1 to 63 of [a-zA-Z0-9-]", true),
                        Importance.MEDIUM, DISCOVERY_NAME_CONTAINS_DOC, GROUP_JOBS, ++order, Width.MEDIUM, "Name contains")
                .define(DISCOVERY_STATUS, Type.STRING, "", Validators.optionalStatus(), Importance.LOW,
                        DISCOVERY_STATUS_DOC, GROUP_JOBS, ++order, Width.SHORT, "Job status")
                .define(DISCOVERY_MODEL_NAME, Type.STRING, "",
                        Validators.pattern(Validators.MODEL_NAME, "a model name: 1 to 63 of [a-zA-Z0-9-], not starting or ending with '-'", true),
                        Importance.MEDIUM, DISCOVERY_MODEL_NAME_DOC, GROUP_JOBS, ++order, Width.MEDIUM, "Model name")
                .define(DISCOVERY_MODEL_PACKAGE_VERSION_ARN, Type.STRING, "",
                        Validators.pattern(Validators.MODEL_PACKAGE_ARN, "a model package version ARN "
                        + "(arn:aws:sagemaker:<region>:<account>:model-package/<name>/<version>)", true),
                        Importance.LOW, DISCOVERY_MODEL_PACKAGE_VERSION_ARN_DOC, GROUP_JOBS, ++order, Width.LONG, "Model package version ARN")
                .define(DISCOVERY_CREATED_AFTER, Type.STRING, "", Validators.optionalInstant(), Importance.MEDIUM,
                        DISCOVERY_CREATED_AFTER_DOC, GROUP_JOBS, ++order, Width.MEDIUM, "Created after")
                .define(DISCOVERY_INTERVAL_MS, Type.LONG, 300_000L, ConfigDef.Range.between(100L, 86_400_000L),
                        Importance.LOW, DISCOVERY_INTERVAL_MS_DOC, GROUP_JOBS, ++order, Width.SHORT, "Discovery interval")
                .define(DISCOVERY_OVERLAP_MS, Type.LONG, 600_000L, ConfigDef.Range.between(0L, 86_400_000L),
                        Importance.LOW, DISCOVERY_OVERLAP_MS_DOC, GROUP_JOBS, ++order, Width.SHORT, "Discovery overlap")
                .define(DISCOVERY_DESCRIBE_JOBS, Type.BOOLEAN, true, Importance.LOW, DISCOVERY_DESCRIBE_JOBS_DOC,
                        GROUP_JOBS, ++order, Width.SHORT, "Describe discovered jobs")
                .define(STEP_STATUS_FILTER, Type.STRING, "", Validators.optionalStatus(),
                        Importance.LOW, STEP_STATUS_FILTER_DOC, GROUP_JOBS, ++order, Width.SHORT, "Step status filter");

        order = 0;
        def.define(POLL_INTERVAL_MS, Type.LONG, 60_000L, ConfigDef.Range.between(100L, 86_400_000L),
                        Importance.MEDIUM, POLL_INTERVAL_MS_DOC, GROUP_POLLING, ++order, Width.SHORT, "Poll interval")
                .define(PAGE_SIZE, Type.INT, 100, ConfigDef.Range.between(1, 100), Importance.LOW,
                        PAGE_SIZE_DOC, GROUP_POLLING, ++order, Width.SHORT, "Page size")
                .define(MAX_REQUESTS_PER_SECOND, Type.DOUBLE, 5.0, ConfigDef.Range.between(0.1, 10_000.0),
                        Importance.MEDIUM, MAX_REQUESTS_PER_SECOND_DOC, GROUP_POLLING, ++order, Width.SHORT, "API rate")
                .define(MAX_REQUESTS_PER_SECOND_DESCRIBE, Type.DOUBLE, null, Validators.optionalRange(0.1, 10_000.0),
                        Importance.LOW, "DescribeInferenceRecommendationsJob" + PER_OPERATION_DOC, GROUP_POLLING, ++order,
                        Width.SHORT, "Describe rate")
                .define(MAX_REQUESTS_PER_SECOND_LIST_STEPS, Type.DOUBLE, null, Validators.optionalRange(0.1, 10_000.0),
                        Importance.LOW, "ListInferenceRecommendationsJobSteps" + PER_OPERATION_DOC, GROUP_POLLING, ++order,
                        Width.SHORT, "ListSteps rate")
                .define(MAX_REQUESTS_PER_SECOND_LIST_JOBS, Type.DOUBLE, null, Validators.optionalRange(0.1, 10_000.0),
                        Importance.LOW, "ListInferenceRecommendationsJobs" + PER_OPERATION_DOC, GROUP_POLLING, ++order,
                        Width.SHORT, "ListJobs rate")
                .define(MAX_CONCURRENT_REQUESTS, Type.INT, 8, ConfigDef.Range.between(1, 32), Importance.LOW,
                        MAX_CONCURRENT_REQUESTS_DOC, GROUP_POLLING, ++order, Width.SHORT, "Concurrent API calls")
                .define(TERMINAL_GRACE_MS, Type.LONG, 60_000L, ConfigDef.Range.between(0L, 86_400_000L),
                        Importance.LOW, TERMINAL_GRACE_MS_DOC, GROUP_POLLING, ++order, Width.SHORT, "Terminal grace period")
                .define(TOKEN_MAX_AGE_MS, Type.LONG, 300_000L, ConfigDef.Range.between(0L, 86_400_000L),
                        Importance.LOW, TOKEN_MAX_AGE_MS_DOC, GROUP_POLLING, ++order, Width.SHORT, "Token max age");

        order = 0;
        def.define(TOPIC, Type.STRING, "benchlake.benchmark-steps", Validators.topic(), Importance.HIGH,
                        TOPIC_DOC, GROUP_OUTPUT, ++order, Width.MEDIUM, "Steps topic")
                .define(JOBS_TOPIC, Type.STRING, "benchlake.jobs", Validators.topic(), Importance.MEDIUM,
                        JOBS_TOPIC_DOC, GROUP_OUTPUT, ++order, Width.MEDIUM, "Jobs topic")
                .define(NAN_HANDLING, Type.STRING, NanHandling.NULL.configValue(),
                        ConfigDef.CaseInsensitiveValidString.in(NanHandling.configValues()), Importance.LOW,
                        NAN_HANDLING_DOC, GROUP_OUTPUT, ++order, Width.SHORT, "NaN handling")
                .define(OFFSET_MAX_BYTES, Type.INT, 900_000, ConfigDef.Range.between(10_000, 100_000_000), Importance.LOW,
                        OFFSET_MAX_BYTES_DOC, GROUP_OUTPUT, ++order, Width.SHORT, "Offset max bytes")
                .define(METRICS_LOG_INTERVAL_MS, Type.LONG, 60_000L, ConfigDef.Range.between(0L, 86_400_000L),
                        Importance.LOW, METRICS_LOG_INTERVAL_MS_DOC, GROUP_OUTPUT, ++order, Width.SHORT, "Metrics log interval");

        order = 0;
        def.define(ACCESS_DENIED_RETRY_MS, Type.LONG, 3_600_000L, ConfigDef.Range.between(1_000L, 604_800_000L),
                        Importance.LOW, ACCESS_DENIED_RETRY_MS_DOC, GROUP_ERRORS, ++order, Width.SHORT, "Access denied retry")
                .define(CREDENTIALS_FAILURE_TIMEOUT_MS, Type.LONG, 300_000L, ConfigDef.Range.between(0L, 86_400_000L),
                        Importance.LOW, CREDENTIALS_FAILURE_TIMEOUT_MS_DOC, GROUP_ERRORS, ++order, Width.SHORT,
                        "Credentials failure timeout")
                .define(NOT_FOUND_CLOSE_ANSWERS, Type.INT, 3, ConfigDef.Range.between(1, 100), Importance.LOW,
                        NOT_FOUND_CLOSE_ANSWERS_DOC, GROUP_ERRORS, ++order, Width.SHORT, "Not-found answers to close")
                .define(NOT_FOUND_CLOSE_AFTER_MS, Type.LONG, 600_000L, ConfigDef.Range.between(0L, 604_800_000L),
                        Importance.LOW, NOT_FOUND_CLOSE_AFTER_MS_DOC, GROUP_ERRORS, ++order, Width.SHORT, "Not-found time to close")
                .define(NOT_FOUND_RECHECK_MAX_MS, Type.LONG, 3_600_000L, ConfigDef.Range.between(100L, 604_800_000L),
                        Importance.LOW, NOT_FOUND_RECHECK_MAX_MS_DOC, GROUP_ERRORS, ++order, Width.SHORT, "Not-found recheck max")
                .define(TOKEN_MAX_FAILURES, Type.INT, 3, ConfigDef.Range.between(1, 100), Importance.LOW,
                        TOKEN_MAX_FAILURES_DOC, GROUP_ERRORS, ++order, Width.SHORT, "Token max failures");
        return def;
    }

    public String region() {
        return getString(REGION);
    }

    public Optional<URI> endpointOverride() {
        String s = getString(ENDPOINT_OVERRIDE).trim();
        return s.isEmpty() ? Optional.empty() : Optional.of(URI.create(s));
    }

    /**
     * Why {@link #ENDPOINT_OVERRIDE} cannot be used, if it cannot: http:// to a host that is not loopback without
     * {@link #ENDPOINT_ALLOW_INSECURE}. The message names both settings and the URL without user info.
     */
    public Optional<String> endpointProblem() {
        String s = getString(ENDPOINT_OVERRIDE).trim();
        if (s.isEmpty()) {
            return Optional.empty();
        }
        URI uri = URI.create(s);
        if ("http".equalsIgnoreCase(uri.getScheme()) && !Urls.isLoopback(uri.getHost()) && !getBoolean(ENDPOINT_ALLOW_INSECURE)) {
            return Optional.of(ENDPOINT_OVERRIDE + " " + Urls.redact(s) + " is http:// to a host that is not loopback: "
                    + "signed requests and the session token would cross the network in clear text. Use https, or set "
                    + ENDPOINT_ALLOW_INSECURE + "=true to accept that.");
        }
        return Optional.empty();
    }

    public CredentialsMode credentialsMode() {
        return CredentialsMode.fromConfig(getString(CREDENTIALS_PROVIDER));
    }

    public Optional<String> accessKeyId() {
        return secret(ACCESS_KEY_ID);
    }

    public Optional<String> secretAccessKey() {
        return secret(SECRET_ACCESS_KEY);
    }

    public Optional<String> sessionToken() {
        return secret(SESSION_TOKEN);
    }

    public Optional<String> externalId() {
        return secret(EXTERNAL_ID);
    }

    public Optional<String> profileName() {
        return nonBlank(getString(PROFILE_NAME));
    }

    public Optional<String> roleArn() {
        return nonBlank(getString(ROLE_ARN));
    }

    public String sessionName() {
        return getString(SESSION_NAME);
    }

    public Optional<String> accountId() {
        return nonBlank(getString(ACCOUNT_ID));
    }

    public Duration apiCallTimeout() {
        return Duration.ofMillis(getLong(API_CALL_TIMEOUT_MS));
    }

    public boolean validateAccess() {
        return getBoolean(VALIDATE_ACCESS);
    }

    public List<String> jobNames() {
        return getList(JOB_NAMES);
    }

    public boolean discoveryEnabled() {
        return getBoolean(DISCOVERY_ENABLED);
    }

    public dev.benchlake.api.JobFilter discoveryFilter() {
        return new dev.benchlake.api.JobFilter(nonBlank(getString(DISCOVERY_NAME_CONTAINS)).orElse(null),
                nonBlank(getString(DISCOVERY_STATUS)).orElse(null), nonBlank(getString(DISCOVERY_MODEL_NAME)).orElse(null),
                nonBlank(getString(DISCOVERY_MODEL_PACKAGE_VERSION_ARN)).orElse(null),
                nonBlank(getString(DISCOVERY_CREATED_AFTER)).map(java.time.Instant::parse).orElse(null));
    }

    public Duration discoveryInterval() {
        return Duration.ofMillis(getLong(DISCOVERY_INTERVAL_MS));
    }

    public Duration discoveryOverlap() {
        return Duration.ofMillis(getLong(DISCOVERY_OVERLAP_MS));
    }

    public boolean describeDiscoveredJobs() {
        return getBoolean(DISCOVERY_DESCRIBE_JOBS);
    }

    public double maxRequestsPerSecond() {
        return getDouble(MAX_REQUESTS_PER_SECOND);
    }

    /** The connector's ceiling for one operation: its own setting, else {@link #maxRequestsPerSecond()}. */
    public double maxRequestsPerSecond(ApiOperation op) {
        Double own = getDouble(switch (op) {
            case DESCRIBE -> MAX_REQUESTS_PER_SECOND_DESCRIBE;
            case LIST_STEPS -> MAX_REQUESTS_PER_SECOND_LIST_STEPS;
            case LIST_JOBS -> MAX_REQUESTS_PER_SECOND_LIST_JOBS;
        });
        return own == null ? maxRequestsPerSecond() : own;
    }

    public int maxConcurrentRequests() {
        return getInt(MAX_CONCURRENT_REQUESTS);
    }

    public Duration terminalGracePeriod() {
        return Duration.ofMillis(getLong(TERMINAL_GRACE_MS));
    }

    public Optional<String> stepStatusFilter() {
        return nonBlank(getString(STEP_STATUS_FILTER));
    }

    public int pageSize() {
        return getInt(PAGE_SIZE);
    }

    public Duration pollInterval() {
        return Duration.ofMillis(getLong(POLL_INTERVAL_MS));
    }

    public Duration accessDeniedRetry() {
        return Duration.ofMillis(getLong(ACCESS_DENIED_RETRY_MS));
    }

    public Duration credentialsFailureTimeout() {
        return Duration.ofMillis(getLong(CREDENTIALS_FAILURE_TIMEOUT_MS));
    }

    public int notFoundCloseAnswers() {
        return getInt(NOT_FOUND_CLOSE_ANSWERS);
    }

    public Duration notFoundCloseAfter() {
        return Duration.ofMillis(getLong(NOT_FOUND_CLOSE_AFTER_MS));
    }

    public Duration notFoundRecheckMax() {
        return Duration.ofMillis(getLong(NOT_FOUND_RECHECK_MAX_MS));
    }

    public int tokenMaxFailures() {
        return getInt(TOKEN_MAX_FAILURES);
    }

    /** How often the task logs its metrics line; zero: never. */
    public Duration metricsLogInterval() {
        return Duration.ofMillis(getLong(METRICS_LOG_INTERVAL_MS));
    }

    public int offsetMaxBytes() {
        return getInt(OFFSET_MAX_BYTES);
    }

    public Duration tokenMaxAge() {
        return Duration.ofMillis(getLong(TOKEN_MAX_AGE_MS));
    }

    public String topic() {
        return getString(TOPIC);
    }

    public String jobsTopic() {
        return getString(JOBS_TOPIC);
    }

    /** The producer setting that bounds a transaction's age; Connect's producer overrides name it with a prefix. */
    public static final String PRODUCER_TRANSACTION_TIMEOUT = "producer.override.transaction.timeout.ms";
    /** The producer's own default of transaction.timeout.ms. */
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The transaction timeout of this connector's producer: {@code producer.override.transaction.timeout.ms} when the
     * connector config sets it (a task sees its connector's config), else the producer's default of 60 s. A timeout
     * set in the worker's own {@code producer.} settings is not visible to a task; set the override to match it.
     */
    public Duration transactionTimeout() {
        Object value = originals().get(PRODUCER_TRANSACTION_TIMEOUT);
        if (value == null || value.toString().isBlank()) {
            return DEFAULT_TRANSACTION_TIMEOUT;
        }
        try {
            long ms = Long.parseLong(value.toString().trim());
            return ms > 0 ? Duration.ofMillis(ms) : DEFAULT_TRANSACTION_TIMEOUT;
        } catch (NumberFormatException e) {
            // the worker rejects the producer override itself
            return DEFAULT_TRANSACTION_TIMEOUT;
        }
    }

    public NanHandling nanHandling() {
        return NanHandling.fromConfig(getString(NAN_HANDLING));
    }

    private Optional<String> secret(String key) {
        Password p = getPassword(key);
        return p == null ? Optional.empty() : nonBlank(p.value());
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    /** Prints the configuration reference as a Markdown table; docs/configuration.md's table is this output. */
    public static void main(String[] args) {
        System.out.print(ConfigDocs.markdownTable(CONFIG_DEF));
    }
}
