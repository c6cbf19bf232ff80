package dev.benchlake.avro;

import java.util.Locale;

import org.apache.kafka.connect.errors.DataException;

/** How a subject name is derived from a topic and a schema; Confluent's three strategies. */
public enum SubjectNameStrategy {
    /** {@code <topic>-key} / {@code <topic>-value}. */
    TOPIC("TopicNameStrategy"),
    /** The record's full name (for a non-record schema, its type name). */
    RECORD("RecordNameStrategy"),
    /** {@code <topic>-<record full name>}. */
    TOPIC_RECORD("TopicRecordNameStrategy");

    private static final String CONFLUENT_PACKAGE = "io.confluent.kafka.serializers.subject.";

    private final String shortName;

    SubjectNameStrategy(String shortName) {
        this.shortName = shortName;
    }

    public String shortName() {
        return shortName;
    }

    public String confluentClassName() {
        return CONFLUENT_PACKAGE + shortName;
    }

    /**
     * Accepts Confluent's class names ({@code io.confluent.kafka.serializers.subject.TopicNameStrategy}), the short
     * names ({@code TopicNameStrategy}) and the enum names ({@code TOPIC}), case-insensitively.
     */
    public static SubjectNameStrategy parse(String value) {
        if (value == null || value.isBlank()) {
            return TOPIC;
        }
        String v = value.trim();
        int dot = v.lastIndexOf('.');
        String simple = dot >= 0 ? v.substring(dot + 1) : v;
        for (SubjectNameStrategy s : values()) {
            if (s.shortName.equalsIgnoreCase(simple) || s.name().equalsIgnoreCase(simple)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown subject name strategy '" + value + "'; expected one of "
                + "TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy (optionally prefixed with "
                + CONFLUENT_PACKAGE + ")");
    }

    public String subject(String topic, boolean isKey, org.apache.avro.Schema schema) {
        switch (this) {
            case TOPIC:
                return topic + (isKey ? "-key" : "-value");
            case RECORD:
                return recordName(schema);
            case TOPIC_RECORD:
                return topic + "-" + recordName(schema);
            default:
                throw new IllegalStateException(name());
        }
    }

    private String recordName(org.apache.avro.Schema schema) {
        org.apache.avro.Schema s = schema.getType() == org.apache.avro.Schema.Type.UNION
                ? AvroSchemas.nullableBranch(schema, "subject") : schema;
        switch (s.getType()) {
            case RECORD:
            case ENUM:
            case FIXED:
                return s.getFullName();
            default:
                if (this == RECORD) {
                    throw new DataException(shortName + " needs a named Avro schema (record), not " + s.getType().getName());
                }
                return s.getType().getName().toLowerCase(Locale.ROOT);
        }
    }
}
