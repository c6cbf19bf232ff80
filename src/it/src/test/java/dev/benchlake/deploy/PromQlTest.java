package dev.benchlake.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The metric-name extraction MonitoringIT checks the Grafana dashboard with. */
class PromQlTest {

    @Test
    void findsTheMetricsOfAQueryAndNotItsFunctionsLabelsRangesOrVariables() {
        assertThat(PromQl.metricNames("sum by (operation, task) (rate(benchlake_api_calls_total{connector=~\"$connector\", "
                + "status=\"a b\"}[$__rate_interval])) / on (task) group_left sum(benchlake_polls_total offset 5m) > 0.5e3"))
                .containsExactlyInAnyOrder("benchlake_api_calls_total", "benchlake_polls_total");
    }

    @Test
    void findsTheMetricOfAGrafanaLabelValuesVariable() {
        assertThat(PromQl.metricNames("label_values(benchlake_jobs_known, connector)")).containsExactly("benchlake_jobs_known");
    }

    @Test
    void findsABareSeriesAndIgnoresKeywords() {
        assertThat(PromQl.metricNames("kafka_connect_worker_task_count and bool kafka_connect_worker_connector_count"))
                .containsExactlyInAnyOrder("kafka_connect_worker_task_count", "kafka_connect_worker_connector_count");
    }
}
