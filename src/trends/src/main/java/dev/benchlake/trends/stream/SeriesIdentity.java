package dev.benchlake.trends.stream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A step's series, as warehouse/postgres/02_models.sql defines it: the same inputs, the same {@code series_id} (the
 * md5 of {@code jsonb_build_array(...)::text}, whose text this reproduces), and a label naming every input.
 */
public final class SeriesIdentity {
    private static final Pattern PACKAGE = Pattern.compile(":model-package/([^/]+)/([0-9]+)$");

    private SeriesIdentity() {
    }

    /** The run of a completed step, or null when the step is not a completed run. */
    public static SeriesRun run(StepRow s, JobRow j) {
        if (!"COMPLETED".equals(s.status())) {
            return null;
        }
        String arn = coalesce(j == null ? null : j.modelPackageVersionArn(), s.modelPackageVersionArn());
        String group = null;
        Integer version = null;
        if (arn != null) {
            Matcher m = PACKAGE.matcher(arn);
            if (m.find()) {
                group = m.group(1);
                version = Integer.valueOf(m.group(2));
            }
        }
        String kind = arn == null ? "model" : "model-package";
        String model = coalesce(group, j == null ? null : j.modelName(), s.modelName(), arn);
        String jobType = coalesce(j == null ? null : j.jobType(), s.jobType());
        String environment = coalesce(s.environmentParameters(), "{}");
        boolean compiled = s.compilationJobName() != null;
        String traffic = j == null ? null : j.trafficPattern();
        String stopping = j == null ? null : j.stoppingConditions();
        String json = "[" + String.join(", ", List.of(str(s.accountId()), str(s.region()), str(kind), str(model),
                str(jobType), str(s.instanceType()), num(s.initialInstanceCount()), num(s.serverlessMemorySizeMb()),
                num(s.serverlessMaxConcurrency()), num(s.serverlessProvisionedConcurrency()),
                str(s.inferenceSpecificationName()), String.valueOf(compiled), str(environment), str(traffic),
                str(stopping))) + "]";
        Long runAt = s.jobCreationTime() != null ? s.jobCreationTime()
                : j != null && j.creationTime() != null ? j.creationTime() : s.invocationStartTime();
        return new SeriesRun(md5(json), label(s, model, jobType, compiled, environment, traffic, stopping),
                s.accountId(), s.region(), Keys.step(s.accountId(), s.region(), s.jobName(), s.stepId()),
                s.jobName(), s.stepId(), runAt == null ? 0 : runAt, version, s.modelLatencyMs(), s.maxInvocations(),
                s.costPerInference() == null ? null : s.costPerInference() * 1e6);
    }

    /** How the models name a configuration: the instance type, or serverless-&lt;MB&gt;MB-max&lt;n&gt;[-prov&lt;n&gt;]. */
    static String configuration(StepRow s) {
        if (s.instanceType() != null) {
            return s.instanceType();
        }
        if (s.serverlessMemorySizeMb() == null && s.serverlessMaxConcurrency() == null) {
            return null;
        }
        return "serverless-" + (s.serverlessMemorySizeMb() == null ? "?" : s.serverlessMemorySizeMb()) + "MB-max"
                + (s.serverlessMaxConcurrency() == null ? "?" : s.serverlessMaxConcurrency())
                + (s.serverlessProvisionedConcurrency() == null ? "" : "-prov" + s.serverlessProvisionedConcurrency());
    }

    private static String label(StepRow s, String model, String jobType, boolean compiled, String environment,
                                String traffic, String stopping) {
        List<String> parts = new ArrayList<>();
        parts.add(model == null ? "(no model)" : model);
        if (jobType != null) {
            parts.add(jobType);
        }
        String configuration = configuration(s);
        if (configuration != null) {
            parts.add(configuration + (s.initialInstanceCount() == null ? "" : " x" + s.initialInstanceCount()));
        }
        if (s.inferenceSpecificationName() != null) {
            parts.add("spec " + s.inferenceSpecificationName());
        }
        parts.add(compiled ? "compiled" : "not compiled");
        if (!"{}".equals(environment)) {
            parts.add("env " + environment);
        }
        if (traffic != null) {
            parts.add("load " + traffic);
        }
        if (stopping != null) {
            parts.add("stop " + stopping);
        }
        parts.add((s.accountId() == null ? "?" : s.accountId()) + "/" + s.region());
        return String.join(" | ", parts);
    }

    private static String coalesce(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static String num(Integer v) {
        return v == null ? "null" : v.toString();
    }

    /** A JSON string as PostgreSQL's jsonb prints it. */
    static String str(String v) {
        if (v == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
