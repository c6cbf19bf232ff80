package dev.benchlake.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.benchlake.quickstart.stack.Layout;

/**
 * The README a team reads first stays short, and every relative link of README.md and docs/ leads somewhere: the file
 * (or folder) exists and its #anchor is a heading of that file, as GitHub names headings.
 */
class DocLinksTest {

    /** [text](target), outside code blocks; the target without spaces. */
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} +(.+?) *#*$");

    @Test
    void theReadmeIsUnderTwoHundredLinesAndLinksTheDocsIndex() throws IOException {
        List<String> lines = Files.readAllLines(Layout.file("README.md"));
        assertThat(lines).hasSizeLessThan(200);
        assertThat(lines.get(0)).isEqualTo("# Benchlake");
        assertThat(String.join("\n", lines)).contains("](docs/README.md)", "./quickstart.sh --help");
        assertThat(lines).as("no line a reader must scroll sideways for").allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(160));
    }

    @Test
    void everyRelativeLinkOfTheReadmeAndTheDocsResolvesToAFileAndAHeading() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Layout.file("README.md")));
        try (Stream<Path> docs = Files.list(Layout.file("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            for (String target : links(Files.readString(page))) {
                if (target.matches("^[a-z]+:.*")) {
                    continue;
                }
                checked++;
                String file = target.contains("#") ? target.substring(0, target.indexOf('#')) : target;
                String anchor = target.contains("#") ? target.substring(target.indexOf('#') + 1) : null;
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(Layout.root().relativize(page) + ": " + target + " (no such file)");
                } else if (anchor != null && !anchors(resolved).contains(anchor)) {
                    broken.add(Layout.root().relativize(page) + ": " + target + " (no such heading in " + file + ")");
                }
            }
        }
        assertThat(broken).isEmpty();
        assertThat(checked).as("the pages do link each other").isGreaterThan(50);
    }

    @Test
    void headingsAreNamedAsGitHubNamesThem() {
        assertThat(slugs(List.of("# Monitoring (Prometheus and Grafana)", "## Plugin metrics (Connect 4.1+)",
                "## Benchlake × Kafka Connect × Java", "## `--help`", "## Notes", "## Notes")))
                .containsExactly("monitoring-prometheus-and-grafana", "plugin-metrics-connect-41",
                        "benchlake--kafka-connect--java", "--help", "notes", "notes-1");
    }

    private static List<String> links(String markdown) {
        List<String> out = new ArrayList<>();
        boolean code = false;
        for (String line : markdown.split("\n")) {
            if (line.trim().startsWith("```")) {
                code = !code;
                continue;
            }
            if (code) {
                continue;
            }
            Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    private static Set<String> anchors(Path file) throws IOException {
        if (!file.toString().endsWith(".md")) {
            return Set.of();
        }
        List<String> headings = new ArrayList<>();
        boolean code = false;
        for (String line : Files.readAllLines(file)) {
            if (line.trim().startsWith("```")) {
                code = !code;
            } else if (!code && HEADING.matcher(line).matches()) {
                headings.add(line);
            }
        }
        return new LinkedHashSet<>(slugs(headings));
    }

    /** GitHub's heading ids: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
    static List<String> slugs(List<String> headings) {
        Map<String, Integer> seen = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (String h : headings) {
            Matcher m = HEADING.matcher(h);
            assertThat(m.matches()).as(h).isTrue();
            String slug = m.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum);
            out.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
        return out;
    }
}
