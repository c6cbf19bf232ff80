package dev.benchlake.packaging;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import dev.benchlake.config.Version;
import dev.benchlake.quickstart.stack.Layout;

/**
 * The plugin archive that {@code mvn package} built, a Confluent Hub component archive named
 * {@code ${owner}-${name}-${version}.zip} ({@code src/connector/target/benchlake-benchlake-connect-<version>.zip}, see
 * src/assembly/plugin.xml), and its unpacking. Integration tests run after {@code package}, so the archive they see
 * is the one a release would ship. Public for the failover tests' child workers, which load the same archive.
 */
public final class PluginArchive {

    /** The Hub component's owner and name, as manifest.json says them. */
    static final String OWNER = "benchlake";
    static final String NAME = "benchlake-connect";

    private PluginArchive() {
    }

    public static Path projectDir() {
        return Layout.root();
    }

    /** The version this build gives the plugin (from target/classes, the same filtered resource the jar holds). */
    static String version() {
        String v = Version.get();
        if ("unknown".equals(v) || v.contains("${")) {
            throw new IllegalStateException("target/classes holds no filtered version: run the tests through Maven");
        }
        return v;
    }

    /** The archive's single top-level directory, as the Hub expects it: {@code benchlake-benchlake-connect-<version>}. */
    static String rootName() {
        return OWNER + "-" + NAME + "-" + version();
    }

    static Path zip() {
        Path zip = Layout.connectorTarget().resolve(rootName() + ".zip");
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException(zip + " does not exist: the integration tests run after `package`, which "
                    + "builds it (mvn -B verify, or mvn -B package -DskipTests first)");
        }
        return zip;
    }

    /** Every entry name of the archive, in archive order. */
    static List<String> entries() {
        try (ZipFile zf = new ZipFile(zip().toFile())) {
            List<String> names = new ArrayList<>();
            for (Enumeration<? extends ZipEntry> e = zf.entries(); e.hasMoreElements(); ) {
                names.add(e.nextElement().getName());
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Unpacks the archive into {@code dir} (which becomes a {@code plugin.path} entry) and returns the plugin's
     * directory, {@code dir/benchlake-benchlake-connect-<version>}. Refuses entries that would land outside {@code dir}.
     */
    public static Path unpackInto(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        try (ZipFile zf = new ZipFile(zip().toFile())) {
            Files.createDirectories(root);
            for (Enumeration<? extends ZipEntry> e = zf.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                Path target = root.resolve(entry.getName()).normalize();
                if (!target.startsWith(root)) {
                    throw new IllegalStateException("archive entry escapes the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (InputStream in = zf.getInputStream(entry)) {
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return root.resolve(rootName());
    }

    /** File names of the jars in {@code pluginDir/lib}, sorted. */
    static List<String> libJars(Path pluginDir) {
        try (Stream<Path> files = Files.list(pluginDir.resolve("lib"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
