package dev.benchlake.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import dev.benchlake.avro.AvroConverterConfig;

/** README's table of the Avro converter's settings is the one generated from the converter's ConfigDef. */
class ConverterConfigReferenceTest {

    static final String START = "<!-- converter-config-reference:start -->\n";
    static final String END = "<!-- converter-config-reference:end -->";

    /** Prints the table, for pasting between the markers. */
    public static void main(String[] args) {
        System.out.print(ConfigDocs.markdownTable(AvroConverterConfig.configDef()));
    }

    @Test
    void readmeTableIsTheOneGeneratedFromTheConverterConfigDef() throws IOException {
        String readme = Files.readString(Path.of(System.getProperty("benchlake.root", "."), "README.md"));
        int from = readme.indexOf(START);
        int to = readme.indexOf(END);
        assertThat(from).as("README has the converter config reference markers").isNotNegative();
        String table = readme.substring(from + START.length(), to);
        assertThat(table).as("regenerate with ConverterConfigReferenceTest.main")
                .isEqualTo(ConfigDocs.markdownTable(AvroConverterConfig.configDef()));
        for (String key : AvroConverterConfig.configDef().names()) {
            assertThat(table).contains("| `" + key + "` |");
        }
    }
}
