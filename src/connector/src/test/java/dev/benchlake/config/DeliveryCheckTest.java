package dev.benchlake.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class DeliveryCheckTest {

    @Test
    void toleratingAllErrorsOnASourceIsNamedAsDroppingRecords() {
        assertThat(DeliveryCheck.warnings(Map.of("errors.tolerance", "all", "errors.retry.timeout", "-1")))
                .singleElement().asString().contains("errors.tolerance=all", "never emitted again",
                        "errors.tolerance=none with errors.retry.timeout=-1");
    }

    @Test
    void connectsDefaultsAreNamedAsFailingTheTaskOnALongOutage() {
        assertThat(DeliveryCheck.warnings(Map.of())).singleElement().asString()
                .contains("errors.retry.timeout=0", "fails the task", "errors.retry.timeout=-1");
    }

    @Test
    void theShippedSettingsGiveNoWarning() {
        assertThat(DeliveryCheck.warnings(Map.of("errors.tolerance", "none", "errors.retry.timeout", "-1"))).isEmpty();
    }
}
