package dev.benchlake.record;


/** What a record needs beyond the API's answer: where it was read, and how to treat NaN. */
public record RecordContext(String region, String configuredAccount, NanHandling nanHandling) {
}
