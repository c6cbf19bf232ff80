package dev.benchlake.offset;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Source partition of one Inference Recommender job: {@code {protocol, region, account, job}}.
 * The protocol number lets a later release change the offset format and still read this one.
 */
public record JobPartition(String region, String account, String job) {

    public static final int PROTOCOL = 1;

    static final String PROTOCOL_KEY = "protocol";
    static final String REGION_KEY = "region";
    static final String ACCOUNT_KEY = "account";
    static final String JOB_KEY = "job";

    public JobPartition {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(job, "job");
    }

    /**
     * The map form. Connect finds stored offsets by the partition's serialised bytes, so the order of its keys is
     * part of its identity: it is the order of a {@link HashMap}, which is what Connect's JSON converter reads a
     * partition back into when an operator edits offsets through the REST API; an edited partition then
     * serialises to the same bytes as the one the task wrote. String hash codes are specified, so the order is the
     * same in every JVM ({@code Map.of} is not).
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new HashMap<>();
        map.put(PROTOCOL_KEY, PROTOCOL);
        map.put(REGION_KEY, region);
        map.put(ACCOUNT_KEY, account);
        map.put(JOB_KEY, job);
        return map;
    }

    /**
     * Reads a partition back from Connect's offset store.
     *
     * @throws IllegalArgumentException naming the problem when the map is not a Benchlake job partition
     */
    public static JobPartition fromMap(Map<String, ?> map) {
        if (map == null) {
            throw new IllegalArgumentException("source partition is null");
        }
        Object protocol = map.get(PROTOCOL_KEY);
        if (!(protocol instanceof Number n) || n.intValue() != PROTOCOL) {
            throw new IllegalArgumentException("source partition has protocol " + protocol + ", expected " + PROTOCOL);
        }
        return new JobPartition(string(map, REGION_KEY), string(map, ACCOUNT_KEY), string(map, JOB_KEY));
    }

    private static String string(Map<String, ?> map, String key) {
        Object v = map.get(key);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("source partition field '" + key + "' must be a string, was " + v);
        }
        return s;
    }
}
