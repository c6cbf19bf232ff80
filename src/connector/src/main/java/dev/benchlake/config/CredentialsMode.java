package dev.benchlake.config;

import java.util.Arrays;
import java.util.Locale;

/** How the connector obtains AWS credentials. */
public enum CredentialsMode {
    /** The SDK's default provider chain: environment, system properties, web identity, profile, container, instance. */
    DEFAULT,
    /** An access key pair (and optional session token) given in the connector config. */
    STATIC,
    /** A named profile from the worker's shared AWS config and credentials files. */
    PROFILE,
    /** STS AssumeRole on top of the default chain (or the static keys, when given). */
    ASSUME_ROLE;

    public String configValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static CredentialsMode fromConfig(String value) {
        for (CredentialsMode mode : values()) {
            if (mode.configValue().equalsIgnoreCase(value.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown credentials mode '" + value + "'");
    }

    public static String[] configValues() {
        return Arrays.stream(values()).map(CredentialsMode::configValue).toArray(String[]::new);
    }
}
