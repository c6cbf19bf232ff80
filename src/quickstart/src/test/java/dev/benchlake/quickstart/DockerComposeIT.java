package dev.benchlake.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

import dev.benchlake.emulator.DemoScenario;

/**
 * docker-compose.yml end to end: every service up, the connectors registered by connect-init, and the demo scenario's
 * benchmark rows in PostgreSQL with the regression the SQL models find. Needs a Docker engine with Compose v2 and the
 * build's outputs (mvn -DskipTests verify first); runs only with {@code -Pdocker} (tag "docker"). Not run on machines
 * without Docker, the project's CI included.
 */
@Tag("docker")
class DockerComposeIT {

    @Test
    void composeStackLandsTheDemoScenarioInPostgres() throws Exception {
        File file = QuickstartStack.projectDir().resolve("docker-compose.yml").toFile();
        try (ComposeContainer compose = new ComposeContainer(file)
                .withExposedService("postgres", 5432, Wait.forListeningPort())
                .withExposedService("connect", 8083, Wait.forHttp("/connectors").forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(5)))
                .withStartupTimeout(Duration.ofMinutes(5))) {
            compose.start();
            String url = "jdbc:postgresql://" + compose.getServiceHost("postgres", 5432) + ":"
                    + compose.getServicePort("postgres", 5432) + "/benchlake";
            await("the demo scenario in PostgreSQL").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(2))
                    .ignoreExceptions().untilAsserted(() -> {
                        assertThat(scalar(url, "SELECT count(*) FROM benchmark_steps")).isEqualTo((long) DemoScenario.STEPS);
                        assertThat(scalar(url, "SELECT count(*) FROM recommendation_jobs WHERE closed"))
                                .isEqualTo((long) DemoScenario.JOBS);
                    });
            assertThat(scalar(url, "SELECT model || '/' || configuration || '/' || metric "
                    + "FROM benchmark_regressions(0.2)"))
                    .isEqualTo(DemoScenario.REGRESSED_MODEL + "/" + DemoScenario.REGRESSED_TYPE + "/model_latency_ms");
        }
    }

    private static Object scalar(String url, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(url, "benchlake", "benchlake");
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }
}
