package dev.benchlake.trends.stream;

/** String keys of the topology's tables (the topics' keys are Avro records; these are their fields joined). */
final class Keys {
    private static final char SEP = '\u001f';

    private Keys() {
    }

    /** Account (empty when unknown), region, job name: the recommendation job's key. */
    static String job(String account, String region, String jobName) {
        return (account == null ? "" : account) + SEP + region + SEP + jobName;
    }

    static String step(String account, String region, String jobName, String stepId) {
        return job(account, region, jobName) + SEP + stepId;
    }
}
