package dev.benchlake.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.benchlake.quickstart.stack.Layout;

/** ./quickstart.sh --help answers at once: it prints the options the Java side knows and runs no Maven build. */
class QuickstartScriptTest {

    @TempDir
    Path bin;

    @Test
    void helpPrintsTheUsageWithoutBuilding() throws Exception {
        // a mvn first on the PATH that leaves a mark: the script must not call it
        Path mark = bin.resolve("mvn-was-called");
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\ntouch '" + mark + "'\nexit 1\n");
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String help : new String[] {"--help", "-h"}) {
            ProcessBuilder pb = new ProcessBuilder("bash", Layout.file("quickstart.sh").toString(), "--aws", help)
                    .redirectErrorStream(true);
            pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

            assertThat(p.exitValue()).isZero();
            assertThat(out).isEqualTo(QuickstartOptions.USAGE).contains("--no-build", "--keep-running", "--warehouse iceberg");
            assertThat(mark).doesNotExist();
        }
    }
}
