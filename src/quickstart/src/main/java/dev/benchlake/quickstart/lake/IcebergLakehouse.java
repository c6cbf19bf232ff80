package dev.benchlake.quickstart.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;

import dev.benchlake.quickstart.stack.Layout;
import dev.benchlake.quickstart.stack.Rows;
import dev.benchlake.quickstart.stack.ShippedConfig;

/**
 * Benchlake's records in an Apache Iceberg lakehouse on the local filesystem, and the trend answers over it.
 * <ul>
 *   <li>{@link #sinkConfig}: {@code config/benchlake-sink-iceberg.json} as shipped (tables, routing, id columns,
 *       partitioning, converters, error handling), with the catalog swapped for a JDBC catalog on PostgreSQL
 *       ({@link #jdbcCatalog}) whose warehouse, the tables' metadata and data files, is a local folder
 *       ({@code HadoopFileIO}, the JDBC catalog's default), and the addresses of this deployment;</li>
 *   <li>{@link #dataFiles}: a table's Parquet data files in its current snapshot, listed by Iceberg's own scan
 *       planning (so only committed files, never one a task is still writing);</li>
 *   <li>{@link #query}: DuckDB (embedded) over those files, with the regression model of
 *       {@code warehouse/duckdb/regressions.sql} loaded: {@code SELECT * FROM benchmark_regressions()}.</li>
 * </ul>
 * The sink appends (its upsert mode is off in the shipped file), so a table is its data files: a snapshot with delete
 * files is refused rather than read wrongly.
 */
public final class IcebergLakehouse implements AutoCloseable {
    /** The shipped file. */
    public static final String SHIPPED_FILE = "benchlake-sink-iceberg.json";
    /** What a run sets beyond addresses: how often the sink commits (the shipped five minutes is for production). */
    public static final Set<String> RUN_OPTIONS = Set.of("iceberg.control.commit.interval-ms");
    /** The tables the shipped file routes the two topics to. */
    public static final TableIdentifier STEPS = TableIdentifier.of("benchlake", "benchmark_steps");
    public static final TableIdentifier JOBS = TableIdentifier.of("benchlake", "recommendation_jobs");
    /** The DuckDB port of the regression model. */
    public static final String MODEL_FILE = "warehouse/duckdb/regressions.sql";

    /** The catalog's name, as the sink names it too ({@code iceberg.catalog}'s default). */
    public static final String CATALOG_NAME = "iceberg";

    private final Catalog catalog;

    private IcebergLakehouse(Catalog catalog) {
        this.catalog = catalog;
    }

    /**
     * Iceberg catalog settings (without the {@code iceberg.catalog.} prefix) for a JDBC catalog: the tables' pointers
     * to their current metadata in a PostgreSQL database (Iceberg creates its two tables there), their metadata and data
     * files under a local warehouse folder.
     */
    public static Map<String, String> jdbcCatalog(String jdbcUrl, String user, String password, Path warehouse) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("type", "jdbc");
        props.put("uri", jdbcUrl);
        props.put("jdbc.user", user);
        props.put("jdbc.password", password);
        props.put("warehouse", warehouse.toAbsolutePath().normalize().toUri().toString());
        return props;
    }

    /**
     * The shipped Iceberg sink, pointed at a catalog, a schema registry and a Kafka cluster, committing every
     * {@code commitIntervalMs}: the only keys that differ from the file are the registry URLs, the dead-letter topic's
     * replication factor, the catalog, {@code iceberg.kafka.bootstrap.servers} and the commit interval.
     */
    public static ShippedConfig sinkConfig(String registryUrl, String bootstrapServers, Map<String, String> catalog,
                                           long commitIntervalMs) {
        return ShippedConfig.load(SHIPPED_FILE)
                .schemaRegistry(registryUrl)
                .replicationFactor(1)
                .icebergCatalog(catalog)
                .icebergKafka(bootstrapServers)
                .withRunOptions(Map.of("iceberg.control.commit.interval-ms", Long.toString(commitIntervalMs)),
                        RUN_OPTIONS);
    }

    /** The catalog with these settings, as the sink configured by {@link #sinkConfig} sees it. */
    public static IcebergLakehouse open(Map<String, String> catalog) {
        String warehouse = catalog.get("warehouse");
        if (warehouse != null && warehouse.startsWith("file:")) {
            try {
                Files.createDirectories(Path.of(URI.create(warehouse)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new IcebergLakehouse(CatalogUtil.buildIcebergCatalog(CATALOG_NAME, catalog, new Configuration()));
    }

    /** The table, once the sink has created it. */
    public Optional<Table> table(TableIdentifier id) {
        return catalog.tableExists(id) ? Optional.of(catalog.loadTable(id)) : Optional.empty();
    }

    /** The data files of the table's current snapshot (none before its first commit), as local paths. */
    public List<Path> dataFiles(TableIdentifier id) {
        Optional<Table> table = table(id);
        if (table.isEmpty()) {
            return List.of();
        }
        Table t = table.get();
        t.refresh();
        if (t.currentSnapshot() == null) {
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = t.newScan().planFiles()) {
            for (FileScanTask task : tasks) {
                if (!task.deletes().isEmpty()) {
                    throw new IllegalStateException(id + " has delete files (upsert mode?): its data files alone are "
                            + "not the table");
                }
                files.add(Path.of(URI.create(task.file().location())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    /**
     * Runs a query in a fresh in-memory DuckDB on the tables' current data files, with the regression model loaded:
     * {@code benchmark_steps} and {@code recommendation_jobs} are views over the Parquet files.
     */
    public List<Map<String, Object>> query(String sql) throws SQLException {
        List<Path> steps = dataFiles(STEPS);
        List<Path> jobs = dataFiles(JOBS);
        if (steps.isEmpty() || jobs.isEmpty()) {
            throw new IllegalStateException("no committed data in " + (steps.isEmpty() ? STEPS : JOBS) + " yet");
        }
        String model;
        try {
            model = Files.readString(Layout.file(MODEL_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("CREATE VIEW benchmark_steps AS SELECT * FROM " + readParquet(steps));
            s.execute("CREATE VIEW recommendation_jobs AS SELECT * FROM " + readParquet(jobs));
            s.execute(model);
            try (ResultSet rs = s.executeQuery(sql)) {
                return Rows.of(rs);
            }
        }
    }

    /** The regressions in force with the model's defaults. */
    public List<Map<String, Object>> regressions() throws SQLException {
        return query("SELECT * FROM benchmark_regressions() ORDER BY aws_account_id, aws_region, model, configuration, "
                + "metric, latest_job_name");
    }

    private static String readParquet(List<Path> files) {
        return "read_parquet(" + files.stream().map(p -> "'" + p.toString().replace("'", "''") + "'")
                .collect(Collectors.joining(", ", "[", "]")) + ", union_by_name = true)";
    }

    @Override
    public void close() {
        if (catalog instanceof java.io.Closeable closeable) {
            try {
                closeable.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
