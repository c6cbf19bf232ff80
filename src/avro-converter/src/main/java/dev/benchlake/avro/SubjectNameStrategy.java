package dev.benchlake.avro;

import java.util.Locale;

import org.apache.kafka.connect.errors.DataException;

/** How a subject name is derived from a topic and a schema; Confluent's three strategies. */
public enum SubjectNameStrategy implements SubjectNamer {
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
     * The built-in strategy a setting names: Confluent's full class name
     * ({@code io.confluent.kafka.serializers.subject.TopicNameStrategy}), the short name ({@code TopicNameStrategy}) or
     * the enum name ({@code TOPIC}), case-insensitively. A name in any other package (say
     * {@code com.acme.TopicNameStrategy}) is not one of these: it is a custom class, see {@link #resolve}.
     *
     * @throws IllegalArgumentException naming the value when it is none of the built-in strategies
     */
    public static SubjectNameStrategy parse(String value) {
        if (value == null || value.isBlank()) {
            return TOPIC;
        }
        String v = value.trim();
        for (SubjectNameStrategy s : values()) {
            if (s.confluentClassName().equals(v) || s.shortName.equalsIgnoreCase(v) || s.name().equalsIgnoreCase(v)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown subject name strategy '" + value + "'; expected one of "
                + "TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy (or Confluent's full class names "
                + CONFLUENT_PACKAGE + "*), or the full name of a class implementing " + SubjectNamer.class.getName());
    }

    /**
     * A built-in strategy ({@link #parse}) or, for any other full class name, an instance of that class, which must
     * implement {@link SubjectNamer} and have a public no-argument constructor; loaded with {@code loader}.
     *
     * @throws IllegalArgumentException naming the value and why it cannot be used
     */
    public static SubjectNamer resolve(String value, ClassLoader loader) {
        if (value == null || value.isBlank() || value.indexOf('.') < 0 || value.trim().startsWith(CONFLUENT_PACKAGE)) {
            return parse(value);
        }
        String name = value.trim();
        Class<?> type;
        try {
            type = Class.forName(name, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("subject name strategy class '" + name + "' cannot be loaded (" + e
                    + "); built-in: TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy");
        }
        if (!SubjectNamer.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException("subject name strategy class '" + name + "' does not implement "
                    + SubjectNamer.class.getName() + " (Confluent's SubjectNameStrategy interface is not supported)");
        }
        try {
            return (SubjectNamer) type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("subject name strategy class '" + name
                    + "' cannot be instantiated with a public no-argument constructor: " + e);
        }
    }

    @Override
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
