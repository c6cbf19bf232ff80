package dev.benchlake.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 22: a schema registry outage longer than every timeout involved, while the jobs change, with the registry
 * paused and with it refusing connections, under exactly-once and at-least-once side by side, one sink restarted
 * during it ({@link RegistryOutageScenario}, which checks every task RUNNING throughout, every step version in Kafka
 * exactly once and in PostgreSQL, the dead-letter topics empty).
 * <p>
 * Timeouts shortened so that a {@value #OUTAGE_SECONDS} s outage outlasts each several times over:
 * {@code schema.registry.cache.ttl.ms=5000} (held ids due for confirmation), {@code schema.registry.retry.timeout.ms=2000}
 * and {@code schema.registry.request.timeout.ms=2000} (the converter's retry window and each request), the exactly-once
 * producer's {@code transaction.timeout.ms=10000}, and Connect's {@code errors.retry.delay.max.ms=1000} (its retry
 * window is the shipped {@code errors.retry.timeout=-1}: no end). The same with the shipped settings and a 10-minute
 * outage: {@code dev.benchlake.bench.RegistryOutageHarness}, run by hand (docs/outages.md).
 */
class RegistryOutageIT {
    static final int OUTAGE_SECONDS = 40;

    private static RegistryOutageScenario scenario;

    @BeforeAll
    static void start() throws Exception {
        scenario = RegistryOutageScenario.start("registry-outage",
                RegistryOutageScenario.Settings.shortened(Duration.ofSeconds(OUTAGE_SECONDS)));
    }

    @AfterAll
    static void stop() throws IOException {
        if (scenario != null) {
            scenario.close();
        }
    }

    @Test
    void aPausedRegistryStopsNothingUnderExactlyOnceOrAtLeastOnceAndARestartedSinkCatchesUp() throws Exception {
        check(scenario.paused());
    }

    @Test
    void aRegistryRefusingConnectionsStopsNothingAndARestartedSinkCatchesUp() throws Exception {
        check(scenario.refused());
    }

    private static void check(RegistryOutageScenario.Result result) {
        assertThat(result.outageSeconds()).as("the outage lasted its time").isGreaterThanOrEqualTo(OUTAGE_SECONDS);
        assertThat(result.restartedSinkRetries()).as("the restarted sink retried").isGreaterThanOrEqualTo(5);
        System.out.printf("RegistryOutageIT %s: outage of %d s; the restarted sink (%s) retried %d conversions%n",
                result.mode(), result.outageSeconds(), result.restartedSink(), result.restartedSinkRetries());
    }
}
