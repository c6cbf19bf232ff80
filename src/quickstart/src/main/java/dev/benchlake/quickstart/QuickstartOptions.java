package dev.benchlake.quickstart;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** The quickstart's command line. {@link #parse} throws {@link QuickstartException} (exit code 2) with one sentence. */
public record QuickstartOptions(
        URI sagemakerEndpoint,
        String region,
        boolean aws,
        String nameContains,
        String modelName,
        String status,
        String createdAfter,
        List<String> jobNames,
        int connectPort,
        int postgresPort,
        Path report,
        Duration timeout,
        boolean keepRunning,
        String warehouse,
        boolean help) {

    /** The warehouses --warehouse takes. */
    public static final List<String> WAREHOUSES = List.of("postgres", "iceberg");

    /** The --help text: src/main/resources/dev/benchlake/quickstart/usage.txt, which quickstart.sh prints itself. */
    public static final String USAGE = usage();


    private static final Pattern NAME_FILTER = Pattern.compile("[a-zA-Z0-9-]{1,63}");
    private static final Pattern JOB_NAME = Pattern.compile("[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");
    private static final List<String> STATUSES = List.of("PENDING", "IN_PROGRESS", "COMPLETED", "FAILED", "STOPPING",
            "STOPPED", "DELETING", "DELETED");

    private static String usage() {
        try (java.io.InputStream in = QuickstartOptions.class.getResourceAsStream("usage.txt")) {
            return new String(java.util.Objects.requireNonNull(in, "usage.txt").readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** True when the data comes from the built-in emulator. */
    public boolean builtInEmulator() {
        return sagemakerEndpoint == null && !aws;
    }

    /** True when the run also lands in an Iceberg table (--warehouse iceberg). */
    public boolean iceberg() {
        return "iceberg".equals(warehouse);
    }

    /** True when any discovery filter was given. */
    public boolean hasDiscoveryFilter() {
        return nameContains != null || modelName != null || status != null || createdAfter != null;
    }

    public static QuickstartOptions parse(String... args) {
        URI endpoint = null;
        String region = null;
        boolean aws = false;
        String nameContains = null;
        String modelName = null;
        String status = null;
        String createdAfter = null;
        List<String> jobNames = List.of();
        int connectPort = 0;
        int postgresPort = 0;
        Path report = Path.of("target/quickstart/report.html");
        Duration timeout = Duration.ofSeconds(300);
        boolean keepRunning = false;
        String warehouse = "postgres";
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                inline = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--aws" -> aws = true;
                case "--keep-running" -> keepRunning = true;
                case "--help", "-h" -> help = true;
                default -> {
                    String value;
                    if (inline != null) {
                        value = inline;
                    } else if (i + 1 < args.length && !isFlag(arg)) {
                        value = args[++i];
                    } else if (isFlag(arg)) {
                        throw usage("Unknown option '" + args[i] + "': ./quickstart.sh --help lists the options.");
                    } else {
                        throw usage("Option " + arg + " needs a value: ./quickstart.sh --help lists the options.");
                    }
                    switch (arg) {
                        case "--sagemaker-endpoint" -> endpoint = endpoint(value);
                        case "--region" -> region = region(value);
                        case "--name-contains" -> nameContains = nameFilter(arg, value);
                        case "--model-name" -> modelName = nameFilter(arg, value);
                        case "--status" -> status = status(value);
                        case "--created-after" -> createdAfter = instant(value);
                        case "--job-names" -> jobNames = jobNames(value);
                        case "--connect-port" -> connectPort = port(arg, value);
                        case "--postgres-port" -> postgresPort = port(arg, value);
                        case "--report" -> report = Path.of(value);
                        case "--timeout" -> timeout = Duration.ofSeconds(positive(arg, value));
                        case "--warehouse" -> warehouse = warehouse(value);
                        default -> throw usage("Unknown option '" + args[i] + "': ./quickstart.sh --help lists the options.");
                    }
                }
            }
        }
        if (region == null) {
            String env = System.getenv("AWS_REGION");
            region = env != null && REGION.matcher(env).matches() ? env : "us-east-1";
        }
        if (connectPort != 0 && connectPort == postgresPort) {
            throw usage("--connect-port and --postgres-port are both " + connectPort + ": give them different ports.");
        }
        return new QuickstartOptions(endpoint, region, aws, nameContains, modelName, status, createdAfter, jobNames,
                connectPort, postgresPort, report, timeout, keepRunning, warehouse, help);
    }

    private static boolean isFlag(String arg) {
        return arg.equals("--aws") || arg.equals("--keep-running") || arg.equals("--help") || arg.equals("-h")
                || !List.of("--sagemaker-endpoint", "--region", "--name-contains", "--model-name", "--status",
                        "--created-after", "--job-names", "--connect-port", "--postgres-port", "--report", "--timeout",
                        "--warehouse")
                        .contains(arg);
    }

    private static QuickstartException usage(String message) {
        return new QuickstartException(QuickstartException.USAGE, message);
    }

    private static URI endpoint(String value) {
        try {
            URI uri = new URI(value);
            if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                return uri;
            }
        } catch (java.net.URISyntaxException e) {
            // reported below
        }
        throw usage("--sagemaker-endpoint needs an http(s) URL such as http://127.0.0.1:9090, not '" + value + "'.");
    }

    private static String region(String value) {
        if (!REGION.matcher(value).matches()) {
            throw usage("--region needs an AWS region code such as us-east-1, not '" + value + "'.");
        }
        return value;
    }

    private static String nameFilter(String option, String value) {
        if (!NAME_FILTER.matcher(value).matches()) {
            throw usage(option + " takes 1 to 63 letters, digits or '-', not '" + value + "'.");
        }
        return value;
    }

    private static String status(String value) {
        String upper = value.toUpperCase(java.util.Locale.ROOT);
        if (!STATUSES.contains(upper)) {
            throw usage("--status takes one of " + String.join(", ", STATUSES) + ", not '" + value + "'.");
        }
        return upper;
    }

    private static String instant(String value) {
        try {
            return Instant.parse(value).toString();
        } catch (DateTimeParseException e) {
            throw usage("--created-after needs an ISO-8601 instant such as 2026-01-01T00:00:00Z, not '" + value + "'.");
        }
    }

    private static List<String> jobNames(String value) {
        List<String> names = new ArrayList<>();
        for (String name : value.split(",")) {
            String n = name.trim();
            if (!JOB_NAME.matcher(n).matches()) {
                throw usage("--job-names takes comma-separated job names (letters, digits, '-'), and '" + n + "' is not one.");
            }
            names.add(n);
        }
        return List.copyOf(names);
    }

    private static String warehouse(String value) {
        String lower = value.toLowerCase(java.util.Locale.ROOT);
        if (!WAREHOUSES.contains(lower)) {
            throw usage("--warehouse takes " + String.join(" or ", WAREHOUSES) + ", not '" + value + "'.");
        }
        return lower;
    }

    private static int port(String option, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw usage(option + " needs a port number from 0 to 65535 (0: any free port), not '" + value + "'.");
    }

    private static long positive(String option, String value) {
        try {
            long n = Long.parseLong(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw usage(option + " needs a positive whole number of seconds, not '" + value + "'.");
    }
}
