package dev.benchlake.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import dev.benchlake.emulator.ManualClock;
import dev.benchlake.emulator.SageMakerEmulator;
import dev.benchlake.emulator.Scenario;

/**
 * One in-process Kafka + Connect cluster per test class; per test, a connector named {@link #name} and the
 * emulators and topic readers it opened, all removed after the test.
 */
abstract class ConnectorTestSupport {

    static ConnectHarness harness;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    String name;

    @BeforeAll
    static void startCluster() {
        harness = ConnectHarness.start("benchlake-it", 1, Map.of());
    }

    @AfterAll
    static void stopCluster() {
        harness.close();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (name != null && harness.connect().connectors().contains(name)) {
            harness.connect().deleteConnector(name);
        }
        for (AutoCloseable c : closeables) {
            c.close();
        }
    }

    SageMakerEmulator emulator(Scenario scenario, ManualClock clock) {
        SageMakerEmulator emulator = SageMakerEmulator.start(scenario, clock);
        closeables.add(emulator);
        return emulator;
    }

    TopicReader reader(String topic) {
        TopicReader reader = new TopicReader(harness.bootstrapServers(), topic, false);
        closeables.add(reader);
        return reader;
    }
}
