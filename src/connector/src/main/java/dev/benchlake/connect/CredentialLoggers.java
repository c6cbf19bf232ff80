package dev.benchlake.connect;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loggers of the AWS SDK and the Apache HTTP client that print credentials at DEBUG, found by running a whole task
 * with every logger at DEBUG (SecretsIT):
 * <ul>
 *   <li>{@code software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner} logs the canonical request
 *       it signs, with the {@code x-amz-security-token} (the session token);</li>
 *   <li>{@code org.apache.http.headers} and {@code org.apache.http.wire} log every request header, the
 *       {@code Authorization} header (access key id) and the session token included.</li>
 * </ul>
 * The SDK's older signer ({@code software.amazon.awssdk.auth.signer.internal.AbstractAws4Signer}) logs the same
 * canonical request and is listed too; {@code software.amazon.awssdk.request} logs header names only and is not.
 * <p>
 * {@link #guard()} raises each of them that is at DEBUG or finer to INFO through the logging backend the worker runs
 * (Log4j 2, as Kafka 4 ships, or reload4j, as Kafka 3 ships), and logs a warning saying so. With another backend it
 * only warns. A level set later (Connect's {@code /admin/loggers} endpoint) is not watched.
 */
final class CredentialLoggers {
    private static final Logger log = LoggerFactory.getLogger(CredentialLoggers.class);

    static final List<String> NAMES = List.of(
            "software.amazon.awssdk.http.auth.aws.internal.signer.DefaultV4RequestSigner",
            "software.amazon.awssdk.auth.signer.internal.AbstractAws4Signer",
            "org.apache.http.headers",
            "org.apache.http.wire");

    private CredentialLoggers() {
    }

    /**
     * Raises every logger of {@link #NAMES} that would log credentials to INFO, or warns when it cannot.
     *
     * @return the loggers that were at DEBUG (raised or not)
     */
    static List<String> guard() {
        List<String> found = new ArrayList<>();
        for (String name : NAMES) {
            if (!LoggerFactory.getLogger(name).isDebugEnabled()) {
                continue;
            }
            found.add(name);
            if (raiseToInfo(name) && !LoggerFactory.getLogger(name).isDebugEnabled()) {
                log.warn("Logger {} was at DEBUG, where it prints AWS credentials (the session token or the "
                        + "Authorization header); Benchlake set it to INFO", name);
            } else {
                log.warn("Logger {} is at DEBUG, where it prints AWS credentials (the session token or the "
                        + "Authorization header), and Benchlake cannot change its level with this logging backend: "
                        + "set it to INFO in the worker's log configuration", name);
            }
        }
        return found;
    }

    /** Sets the level with Log4j 2's or reload4j's API, whichever backs SLF4J here; false when neither does. */
    private static boolean raiseToInfo(String name) {
        ClassLoader loader = LoggerFactory.getILoggerFactory().getClass().getClassLoader();
        try {
            // Log4j 2 (Kafka 4): Configurator.setLevel(String, Level)
            Class<?> configurator = Class.forName("org.apache.logging.log4j.core.config.Configurator", true, loader);
            Class<?> level = Class.forName("org.apache.logging.log4j.Level", true, loader);
            Method setLevel = configurator.getMethod("setLevel", String.class, level);
            setLevel.invoke(null, name, level.getField("INFO").get(null));
            return true;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException log4j2Absent) {
            // not Log4j 2's core
        }
        try {
            // reload4j / log4j 1.2 (Kafka 3): Logger.getLogger(name).setLevel(Level.INFO)
            Class<?> logger = Class.forName("org.apache.log4j.Logger", true, loader);
            Class<?> level = Class.forName("org.apache.log4j.Level", true, loader);
            Object instance = logger.getMethod("getLogger", String.class).invoke(null, name);
            logger.getMethod("setLevel", level).invoke(instance, level.getField("INFO").get(null));
            return true;
        } catch (ReflectiveOperationException | LinkageError | RuntimeException reload4jAbsent) {
            return false;
        }
    }
}
