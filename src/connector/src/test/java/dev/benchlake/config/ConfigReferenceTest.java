package dev.benchlake.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class ConfigReferenceTest {

    private static final String START = "<!-- config-reference:start -->\n";
    private static final String END = "<!-- config-reference:end -->";

    @Test
    void referenceTableIsTheOneGeneratedFromTheConfigDef() throws IOException {
        String doc = Files.readString(Path.of(System.getProperty("benchlake.root", "."), "docs", "configuration.md"));
        int from = doc.indexOf(START);
        int to = doc.indexOf(END);
        assertThat(from).as("docs/configuration.md has the config reference markers").isNotNegative();
        String table = doc.substring(from + START.length(), to);
        assertThat(table).as("regenerate with: java -cp ... dev.benchlake.config.BenchlakeSourceConfig")
                .isEqualTo(ConfigDocs.markdownTable(BenchlakeSourceConfig.CONFIG_DEF));
        for (String key : BenchlakeSourceConfig.CONFIG_DEF.names()) {
            assertThat(table).contains("| `" + key + "` |");
        }
    }
}
