#!/usr/bin/env bash
# make bench-scale: imports a large collection through the API and measures exact and approximate search
# (see benchmarks/src/main/java/.../BenchScale.java). VECTORS=path.npy QUERIES=path.npy use your own vectors;
# otherwise ROWS x DIM (default 1000000 x 1280) clustered vectors are generated under target/bench-scale/.
# BACKENDS=embedded,solr (default) runs it with the embedded HNSW index and with a local 2-node SolrCloud.
# DUPLICATES=1 also times a near-duplicate scan of the whole collection (embedded backend).
# FAISS_HOME=<a FAISS source tree built with CMake into FAISS_HOME/build> ends the run with FAISS's HNSW on the same
# files (benchmarks/faiss/faiss_hnsw.cpp, compiled here against it): see README, "Large collections".
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
./mvnw -B -q -pl model-catalog-service,feature-service,solr-cluster,search-service,benchmarks -am package dependency:build-classpath \
  -DskipTests -Dmdep.outputFile="$PWD/target/bench-classpath.txt"
if [[ -n "${FAISS_HOME:-}" ]]; then
  lib=""
  for name in libfaiss_avx512.so libfaiss_avx2.so libfaiss.so; do   # the widest SIMD build there is
    if [[ -f "$FAISS_HOME/build/faiss/$name" ]]; then
      lib="$FAISS_HOME/build/faiss/$name"
      break
    fi
  done
  [[ -n "$lib" ]] || { echo "no libfaiss*.so under $FAISS_HOME/build/faiss" >&2; exit 2; }
  g++ -O2 -std=c++17 -fopenmp -I"$FAISS_HOME" benchmarks/faiss/faiss_hnsw.cpp "$lib" -Wl,-rpath,"$(dirname "$lib")" \
    -o target/faiss_hnsw
  export FAISS_HNSW="$PWD/target/faiss_hnsw"
  echo "FAISS: $lib"
fi
java -Xmx3g --add-modules jdk.incubator.vector -cp "benchmarks/target/classes:$(cat target/bench-classpath.txt)" \
  -Dcnp.shared.dir="${CNP_SHARED_DIR:-$PWD/../shared}" -Dcnp.repo.dir="$PWD" \
  org.convnetplayground.bench.BenchScale
