package dev.benchlake.record;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

import org.apache.kafka.connect.data.Schema;

import dev.benchlake.avro.AvroSchemas;

/**
 * The Connect schemas of Benchlake's records, derived from the {@code .avsc} files in {@code schemas/} (packaged
 * on the classpath): the files are the one definition, nothing is written twice.
 */
public final class RecordSchemas {

    public static final String RESOURCE_DIR = "/dev/benchlake/schemas/";

    public static final org.apache.avro.Schema STEP_AVRO = avro("BenchmarkStep.avsc");
    public static final org.apache.avro.Schema STEP_KEY_AVRO = avro("BenchmarkStepKey.avsc");
    public static final org.apache.avro.Schema JOB_AVRO = avro("RecommendationJob.avsc");
    public static final org.apache.avro.Schema JOB_KEY_AVRO = avro("RecommendationJobKey.avsc");

    public static final Schema STEP = AvroSchemas.toConnectSchema(STEP_AVRO);
    public static final Schema STEP_KEY = AvroSchemas.toConnectSchema(STEP_KEY_AVRO);
    public static final Schema JOB = AvroSchemas.toConnectSchema(JOB_AVRO);
    public static final Schema JOB_KEY = AvroSchemas.toConnectSchema(JOB_KEY_AVRO);

    /**
     * Fields of a step row that do not make a new version of it: the hash itself, when Benchlake saw it, and the
     * job's fields, which are as of the step's last change (the jobs topic has each job's current state).
     */
    public static final Set<String> STEP_UNVERSIONED = Set.of("content_hash", "observed_at", "job_arn", "job_type",
            "job_status", "job_creation_time", "model_name", "model_package_version_arn");

    private RecordSchemas() {
    }

    public static org.apache.avro.Schema avro(String file) {
        try (InputStream in = RecordSchemas.class.getResourceAsStream(RESOURCE_DIR + file)) {
            if (in == null) {
                throw new IllegalStateException("schema " + file + " is missing from the classpath at " + RESOURCE_DIR);
            }
            return new org.apache.avro.Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema " + file, e);
        }
    }
}
