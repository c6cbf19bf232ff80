package dev.benchlake.offset;

import java.util.LinkedHashMap;
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
     * The map form. Its iteration order is fixed: Connect finds stored offsets by the serialised bytes of the
     * partition, and {@code Map.of} iterates in an order that changes from one JVM to the next.
     */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
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
