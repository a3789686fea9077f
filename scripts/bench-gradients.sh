#!/usr/bin/env bash
# Prints the gradient figures (see benchmarks/src/main/java/.../GradientBench.java). Takes about 15 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q package -DskipTests -pl model-catalog-service,feature-service -am
# packaged and its class path written in one reactor run, so the libraries resolve from source
./mvnw -B -q package dependency:build-classpath -DskipTests -Dmdep.outputFile=target/classpath.txt -pl benchmarks -am
java -Dcnp.repo.dir="$PWD" -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  org.convnetplayground.bench.GradientBench
