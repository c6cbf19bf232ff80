#!/usr/bin/env bash
# Benchlake quickstart: one command from a fresh clone to SQL answers and an HTML report.
#
#   ./quickstart.sh                  built-in SageMaker emulator, demo data (four weeks of nightly benchmarks)
#   ./quickstart.sh --keep-running   ... and keep Kafka, Connect, the registry and PostgreSQL up until Ctrl-C
#   ./quickstart.sh --aws --region eu-west-1 --name-contains nightly     real SageMaker, default credential chain
#   ./quickstart.sh --help           every option
#
# Needs Java 17+ and Maven 3.8+; no Docker. Builds first (mvn package without tests: the plugin archive, unpacked with
# Debezium's JDBC sink into src/runtimes/connect-plugins/target/plugins, the schema registry's jars, the quickstart's
# jar and its libraries), then runs the built quickstart in this shell's JVM, so Ctrl-C reaches it and stops every
# component. The Connect worker loads Benchlake from plugin.path, as users install it.
# --no-build skips the Maven step when everything is already built; --help prints the options without building.
# Details: docs/quickstart.md.
set -euo pipefail

export BENCHLAKE_QUICKSTART_T0="${BENCHLAKE_QUICKSTART_T0:-$(date +%s%3N)}"
cd "$(dirname "$0")"

build=1
args=()
for a in "$@"; do
  case "$a" in
    --help|-h) cat src/quickstart/src/main/resources/dev/benchlake/quickstart/usage.txt; exit 0 ;;
    --no-build) build=0 ;;
    *) args+=("$a") ;;
  esac
done

mkdir -p target/quickstart
jar=src/quickstart/target/benchlake-quickstart.jar
if [[ $build == 1 ]]; then
  echo "Building (mvn package, tests skipped) ..."
  if ! mvn -B -q -DskipTests -Dcheckstyle.skip package >target/quickstart-build.log 2>&1; then
    cat target/quickstart-build.log >&2 || true
    echo "The build failed (output above, also in target/quickstart-build.log)." >&2
    exit 1
  fi
fi
if [[ ! -s $jar ]]; then
  echo "$jar is missing: run ./quickstart.sh without --no-build once." >&2
  exit 1
fi

exec java -Xmx1g -XX:+UseSerialGC -Dbenchlake.quickstart.quiet=true -Dbenchlake.root="$PWD" \
  -Dlog4j2.configurationFile=classpath:dev/benchlake/quickstart/log4j2-quickstart.xml \
  -cp "$jar:src/quickstart/target/lib/*" \
  dev.benchlake.quickstart.Quickstart ${args[@]+"${args[@]}"}
