#!/usr/bin/env bash
# make bench-scale: imports a large collection through the API and measures exact and approximate search
# (see benchmarks/src/main/java/.../BenchScale.java). VECTORS=path.npy QUERIES=path.npy use your own vectors;
# otherwise ROWS x DIM (default 1000000 x 1280) clustered vectors are generated under target/bench-scale/.
# BACKENDS=embedded,solr (default) runs it with the embedded HNSW index and with a local 2-node SolrCloud.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
./mvnw -B -q -pl model-catalog-service,feature-service,solr-cluster,search-service,benchmarks -am package dependency:build-classpath \
  -DskipTests -Dmdep.outputFile="$PWD/target/bench-classpath.txt"
java -Xmx3g -cp "benchmarks/target/classes:$(cat target/bench-classpath.txt)" \
  -Dcnp.shared.dir="${CNP_SHARED_DIR:-$PWD/../shared}" -Dcnp.repo.dir="$PWD" \
  org.convnetplayground.bench.BenchScale
