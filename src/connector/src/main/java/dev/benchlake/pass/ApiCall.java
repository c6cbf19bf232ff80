package dev.benchlake.pass;

import java.util.Objects;

/**
 * One call the reader makes for a job: a describe, or one page of steps from a token (null for page 1). Two calls
 * are equal when they would send the same request, which is how an answer fetched ahead is matched to the call
 * the reader asks for.
 */
public record ApiCall(Kind kind, String jobName, String token) {

    public enum Kind {
        DESCRIBE,
        LIST_STEPS
    }

    public ApiCall {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(jobName, "jobName");
        if (kind == Kind.DESCRIBE && token != null) {
            throw new IllegalArgumentException("a describe call takes no token");
        }
    }

    public static ApiCall describe(String jobName) {
        return new ApiCall(Kind.DESCRIBE, jobName, null);
    }

    public static ApiCall listSteps(String jobName, String token) {
        return new ApiCall(Kind.LIST_STEPS, jobName, token);
    }

    @Override
    public String toString() {
        // tokens are opaque and may be long; the job and whether it is page 1 is what a log needs
        return kind + "(" + jobName + (kind == Kind.LIST_STEPS ? token == null ? ", page 1" : ", from token" : "") + ")";
    }
}
