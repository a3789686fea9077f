#!/usr/bin/env bash
# Prints the benchmark figures (see benchmarks/src/main/java/.../Bench.java). Takes a few minutes.
# Builds the services and the benchmark in the reactor (nothing is installed into the local Maven repository) and
# runs it on their class path; -Dcnp.bench.builds=N in BENCH_OPTS measures N collection builds (2 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target
./mvnw -B -q -pl model-catalog-service,feature-service,search-service,benchmarks -am package dependency:build-classpath \
  -DskipTests -Dmdep.outputFile="$PWD/target/bench-classpath.txt"
# shellcheck disable=SC2086
java ${BENCH_OPTS:-} -cp "benchmarks/target/classes:$(cat target/bench-classpath.txt)" \
  -Dcnp.shared.dir="${CNP_SHARED_DIR:-$PWD/../shared}" -Dcnp.repo.dir="$PWD" \
  org.convnetplayground.bench.Bench
