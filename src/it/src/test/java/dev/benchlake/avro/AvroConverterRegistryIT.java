package dev.benchlake.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.benchlake.quickstart.stack.SchemaRegistryProcess;

/** The converter, client and preflight against a real registry process (Hortonworks Schema Registry 0.9.1). */
class AvroConverterRegistryIT {
    private static SchemaRegistryProcess registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        registry = SchemaRegistryProcess.startNew();
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private static Map<String, Object> configs(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put(AvroConverterConfig.SCHEMA_REGISTRY_URL, registry.confluentUrl());
        m.put(AvroConverterConfig.RETRY_BACKOFF_MS, 50L);
        m.put(AvroConverterConfig.RETRY_TIMEOUT_MS, 1_000L);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static AvroConverter converter() {
        AvroConverter c = new AvroConverter();
        c.configure(configs(), false);
        return c;
    }

    private static Schema avsc(String replaceFrom, String replaceTo) {
        return new Schema.Parser().parse(TestSchemas.BENCHMARK_STEP_AVSC.replace(replaceFrom, replaceTo));
    }

    @Test
    void registersTheAvscAndReadsBackById() throws Exception {
        org.apache.kafka.connect.data.Schema schema = TestSchemas.benchmarkStepConnect();
        Struct step = TestSchemas.benchmarkStep(schema, 1);
        AvroConverter writer = converter();

        byte[] bytes = writer.fromConnectData("it-steps", schema, step);

        assertThat(bytes[0]).isZero();
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        SchemaRegistryClient fresh = new SchemaRegistryClient(configs());
        Schema registered = fresh.getById(id);
        assertThat(registered).isEqualTo(TestSchemas.benchmarkStepAvro());
        assertThat(fresh.latest("it-steps-value")).hasValueSatisfying(l -> {
            assertThat(l.id()).isEqualTo(id);
            assertThat(l.schema()).isEqualTo(TestSchemas.benchmarkStepAvro());
        });
        assertThat(fresh.lookup("it-steps-value", registered).map(SchemaRegistryClient.RegisteredSchema::id)).contains(id);

        // a reader with an empty cache resolves the id through the registry
        SchemaAndValue back = converter().toConnectData("it-steps", bytes);
        assertThat(back.schema()).isEqualTo(schema);
        assertThat(back.value()).isEqualTo(step);

        // Apache Avro itself reads the payload with the registered schema
        GenericRecord rec = new GenericDatumReader<GenericRecord>(registered)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(rec.get("step_id").toString()).isEqualTo("job-42/step-1");
        assertThat(rec.get("cost_per_hour")).isEqualTo(1.212);

        // the same schema again: same id, no new version
        byte[] again = converter().fromConnectData("it-steps", schema, TestSchemas.benchmarkStep(schema, 2));
        assertThat(ByteBuffer.wrap(again, 1, 4).getInt()).isEqualTo(id);
        assertThat(fresh.versions("it-steps-value")).hasSize(1);
    }

    @Test
    void sameSchemaUnderTwoSubjectsEachReadsBack() {
        org.apache.kafka.connect.data.Schema schema = TestSchemas.benchmarkStepConnect();
        AvroConverter c = converter();
        byte[] a = c.fromConnectData("it-a", schema, TestSchemas.benchmarkStep(schema, 1));
        byte[] b = c.fromConnectData("it-b", schema, TestSchemas.benchmarkStep(schema, 2));
        // this registry gives two ids (Confluent would give one): either way both read back
        assertThat(((Struct) converter().toConnectData("it-a", a).value()).getString("step_id")).isEqualTo("job-42/step-1");
        assertThat(((Struct) converter().toConnectData("it-b", b).value()).getString("step_id")).isEqualTo("job-42/step-2");
        assertThat(new SchemaRegistryClient(configs()).subjects()).contains("it-a-value", "it-b-value");
    }

    @Test
    void preflightUsesTheLocalFallbackBecauseTheRegistryAnswers500() {
        String subject = "it-preflight-value";
        assertThat(RegistryPreflight.check(configs(), subject, TestSchemas.benchmarkStepAvro())).isEmpty();
        new SchemaRegistryClient(configs()).register(subject, TestSchemas.benchmarkStepAvro());
        SchemaRegistryClient client = new SchemaRegistryClient(configs());
        assertThat(client.testCompatibility(subject, TestSchemas.benchmarkStepAvro())).isEmpty();

        assertThat(RegistryPreflight.check(configs(), subject, TestSchemas.benchmarkStepAvro())).isEmpty();
        Schema compatible = avsc("\"fields\": [", "\"fields\": [{\"name\":\"region\",\"type\":[\"null\",\"string\"],\"default\":null},");
        assertThat(RegistryPreflight.check(configs(), subject, compatible)).isEmpty();

        Schema typeChanged = avsc("{\"name\": \"status\", \"type\": \"string\"}", "{\"name\": \"status\", \"type\": \"int\"}");
        Optional<String> typeMessage = RegistryPreflight.check(configs(), subject, typeChanged);
        assertThat(typeMessage).hasValueSatisfying(m -> assertThat(m)
                .contains("subject '" + subject + "'")
                .contains(registry.confluentUrl())
                .contains("field 'status' changed type from string (version 1) to int"));

        Schema requiredAdded = avsc("\"fields\": [", "\"fields\": [{\"name\":\"region\",\"type\":\"string\"},");
        assertThat(RegistryPreflight.check(configs(), subject, requiredAdded))
                .hasValueSatisfying(m -> assertThat(m).contains("field 'region' was added without a default value"));

        Schema removed = avsc("{\"name\": \"job_name\", \"type\": \"string\"},", "");
        assertThat(RegistryPreflight.check(configs(AvroConverterConfig.COMPATIBILITY_LEVEL, "FULL"), subject, removed))
                .hasValueSatisfying(m -> assertThat(m).contains("field 'job_name' was removed").contains("no default"));

        // and the registry agrees: it refuses the type change with a 409 the converter explains
        org.apache.kafka.connect.data.Schema connect = AvroSchemas.toConnectSchema(typeChanged);
        Struct value = new Struct(connect).put("step_id", "s").put("job_name", "j").put("status", 3)
                .put("is_terminal", true).put("observed_at", new java.util.Date(1));
        assertThatThrownBy(() -> converter().fromConnectData("it-preflight", connect, value))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("subject 'it-preflight-value'")
                .hasMessageContaining("409")
                .hasMessageContaining("field 'status' changed type from string (version 1) to int");
    }

    /**
     * The registry creates a subject's metadata and its MASTER branch in two steps: two first registrations of a subject
     * at once can leave it with two branches, after which it answers every request for the subject with HTTP 500 ("Error
     * in the backend data store"), for good. A worker's tasks register the same subjects at the same moment when they
     * start; within one JVM the client therefore sends one subject's registrations one at a time.
     */
    @Test
    void tasksRegisteringANewSubjectAtOnceAllGetItsIdAndLeaveItUsable() throws Exception {
        int tasks = 8;
        for (int round = 0; round < 5; round++) {
            String subject = "it-concurrent-" + round + "-value";
            Schema schema = TestSchemas.benchmarkStepAvro();
            List<SchemaRegistryClient> clients = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                clients.add(new SchemaRegistryClient(configs()));
            }
            CyclicBarrier start = new CyclicBarrier(tasks);
            ExecutorService pool = Executors.newFixedThreadPool(tasks);
            try {
                List<Future<Integer>> ids = new ArrayList<>();
                for (SchemaRegistryClient client : clients) {
                    ids.add(pool.submit(() -> {
                        start.await();
                        return client.register(subject, schema);
                    }));
                }
                Set<Integer> distinct = new HashSet<>();
                for (Future<Integer> id : ids) {
                    distinct.add(id.get(30, TimeUnit.SECONDS));
                }
                assertThat(distinct).as("ids given to " + tasks + " registrations of one schema in round " + round).hasSize(1);
                // the subject still works: its latest version and a second, compatible version
                SchemaRegistryClient fresh = new SchemaRegistryClient(configs());
                assertThat(fresh.latest(subject)).hasValueSatisfying(l -> assertThat(l.id()).isEqualTo(distinct.iterator().next()));
                Schema v2 = avsc("\"fields\": [", "\"fields\": [{\"name\": \"added\", \"type\": [\"null\", \"string\"], \"default\": null},");
                int v2Id = fresh.register(subject, v2);
                assertThat(v2Id).isNotIn(distinct);
                assertThat(fresh.latest(subject)).hasValueSatisfying(l -> assertThat(l.schema()).isEqualTo(v2));
            } finally {
                pool.shutdownNow();
                clients.forEach(SchemaRegistryClient::close);
            }
        }
    }

    @Test
    void unknownIdIsADataExceptionAndAnOutageIsRetriable() {
        AvroConverter c = converter();
        byte[] unknown = ByteBuffer.allocate(6).put((byte) 0).putInt(987_654).put((byte) 0).array();
        assertThatThrownBy(() -> c.toConnectData("it-x", unknown))
                .isInstanceOf(DataException.class).hasMessageContaining("schema id 987654 is not known");

        org.apache.kafka.connect.data.Schema schema = TestSchemas.benchmarkStepConnect();
        registry.kill();
        try {
            assertThatThrownBy(() -> c.fromConnectData("it-outage", schema, TestSchemas.benchmarkStep(schema, 1)))
                    .isInstanceOf(RetriableException.class)
                    .hasMessageContaining("unavailable")
                    .hasMessageContaining(registry.confluentUrl());
            // an outage does not fail a configuration: the pre-flight warns in the log only
            assertThat(RegistryPreflight.check(configs(), "it-outage-value", TestSchemas.benchmarkStepAvro())).isEmpty();
        } finally {
            registry.start();
        }
        // back (empty: in-memory storage): the same converter now succeeds
        byte[] bytes = c.fromConnectData("it-outage", schema, TestSchemas.benchmarkStep(schema, 1));
        assertThat(((Struct) converter().toConnectData("it-outage", bytes).value()).getString("status")).isEqualTo("COMPLETED");
    }
}
