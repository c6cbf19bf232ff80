#!/usr/bin/env bash
# Benchlake quickstart: one command from a fresh clone to SQL answers and an HTML report.
#
#   ./quickstart.sh                  built-in SageMaker emulator, demo data (four weeks of nightly benchmarks)
#   ./quickstart.sh --keep-running   ... and keep Kafka, Connect, the registry and PostgreSQL up until Ctrl-C
#   ./quickstart.sh --aws --region eu-west-1 --name-contains nightly     real SageMaker, default credential chain
#   ./quickstart.sh --help           every option
#
# Needs Java 17+ and Maven 3.8+; no Docker. Builds first (mvn verify without tests: the plugin, the schema registry's
# classpath, the Debezium JDBC sink unpacked into target/connect-plugins), then runs dev.benchlake.quickstart.Quickstart
# from the test classpath in this shell's JVM, so Ctrl-C reaches it and stops every component.
# --no-build skips the Maven step when target/ is already built. Details: docs/quickstart.md.
set -euo pipefail

export BENCHLAKE_QUICKSTART_T0="${BENCHLAKE_QUICKSTART_T0:-$(date +%s%3N)}"
cd "$(dirname "$0")"

build=1
args=()
for a in "$@"; do
  case "$a" in
    --no-build) build=0 ;;
    *) args+=("$a") ;;
  esac
done

mkdir -p target
cp_file=target/quickstart-classpath.txt
if [[ $build == 1 ]]; then
  # The first run goes through `mvn verify` without tests: its pre-integration-test phase resolves the schema
  # registry's classpath (target/registry-classpath.txt) and unpacks the Debezium JDBC sink into
  # target/connect-plugins. Once both are there, compiling is enough.
  goals=(verify)
  skips=(-DskipTests -Dworker.classpath.skip=true)
  if [[ -s target/registry-classpath.txt && -d target/connect-plugins/debezium-connector-jdbc ]]; then
    goals=(test-compile)
  fi
  echo "Building (mvn ${goals[*]}, tests skipped) ..."
  if ! mvn -B -q "${skips[@]}" "${goals[@]}" dependency:build-classpath -Dmdep.includeScope=test \
        -Dmdep.outputFile="$PWD/$cp_file" >target/quickstart-build.log 2>&1; then
    cat target/quickstart-build.log >&2 || true
    echo "The build failed (output above, also in target/quickstart-build.log)." >&2
    exit 1
  fi
fi
if [[ ! -s $cp_file ]]; then
  echo "$cp_file is missing: run ./quickstart.sh without --no-build once." >&2
  exit 1
fi
mkdir -p target/quickstart

exec java -Xmx1g -XX:+UseSerialGC -Dbenchlake.quickstart.quiet=true \
  -Dlog4j2.configurationFile=src/test/resources/dev/benchlake/quickstart/log4j2-quickstart.xml \
  -cp "target/test-classes:target/classes:$(cat "$cp_file")" \
  dev.benchlake.quickstart.Quickstart ${args[@]+"${args[@]}"}
