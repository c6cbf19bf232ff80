package dev.benchlake.connect;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task's metrics in Kafka's own metrics registry, through the plugin metrics of KIP-877
 * ({@code SourceTaskContext.pluginMetrics()}, Kafka Connect 4.1 and later), so that the worker's metric reporters
 * (JMX as {@code kafka.connect:type=plugins,connector=…,task=…}, OpenTelemetry, Strimzi's) see them beside Connect's.
 * Each attribute of {@link TaskMetrics} becomes a gauge in kebab case ({@code StepRecords} as {@code step-records}).
 *
 * <p>Benchlake also runs on Connect 3.7 (MSK Connect), whose API has neither the method nor
 * {@code org.apache.kafka.common.metrics.PluginMetrics}: this class is compiled against 3.7 too, so it names neither
 * and calls them by reflection. On a worker without them it registers nothing and the MBean is the only view.
 */
final class PluginMetricsBridge implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PluginMetricsBridge.class);
    private static final String PLUGIN_METRICS = "org.apache.kafka.common.metrics.PluginMetrics";

    private final Object pluginMetrics;
    private final Method removeMetric;
    private final List<MetricName> names;

    private PluginMetricsBridge(Object pluginMetrics, Method removeMetric, List<MetricName> names) {
        this.pluginMetrics = pluginMetrics;
        this.removeMetric = removeMetric;
        this.names = names;
    }

    /** Registers every attribute as a plugin metric where the worker offers them; otherwise an empty bridge. */
    static PluginMetricsBridge register(SourceTaskContext context, Map<String, LongSupplier> attributes) {
        Object metrics = pluginMetrics(context);
        if (metrics == null) {
            log.debug("this Connect worker offers no plugin metrics (Kafka 4.1+): the task's metrics are on JMX only");
            return new PluginMetricsBridge(null, null, List.of());
        }
        List<MetricName> names = new ArrayList<>();
        try {
            Class<?> api = Class.forName(PLUGIN_METRICS, false, SourceTaskContext.class.getClassLoader());
            Method metricName = api.getMethod("metricName", String.class, String.class, LinkedHashMap.class);
            Method addMetric = api.getMethod("addMetric", MetricName.class,
                    Class.forName("org.apache.kafka.common.metrics.MetricValueProvider", false, api.getClassLoader()));
            for (Map.Entry<String, LongSupplier> a : attributes.entrySet()) {
                MetricName name = (MetricName) metricName.invoke(metrics, kebab(a.getKey()),
                        "Benchlake task metric " + a.getKey() + " (as the MBean's attribute)", new LinkedHashMap<String, String>());
                LongSupplier value = a.getValue();
                addMetric.invoke(metrics, name, (Gauge<Long>) (config, now) -> value.getAsLong());
                names.add(name);
            }
            return new PluginMetricsBridge(metrics, api.getMethod("removeMetric", MetricName.class), names);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            log.warn("the task's metrics are not registered as plugin metrics (JMX still has them): {}", e.toString());
            return new PluginMetricsBridge(metrics, null, names);
        }
    }

    /** The context's PluginMetrics, or null where the worker predates them (or cannot give them). */
    static Object pluginMetrics(SourceTaskContext context) {
        if (context == null) {
            return null;
        }
        try {
            Method m = SourceTaskContext.class.getMethod("pluginMetrics");
            return m.invoke(context);
        } catch (NoSuchMethodException e) {
            return null;
        } catch (InvocationTargetException e) {
            log.debug("pluginMetrics() failed: {}", String.valueOf(e.getCause()));
            return null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** {@code OldestDueJobLagMs} as {@code oldest-due-job-lag-ms}. */
    static String kebab(String attribute) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < attribute.length(); i++) {
            char c = attribute.charAt(i);
            if (Character.isUpperCase(c) && i > 0) {
                b.append('-');
            }
            b.append(Character.toLowerCase(c));
        }
        return b.toString();
    }

    /** How many metrics this bridge registered. */
    int registered() {
        return names.size();
    }

    @Override
    public void close() {
        if (removeMetric == null) {
            return;
        }
        for (MetricName name : names) {
            try {
                removeMetric.invoke(Objects.requireNonNull(pluginMetrics), name);
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.debug("removing plugin metric {}: {}", name.name(), e.toString());
            }
        }
    }
}
