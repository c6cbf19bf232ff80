package dev.benchlake.trends.stream;

import java.util.List;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.benchlake.trends.ChangePointDetector;
import dev.benchlake.trends.DetectorSettings;

/**
 * The trends application's topology (docs/warehouse.md, "Change points"):
 * <pre>
 * steps topic --&gt; table of steps (key: account, region, job, step) --+-- left foreign-key join --&gt; runs with their series
 * jobs topic  --&gt; table of jobs  (key: account, region, job)      --+   (the job gives the load: traffic pattern, duration)
 * runs --group by series--&gt; series-runs store (each series' runs) --&gt; ChangeProcessor (series-changes store)
 *      --&gt; changes topic (compacted; key: series, metric, first step; tombstone = retracted)
 * </pre>
 * Records are read and written through Kafka Connect converters (Benchlake's AvroConverter in the application).
 */
public final class TrendsTopology {
    private static final Logger LOG = LoggerFactory.getLogger(TrendsTopology.class);

    /** The topics. */
    public record Topics(String steps, String jobs, String changes) {
    }

    /** The converters: of the input topics' keys and values, of the changes topic's keys and values. */
    public record Converters(Converter inKey, Converter inValue, Converter outKey, Converter outValue) {
    }

    private TrendsTopology() {
    }

    public static Topology build(Topics topics, Converters converters, DetectorSettings settings) {
        StreamsBuilder builder = new StreamsBuilder();
        Serde<byte[]> bytes = Serdes.ByteArray();
        KTable<String, StepRow> steps = builder.stream(topics.steps(), Consumed.with(bytes, bytes))
                .flatMap((k, v) -> {
                    Struct key = read(converters.inKey(), topics.steps(), k);
                    if (key == null) {
                        return List.of();
                    }
                    String id = Keys.step(StepRow.string(key, "aws_account_id"), StepRow.string(key, "aws_region"),
                            StepRow.string(key, "job_name"), StepRow.string(key, "step_id"));
                    Struct value = read(converters.inValue(), topics.steps(), v);
                    return List.of(KeyValue.pair(id, value == null ? null : StepRow.of(value)));
                })
                .toTable(store("steps", StepRow.class));
        KTable<String, JobRow> jobs = builder.stream(topics.jobs(), Consumed.with(bytes, bytes))
                .flatMap((k, v) -> {
                    Struct key = read(converters.inKey(), topics.jobs(), k);
                    if (key == null) {
                        return List.of();
                    }
                    String id = Keys.job(StepRow.string(key, "aws_account_id"), StepRow.string(key, "aws_region"),
                            StepRow.string(key, "job_name"));
                    Struct value = read(converters.inValue(), topics.jobs(), v);
                    return List.of(KeyValue.pair(id, value == null ? null : JobRow.of(value)));
                })
                .toTable(store("jobs", JobRow.class));
        KTable<String, SeriesRun> runs = steps.leftJoin(jobs, StepRow::jobKey, SeriesIdentity::run,
                store("runs", SeriesRun.class));
        KTable<String, SeriesRuns> series = runs
                .groupBy((k, run) -> KeyValue.pair(run.seriesId(), run),
                        Grouped.with(Serdes.String(), new JsonSerde<>(SeriesRun.class)))
                .aggregate(SeriesRuns::empty, (k, run, agg) -> agg.with(run), (k, run, agg) -> agg.without(run),
                        store("series-runs", SeriesRuns.class));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ChangeProcessor.STORE),
                Serdes.String(), new JsonSerde<>(ChangeState.class)));
        ChangePointDetector detector = new ChangePointDetector(settings);
        series.toStream()
                .process(() -> new ChangeProcessor(detector), ChangeProcessor.STORE)
                .to(topics.changes(), Produced.with(writeOnly(converters.outKey(), ChangeRecord.KEY_SCHEMA),
                        writeOnly(converters.outValue(), ChangeRecord.VALUE_SCHEMA)));
        return builder.build();
    }

    private static <V> Materialized<String, V, KeyValueStore<Bytes, byte[]>> store(String name, Class<V> type) {
        return Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(name)
                .withKeySerde(Serdes.String()).withValueSerde(new JsonSerde<>(type));
    }

    private static Serde<Struct> writeOnly(Converter converter, org.apache.kafka.connect.data.Schema schema) {
        return Serdes.serdeFrom(ConnectSerdes.writer(converter, schema), (topic, data) -> {
            throw new UnsupportedOperationException("the changes topic is written here, not read");
        });
    }

    private static Struct read(Converter converter, String topic, byte[] bytes) {
        try {
            return ConnectSerdes.read(converter, topic, bytes);
        } catch (RuntimeException e) {
            LOG.warn("Skipping a record of {} the converter cannot read: {}", topic, e.getClass().getSimpleName());
            return null;
        }
    }
}
