package dev.benchlake.record;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import dev.benchlake.avro.AvroSchemas;

/** The step's content hash is derived from the record: every field of BenchmarkStep.avsc but the unversioned ones. */
class ContentHashTest {
    private static final RecordContext CONTEXT = new RecordContext("us-east-1", "123456789012", NanHandling.NULL);

    private static Struct fullStep() {
        return StepRecords.stepValue(TestSteps.completed("job-a", "ml.c5.xlarge", "ep-1"), "id-1",
                TestSteps.job("job-a", "COMPLETED"), CONTEXT, Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void changingAnyVersionedFieldChangesTheHashAndNoOtherFieldDoes() {
        Struct base = fullStep();
        String hash = ContentHash.of(base, RecordSchemas.STEP_UNVERSIONED);
        List<String> versioned = new ArrayList<>();
        for (Field field : RecordSchemas.STEP.fields()) {
            Struct changed = copy(base, RecordSchemas.STEP);
            changed.put(field, otherValue(field.schema(), base.get(field)));
            String after = ContentHash.of(changed, RecordSchemas.STEP_UNVERSIONED);
            if (RecordSchemas.STEP_UNVERSIONED.contains(field.name())) {
                assertThat(after).as("%s is not part of a version", field.name()).isEqualTo(hash);
            } else {
                assertThat(after).as("%s is part of a version", field.name()).isNotEqualTo(hash);
                versioned.add(field.name());
            }
        }
        // every field of the contract is checked: 39 in BenchmarkStep.avsc, 8 of them unversioned
        assertThat(RecordSchemas.STEP.fields()).hasSize(39);
        assertThat(versioned).hasSize(31).contains("status", "model_latency_ms", "cost_per_hour", "failure_reason",
                "identical_steps");
    }

    @Test
    void aFieldAddedToTheAvscIsPartOfTheHashWithoutCode() throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode avsc = (ObjectNode) json.readTree(RecordSchemas.STEP_AVRO.toString());
        ObjectNode added = json.createObjectNode().put("name", "p99_latency_ms");
        added.set("type", json.createArrayNode().add("null").add("double"));
        added.putNull("default");
        ((ArrayNode) avsc.get("fields")).add(added);
        Schema evolved = AvroSchemas.toConnectSchema(new org.apache.avro.Schema.Parser().parse(avsc.toString()));

        Struct without = copy(fullStep(), evolved);
        Struct with = copy(fullStep(), evolved).put("p99_latency_ms", 12.5);
        assertThat(ContentHash.of(with, RecordSchemas.STEP_UNVERSIONED))
                .isNotEqualTo(ContentHash.of(without, RecordSchemas.STEP_UNVERSIONED));
    }

    @Test
    void aStepRowCarriesTheHashOfItsOwnFields() {
        Struct step = fullStep();
        assertThat(step.getString("content_hash")).isEqualTo(ContentHash.of(step, RecordSchemas.STEP_UNVERSIONED))
                .matches("[0-9a-f]{32}");
        Struct later = StepRecords.stepValue(TestSteps.completed("job-a", "ml.c5.xlarge", "ep-1"), "id-1",
                TestSteps.job("job-a", "STOPPED"), CONTEXT, Instant.parse("2026-02-01T00:00:00Z"));
        assertThat(later.getString("content_hash")).as("job fields and observed_at are as of the step's last change")
                .isEqualTo(step.getString("content_hash"));
    }

    private static Struct copy(Struct from, Schema schema) {
        Struct to = new Struct(schema);
        for (Field f : from.schema().fields()) {
            to.put(f.name(), from.get(f));
        }
        return to;
    }

    private static Object otherValue(Schema schema, Object current) {
        if (org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME.equals(schema.name())) {
            return new Date(current == null ? 1L : ((Date) current).getTime() + 1);
        }
        return switch (schema.type()) {
            case STRING -> current == null ? "x" : current + "x";
            case BOOLEAN -> current == null || !((Boolean) current);
            case INT32 -> current == null ? 1 : (Integer) current + 1;
            case INT64 -> current == null ? 1L : (Long) current + 1;
            case FLOAT64 -> current == null ? 1.0 : (Double) current + 1;
            default -> throw new IllegalStateException("no other value for " + schema.type() + " in " + Map.of());
        };
    }
}
