package dev.benchlake.trends.corpus;

import java.util.List;
import java.util.Locale;

import dev.benchlake.trends.DetectorSettings;

/**
 * The corpus benchmark (docs/benchmarks.md, "Change points"): generates the seeded corpus, runs Benchlake's detector
 * and the anchors over it run by run, prints one Markdown table.
 *
 * <pre>
 * java -cp "src/trends/target/classes:..." dev.benchlake.trends.corpus.CorpusBenchmark [--seed N] [--series N] [--runs N]
 * </pre>
 */
public final class CorpusBenchmark {
    private CorpusBenchmark() {
    }

    public static void main(String[] args) {
        long seed = 23;
        int series = 240;
        int runs = 60;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--series" -> series = Integer.parseInt(args[i + 1]);
                case "--runs" -> runs = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        List<Corpus.Series> corpus = Corpus.generate(seed, series, runs, 0.02, 0.08);
        System.out.printf(Locale.ROOT, "corpus: seed %d, %d series x %d nights, %d true changes%n%n", seed, series, runs,
                corpus.stream().mapToInt(s -> s.changes().size()).sum());
        System.out.println("| method | reported | precision | recall | F1 | median delay (runs) | attribution "
                + "| moved or vanished | outliers confirmed | time (ms) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (Method m : List.of(Methods.benchlake(DetectorSettings.DEFAULTS), Methods.otava(), Methods.bencherTTest(),
                Methods.conbenchZScore(), Methods.todaysFlags())) {
            long start = System.nanoTime();
            Score s = Score.of(corpus, m);
            long ms = (System.nanoTime() - start) / 1_000_000;
            System.out.printf(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %.1f | %.3f | %.3f | %d | %d |%n", m.name(),
                    s.reported(), s.precision(), s.recall(), s.f1(), s.medianDelay(), s.attribution(),
                    s.retractedShare(), s.outliersConfirmed(), ms);
        }
    }
}
