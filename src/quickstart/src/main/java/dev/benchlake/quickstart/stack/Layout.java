package dev.benchlake.quickstart.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Where a built checkout keeps what the quickstart and the integration tests start: the root (the system property
 * {@code benchlake.root}, which Maven and quickstart.sh set, else the working directory) and the runtimes that
 * {@code mvn package} copies under {@code src/runtimes/*}/target.
 */
public final class Layout {
    public static final String ROOT_PROPERTY = "benchlake.root";

    private Layout() {
    }

    /** The checkout's root: config/, schemas/, warehouse/, README.md. */
    public static Path root() {
        String root = System.getProperty(ROOT_PROPERTY);
        return Path.of(root != null ? root : System.getProperty("user.dir")).toAbsolutePath().normalize();
    }

    /** A file or folder under the root, e.g. {@code "warehouse/postgres"}. */
    public static Path file(String relative) {
        return root().resolve(relative);
    }

    /** The plugin.path folder: Benchlake's plugin archive and Debezium's JDBC sink, unpacked. */
    public static Path pluginPath() {
        return built("src/runtimes/connect-plugins/target/plugins");
    }

    /** The schema registry's jars (Hortonworks Schema Registry). */
    public static Path schemaRegistryLib() {
        return built("src/runtimes/schema-registry/target/lib");
    }

    /** A plain Kafka Connect worker's jars, nothing of Benchlake's. */
    public static Path connectWorkerLib() {
        return built("src/runtimes/connect-worker/target/lib");
    }

    /** Apache Iceberg's sink connector and its runtime: one plugin folder. */
    public static Path icebergSinkLib() {
        return built("src/runtimes/iceberg-sink/target/plugins/iceberg-kafka-connect");
    }

    /** A plugin.path entry holding only Iceberg's sink ({@link #icebergSinkLib()}). */
    public static Path icebergPluginPath() {
        return icebergSinkLib().getParent();
    }

    /** Apicurio Registry's runnable distribution (a Quarkus runner jar and lib/): a second registry implementation. */
    public static Path apicurioRegistryHome() {
        return builtForTests("src/runtimes/apicurio/target/apicurio-registry");
    }

    /** A plugin.path entry holding only Apicurio Registry's Kafka Connect converter. */
    public static Path apicurioConverterPluginPath() {
        return builtForTests("src/runtimes/apicurio/target/plugins/apicurio-registry-converter").getParent();
    }

    /** The connector module's build folder (its plugin archive). */
    public static Path connectorTarget() {
        return built("src/connector/target");
    }

    /** A folder for a run's files (logs, work dirs) under the root's target/. */
    public static Path work(String name) {
        try {
            return Files.createDirectories(root().resolve("target").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jars of a lib folder as a classpath ({@code dir/*} would also do, but names make logs readable). */
    public static String classpath(Path lib) {
        try (Stream<Path> jars = Files.list(lib)) {
            return String.join(java.io.File.pathSeparator,
                    jars.filter(p -> p.toString().endsWith(".jar")).sorted().map(Path::toString).toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What only a build that runs the tests lays out (src/runtimes/apicurio skips its work with -DskipTests). */
    private static Path builtForTests(String relative) {
        Path p = root().resolve(relative);
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException(relative + " is missing under " + root()
                    + ": build with the tests (`mvn -B verify`, or `mvn -B package` without -DskipTests).");
        }
        return p;
    }

    private static Path built(String relative) {
        Path p = root().resolve(relative);
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException(relative + " is missing under " + root()
                    + ": build first with `mvn -B -DskipTests package` (./quickstart.sh does).");
        }
        return p;
    }
}
