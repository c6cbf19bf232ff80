package dev.benchlake.trends.stream;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Date;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import dev.benchlake.avro.AvroSchemas;
import dev.benchlake.trends.ChangePoint;
import dev.benchlake.trends.ReportedChange;

/**
 * A record of the changes topic: the key (series, metric, the change's first step) and the value, as
 * schemas/BenchmarkChangeKey.avsc and schemas/BenchmarkChange.avsc define them.
 */
public final class ChangeRecord {
    public static final Schema KEY_SCHEMA = load("BenchmarkChangeKey.avsc");
    public static final Schema VALUE_SCHEMA = load("BenchmarkChange.avsc");

    private ChangeRecord() {
    }

    static Schema load(String name) {
        try (InputStream in = ChangeRecord.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return AvroSchemas.toConnectSchema(new org.apache.avro.Schema.Parser().parse(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The change's key. */
    public static Struct key(String seriesId, Metric metric, SeriesRun firstRun) {
        return new Struct(KEY_SCHEMA).put("series_id", seriesId).put("metric", metric.column())
                .put("first_step_id", firstRun.stepId());
    }

    /** The change's value. */
    public static Struct value(Metric metric, ReportedChange reported, SeriesRun firstRun) {
        ChangePoint c = reported.change();
        return new Struct(VALUE_SCHEMA)
                .put("series_id", firstRun.seriesId())
                .put("series_label", firstRun.seriesLabel())
                .put("aws_account_id", firstRun.accountId())
                .put("aws_region", firstRun.region())
                .put("metric", metric.column())
                .put("direction", c.direction().label())
                .put("first_job_name", firstRun.jobName())
                .put("first_step_id", firstRun.stepId())
                .put("first_run_at", new Date(firstRun.runAt()))
                .put("model_package_version", firstRun.version())
                .put("before_value", c.before())
                .put("after_value", c.after())
                .put("relative_change", c.relativeChange())
                .put("relative_change_low", c.relativeChangeLow())
                .put("relative_change_high", c.relativeChangeHigh())
                .put("significance", c.significance())
                .put("runs_after", c.runsAfter())
                .put("confirmed_by_job_name", reported.confirmedBy());
    }
}
