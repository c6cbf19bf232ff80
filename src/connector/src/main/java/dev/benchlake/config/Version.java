package dev.benchlake.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The plugin's version: the {@code Implementation-Version} of the jar's manifest (maven-jar-plugin writes the
 * project's version there). Classes not loaded from a jar (a test run on target/classes) fall back to the same
 * version filtered into a resource by the build.
 */
public final class Version {

    private static final String VERSION = load();

    private Version() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        String fromManifest = Version.class.getPackage().getImplementationVersion();
        if (fromManifest != null) {
            return fromManifest;
        }
        try (InputStream in = Version.class.getResourceAsStream("/dev/benchlake/benchlake-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
