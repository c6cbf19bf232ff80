#!/bin/sh
# One-shot registration of the docker-compose.yml connectors (run by the connect-init service; by hand:
# CONNECT_URL=http://localhost:8083 sh src/docker/connect/register.sh from the repository root).
set -eu
dir=$(dirname "$0")
url=${CONNECT_URL:-http://localhost:8083}
i=0
until curl -fs "$url/connectors" >/dev/null; do
  i=$((i + 1))
  [ "$i" -lt 60 ] || { echo "Kafka Connect at $url did not answer within 120 s" >&2; exit 1; }
  sleep 2
done
for name in benchlake-sink-postgres benchlake-source; do
  echo "PUT $url/connectors/$name/config"
  curl -fsS -X PUT -H 'Content-Type: application/json' --data @"$dir/$name.json" "$url/connectors/$name/config"
  echo
done
