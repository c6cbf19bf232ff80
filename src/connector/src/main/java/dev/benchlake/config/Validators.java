package dev.benchlake.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import dev.benchlake.api.JobStatuses;
import dev.benchlake.avro.Urls;

/** Validators for Benchlake's settings; each message names the key, the value and what is allowed. */
final class Validators {

    /** AWS's pattern for RecommendationJobName (1..64 chars). */
    static final Pattern JOB_NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}");
    static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]{1,512}");
    static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
    static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    static final Pattern NAME_CONTAINS = Pattern.compile("[a-zA-Z0-9-]{1,63}");
    static final Pattern MODEL_NAME = Pattern.compile("[a-zA-Z0-9]([-a-zA-Z0-9]{0,61}[a-zA-Z0-9])?");
    static final Pattern MODEL_PACKAGE_ARN = Pattern.compile(
            "arn:aws(-cn|-us-gov)?:sagemaker:[a-z0-9-]{9,16}:[0-9]{12}:model-package/\\S{1,2000}");

    private Validators() {
    }

    static ConfigDef.Validator pattern(Pattern pattern, String allowed, boolean blankAllowed) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String s = value == null ? "" : value.toString();
                if (s.isBlank() && blankAllowed) {
                    return;
                }
                if (!pattern.matcher(s).matches()) {
                    throw new ConfigException(name, value, "must be " + allowed);
                }
            }

            @Override
            public String toString() {
                return allowed + (blankAllowed ? " (or empty)" : "");
            }
        };
    }

    static ConfigDef.Validator optionalStatus() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            String s = value == null ? "" : value.toString();
            if (!s.isEmpty() && !JobStatuses.ALL.contains(s)) {
                throw new ConfigException(name, value, "must be empty or one of " + String.join(", ", JobStatuses.ALL));
            }
        }, () -> "empty or one of " + String.join(", ", JobStatuses.ALL));
    }

    static ConfigDef.Validator optionalInstant() {
        return ConfigDef.LambdaValidator.with((name, value) -> {
            String s = value == null ? "" : value.toString().trim();
            if (s.isEmpty()) {
                return;
            }
            try {
                java.time.Instant.parse(s);
            } catch (java.time.format.DateTimeParseException e) {
                throw new ConfigException(name, value, "must be an ISO-8601 instant such as 2025-01-01T00:00:00Z");
            }
        }, () -> "an ISO-8601 instant, or empty");
    }

    static ConfigDef.Validator region() {
        return pattern(REGION, "an AWS region code such as us-east-1 or eu-west-2", false);
    }

    static ConfigDef.Validator topic() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String s = value == null ? "" : value.toString();
                if (!TOPIC.matcher(s).matches() || s.equals(".") || s.equals("..")) {
                    throw new ConfigException(name, value,
                            "must be a legal Kafka topic name: 1 to 249 of [a-zA-Z0-9._-], not '.' or '..'");
                }
            }

            @Override
            public String toString() {
                return "a legal Kafka topic name";
            }
        };
    }

    static ConfigDef.Validator optionalHttpUrl() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String s = value == null ? "" : value.toString().trim();
                if (s.isEmpty()) {
                    return;
                }
                // never echo the value: it may carry user info
                String shown = Urls.redact(s);
                if (!shown.equals(s)) {
                    throw new ConfigException(name + " must not carry user info (credentials): " + shown);
                }
                try {
                    URI uri = new URI(s);
                    if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                        throw new ConfigException(name, shown, "must be an absolute http:// or https:// URL with a host");
                    }
                } catch (URISyntaxException e) {
                    throw new ConfigException(name, shown, "must be an absolute http:// or https:// URL: " + e.getReason());
                }
            }

            @Override
            public String toString() {
                return "an http(s) URL, or empty";
            }
        };
    }

    /** Null (not set) or a number in [min, max]. */
    static ConfigDef.Validator optionalRange(double min, double max) {
        ConfigDef.Range range = ConfigDef.Range.between(min, max);
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value != null) {
                    range.ensureValid(name, value);
                }
            }

            @Override
            public String toString() {
                return range + " (or null)";
            }
        };
    }

    static ConfigDef.Validator jobNames() {
        return new ConfigDef.Validator() {
            @Override
            @SuppressWarnings("unchecked")
            public void ensureValid(String name, Object value) {
                if (value == null) {
                    return; // a missing required value is reported by ConfigDef itself
                }
                List<String> names = (List<String>) value;
                Set<String> seen = new HashSet<>();
                for (String job : names) {
                    if (!JOB_NAME.matcher(job).matches()) {
                        throw new ConfigException(name, job, "is not a valid Inference Recommender job name: "
                                + "1 to 64 letters, digits and single or repeated hyphens, "
                                + "starting and ending with a letter or digit");
                    }
                    if (!seen.add(job)) {
                        throw new ConfigException(name, job, "is listed twice");
                    }
                }
            }

            @Override
            public String toString() {
                return "comma-separated job names matching [a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}";
            }
        };
    }
}
