#!/usr/bin/env bash
# Prints the benchmark figures (see benchmarks/src/main/java/.../Bench.java). Takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q install -DskipTests -pl benchmarks -am
./mvnw -B -q -pl benchmarks exec:java
