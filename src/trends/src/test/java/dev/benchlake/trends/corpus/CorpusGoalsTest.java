package dev.benchlake.trends.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.benchlake.trends.DetectorSettings;

/**
 * The detector meets the goals on a smaller seeded corpus (the full one is docs/benchmarks.md's harness run),
 * and beats every anchor's F1 on it.
 */
class CorpusGoalsTest {
    private static final List<Corpus.Series> CORPUS = Corpus.generate(5, 100, 60, 0.02, 0.08);

    @Test
    void theDetectorMeetsTheGoalsAndBeatsTheAnchors() {
        assertThat(CORPUS.stream().mapToInt(s -> s.changes().size()).sum()).isGreaterThan(80);

        Score ours = Score.of(CORPUS, Methods.benchlake(DetectorSettings.DEFAULTS));

        assertThat(ours.f1()).isGreaterThanOrEqualTo(0.9);
        assertThat(ours.precision()).isGreaterThanOrEqualTo(0.95);
        assertThat(ours.medianDelay()).isLessThanOrEqualTo(3);
        assertThat(ours.attribution()).isGreaterThanOrEqualTo(0.95);
        assertThat(ours.outliersConfirmed()).isZero();
        for (Method anchor : List.of(Methods.otava(), Methods.bencherTTest(), Methods.conbenchZScore(),
                Methods.todaysFlags())) {
            assertThat(ours.f1()).as(anchor.name()).isGreaterThan(Score.of(CORPUS, anchor).f1());
        }
    }

    @Test
    void theCorpusIsWhatItSaysItIs() {
        List<Corpus.Series> again = Corpus.generate(5, 100, 60, 0.02, 0.08);
        assertThat(again).isEqualTo(CORPUS);
        for (Corpus.Series s : CORPUS) {
            assertThat(s.sigma()).isBetween(0.02, 0.08);
            assertThat(s.changes()).allSatisfy(c -> assertThat(Math.abs(c.factor() - 1)).isBetween(0.10, 0.40));
            assertThat(s.arrivals()).filteredOn(a -> !a.failed())
                    .allSatisfy(a -> assertThat(a.run().value()).isEqualTo(Math.rint(a.run().value())));
        }
        assertThat(CORPUS).anySatisfy(s -> assertThat(s.arrivals()).anyMatch(Corpus.Arrival::failed));
        assertThat(CORPUS).anySatisfy(s -> assertThat(s.arrivals()).anyMatch(a -> !a.failed()
                && a.run().id().contains("rerun")));
        assertThat(CORPUS).anySatisfy(s -> assertThat(s.arrivals()).anyMatch(Corpus.Arrival::outlier));
    }
}
