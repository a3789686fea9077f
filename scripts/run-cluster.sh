#!/usr/bin/env bash
# Like scripts/run.sh, with the search-service's approximate queries on a real local SolrCloud: starts a 2-node
# SolrCloud (embedded ZooKeeper, loopback ports, the solr-cluster module's launcher), prints each node's base URL,
# then runs scripts/run.sh with the search-service wired to it (cnp.search.backend=solr). Ctrl-C stops everything.
# SOLR_NODES=N changes the number of nodes; SOLR_DIR=path keeps the cluster's files there (default: a fresh folder
# under $CNP_DATA_DIR/solr-cluster, removed at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

export CNP_DATA_DIR="${CNP_DATA_DIR:-$root/data}"
SOLR_NODES="${SOLR_NODES:-2}"
mkdir -p "$CNP_DATA_DIR/logs"

if [ "${CNP_SKIP_BUILD:-0}" != 1 ]; then
  echo "building (Maven + frontend; the first build downloads dependencies, Solr's included)..."
  ./mvnw -B -q package -DskipTests -pl model-catalog-service,feature-service,solr-cluster,search-service,frontend -am
fi
export CNP_SKIP_BUILD=1

cluster_dir="${SOLR_DIR:-}"
own_dir=0
if [ -z "$cluster_dir" ]; then
  mkdir -p "$CNP_DATA_DIR/solr-cluster"
  cluster_dir=$(mktemp -d "$CNP_DATA_DIR/solr-cluster/run-XXXXXX")
  own_dir=1
fi
log="$CNP_DATA_DIR/logs/solr-cluster.log"
out="$CNP_DATA_DIR/logs/solr-cluster.out"

# The launcher shuts the cluster down when its standard input closes: a FIFO held open by this script.
fifo=$(mktemp -u "$CNP_DATA_DIR/solr-cluster/.control-XXXXXX")
mkfifo "$fifo"
java -Xmx2g -cp "solr-cluster/target/classes:solr-cluster/target/lib/*" \
  org.convnetplayground.solrcluster.SolrClusterMain --nodes "$SOLR_NODES" --dir "$cluster_dir" \
  <"$fifo" >"$out" 2>"$log" &
cluster_pid=$!
exec 3>"$fifo"
rm -f "$fifo"

stop_cluster() {
  echo "quit" >&3 2>/dev/null || true
  exec 3>&- || true
  for _ in $(seq 60); do kill -0 "$cluster_pid" 2>/dev/null || break; sleep 0.5; done
  kill "$cluster_pid" 2>/dev/null || true
  if [ "$own_dir" = 1 ]; then rm -rf "$cluster_dir"; fi
}
trap stop_cluster EXIT
trap 'exit 130' INT TERM

echo "starting a $SOLR_NODES-node SolrCloud (log $log)..."
for _ in $(seq 360); do
  grep -q '^ready' "$out" 2>/dev/null && break
  kill -0 "$cluster_pid" 2>/dev/null || { echo "the Solr cluster exited; see $log" >&2; exit 1; }
  sleep 0.5
done
grep -q '^ready' "$out" || { echo "the Solr cluster did not start within 3 minutes; see $log" >&2; exit 1; }
urls=$(awk '/^node /{print $3}' "$out" | paste -sd, -)
awk '/^node /{printf "Solr node %s: %s\n", $2, $3}' "$out"
awk '/^zk /{printf "ZooKeeper: %s\n", $2}' "$out"
echo "collections: ${urls%%,*}/admin/collections?action=CLUSTERSTATUS"

export CNP_SEARCH_BACKEND=solr
export CNP_SOLR_URLS="$urls"
# run.sh stays in the foreground; when it returns (Ctrl-C, or a service exited), the cluster is stopped too
./scripts/run.sh
