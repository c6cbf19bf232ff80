package dev.benchlake.sagemaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** AWS's clock is the latest HTTP Date its answers carried (RFC 1123, to the second). */
class ServerDatesTest {

    @Test
    void theLatestDateOfTheAnswersIsKeptAndAnUnreadableOneIsIgnored() {
        ServerDates dates = new ServerDates();
        assertThat(dates.latest()).as("no answer yet").isNull();
        dates.seen("Tue, 08 Dec 2026 00:10:05 GMT");
        assertThat(dates.latest()).isEqualTo(Instant.parse("2026-12-08T00:10:05Z"));
        // calls overlap: an answer that arrives later may carry an earlier Date
        dates.seen("Tue, 08 Dec 2026 00:10:03 GMT");
        assertThat(dates.latest()).isEqualTo(Instant.parse("2026-12-08T00:10:05Z"));
        dates.seen("not a date");
        dates.seen("Tue, 08 Dec 2026 00:11:00 GMT");
        assertThat(dates.latest()).isEqualTo(Instant.parse("2026-12-08T00:11:00Z"));
        assertThat(new SdkRecommenderApi(null, dates).serverDate()).isEqualTo(Instant.parse("2026-12-08T00:11:00Z"));
    }
}
