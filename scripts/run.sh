#!/usr/bin/env bash
# Builds what is needed and runs the whole system in the foreground: the three services and the web frontend.
# Ctrl-C stops everything. Open http://localhost:8080 once it says "ready".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

export CNP_DATA_DIR="${CNP_DATA_DIR:-$root/data}"
export CNP_MODELS_DIR="${CNP_MODELS_DIR:-$root/../shared/models}"
export CNP_DATASETS_DIR="${CNP_DATASETS_DIR:-$root/../shared/datasets}"
export CNP_CATALOG_URL="${CNP_CATALOG_URL:-http://127.0.0.1:8081}"
export CNP_FEATURES_URL="${CNP_FEATURES_URL:-http://127.0.0.1:8082}"
export CNP_SEARCH_URL="${CNP_SEARCH_URL:-http://127.0.0.1:8083}"
PORT="${PORT:-8080}"
# Only the web UI is meant to be reached, and by default from this machine only: HOST=0.0.0.0 exposes it to the
# network. The services always listen on loopback; the UI's proxy is their one way in.
HOST="${HOST:-127.0.0.1}"

for d in "$CNP_MODELS_DIR" "$CNP_DATASETS_DIR"; do
  [ -d "$d" ] || { echo "error: $d does not exist (set CNP_MODELS_DIR / CNP_DATASETS_DIR)" >&2; exit 1; }
done
mkdir -p "$CNP_DATA_DIR/logs"

if [ "${CNP_SKIP_BUILD:-0}" != 1 ]; then
  echo "building (Maven + frontend; the first build downloads dependencies)..."
  # only what runs: the Spark job's and the benchmarks' jars are built by their own make targets
  ./mvnw -B -q package -DskipTests -pl model-catalog-service,feature-service,search-service,frontend -am
fi

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "stopping..."
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

start() { # name, log, command...
  local name=$1 log=$2; shift 2
  "$@" >"$log" 2>&1 &
  pids+=($!)
  echo "started $name (pid $!, log $log)"
}

JAVA_OPTS="${JAVA_OPTS:--Xmx4g}"
# the services listen on loopback only: the web UI's proxy is their one way in
JAVA_OPTS="$JAVA_OPTS -Dquarkus.http.host=127.0.0.1"
# a JVM crash report goes to the data directory's logs/, never into the working directory (the repository)
CRASH_OPTS="-XX:ErrorFile=$CNP_DATA_DIR/logs/hs_err_pid%p.log"
start model-catalog-service "$CNP_DATA_DIR/logs/catalog.log" \
  java $JAVA_OPTS $CRASH_OPTS -jar model-catalog-service/target/quarkus-app/quarkus-run.jar
start feature-service "$CNP_DATA_DIR/logs/features.log" \
  java $JAVA_OPTS $CRASH_OPTS -jar feature-service/target/quarkus-app/quarkus-run.jar
start search-service "$CNP_DATA_DIR/logs/search.log" \
  java $JAVA_OPTS $CRASH_OPTS --add-modules jdk.incubator.vector -jar search-service/target/quarkus-app/quarkus-run.jar
start frontend "$CNP_DATA_DIR/logs/frontend.log" env PORT="$PORT" HOST="$HOST" node frontend/server.mjs

for url in "$CNP_CATALOG_URL" "$CNP_FEATURES_URL" "$CNP_SEARCH_URL"; do
  for _ in $(seq 240); do
    curl -sf "$url/q/health/ready" >/dev/null 2>&1 && break
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "a process exited; see $CNP_DATA_DIR/logs" >&2; exit 1; }; done
    sleep 0.5
  done
done
# The search-service builds the demo's first collection at start-up: wait for it (at most 2 minutes), so that the
# page shows results as soon as it opens.
for _ in $(seq 240); do
  jobs=$(curl -sf "$CNP_SEARCH_URL/api/search/jobs" 2>/dev/null) || break
  echo "$jobs" | grep -Eq '"kind":"collection-build"[^}]*"state":"(queued|running)"' || break
  sleep 0.5
done
echo
echo "ready: open http://localhost:$PORT  (APIs: /api/catalog, /api/features, /api/search; Ctrl-C stops)"
wait -n "${pids[@]}"
echo "a process exited; see $CNP_DATA_DIR/logs" >&2
