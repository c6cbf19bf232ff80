package dev.benchlake.record;

import java.util.Arrays;
import java.util.Locale;

/** What to do with a metric the API reports as NaN. */
public enum NanHandling {
    /** Emit null: SQL aggregates skip it, which is what trend queries want. */
    NULL,
    /** Emit the IEEE NaN value as it came. */
    KEEP,
    /** Stop the task with an error that names the job, the step and the field. */
    FAIL;

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NanHandling fromConfig(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    public static String[] configValues() {
        return Arrays.stream(values()).map(NanHandling::configValue).toArray(String[]::new);
    }
}
