package dev.benchlake.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.benchlake.avro.AvroConverterConfig;

/** docs/configuration.md's table of the Avro converter's settings is the one generated from the converter's ConfigDef. */
class ConverterConfigReferenceTest {

    static final String START = "<!-- converter-config-reference:start -->\n";
    static final String END = "<!-- converter-config-reference:end -->";

    /** Prints the table, for pasting between the markers. */
    public static void main(String[] args) {
        System.out.print(ConfigDocs.markdownTable(AvroConverterConfig.configDef()));
    }

    @Test
    void referenceTableIsTheOneGeneratedFromTheConverterConfigDef() throws IOException {
        String doc = Files.readString(Path.of(System.getProperty("benchlake.root", "."), "docs", "configuration.md"));
        int from = doc.indexOf(START);
        int to = doc.indexOf(END);
        assertThat(from).as("docs/configuration.md has the converter config reference markers").isNotNegative();
        String table = doc.substring(from + START.length(), to);
        assertThat(table).as("regenerate with ConverterConfigReferenceTest.main")
                .isEqualTo(ConfigDocs.markdownTable(AvroConverterConfig.configDef()));
        for (String key : AvroConverterConfig.configDef().names()) {
            assertThat(table).contains("| `" + key + "` |");
        }
    }
}
