package dev.benchlake.avro;

/**
 * Names the registry subject a schema is registered (or looked up) under. The three built-in strategies are
 * {@link SubjectNameStrategy}; a custom one is a public class with a public no-argument constructor implementing this
 * interface, named by its full class name in {@code key.subject.name.strategy} / {@code value.subject.name.strategy}.
 */
public interface SubjectNamer {

    /**
     * @param topic  the Kafka topic
     * @param isKey  whether the schema is the record key's
     * @param schema the Avro schema to be written
     * @return the subject
     */
    String subject(String topic, boolean isKey, org.apache.avro.Schema schema);
}
