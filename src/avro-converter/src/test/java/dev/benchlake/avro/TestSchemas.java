package dev.benchlake.avro;

import java.util.Date;

import org.apache.avro.Schema;
import org.apache.kafka.connect.data.Struct;

/** The realistic test schema: the shape of the connector's value schema. */
final class TestSchemas {
    private TestSchemas() {
    }

    static final String BENCHMARK_STEP_AVSC = """
            {
              "type": "record",
              "name": "BenchmarkStep",
              "namespace": "dev.benchlake",
              "doc": "One step of a SageMaker benchmark job",
              "fields": [
                {"name": "step_id", "type": "string", "doc": "unique step id"},
                {"name": "job_name", "type": "string"},
                {"name": "status", "type": "string"},
                {"name": "is_terminal", "type": "boolean"},
                {"name": "observed_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
                {"name": "cost_per_hour", "type": ["null", "double"], "default": null},
                {"name": "max_invocations", "type": ["null", "int"], "default": null},
                {"name": "invocation_start_time", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}], "default": null},
                {"name": "environment_parameters", "type": ["null", "string"], "default": null}
              ]
            }
            """;

    static Schema benchmarkStepAvro() {
        return new Schema.Parser().parse(BENCHMARK_STEP_AVSC);
    }

    static org.apache.kafka.connect.data.Schema benchmarkStepConnect() {
        return AvroSchemas.toConnectSchema(benchmarkStepAvro());
    }

    /** Fully populated. */
    static Struct benchmarkStep(org.apache.kafka.connect.data.Schema schema, int n) {
        return new Struct(schema)
                .put("step_id", "job-42/step-" + n)
                .put("job_name", "llama-3-8b-inference-recommender")
                .put("status", "COMPLETED")
                .put("is_terminal", true)
                .put("observed_at", new Date(1_764_000_000_000L + n))
                .put("cost_per_hour", 1.212)
                .put("max_invocations", 1300 + n)
                .put("invocation_start_time", new Date(1_763_999_000_000L))
                .put("environment_parameters", "{\"OMP_NUM_THREADS\":\"4\",\"TS_DEFAULT_WORKERS\":\"2\"}");
    }
}
