#!/usr/bin/env bash
# Prints the Spark extraction figures (benchmarks/.../SparkBench.java): the Spark job in local[2] side by side with the
# feature-service's extraction job, and their vectors compared on every image of caltech101-iconic200. About 5 minutes.
# DATASET=name times another folder of ../shared/datasets (tinyimagenet-val4000 by default); ROUNDS=n (2 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
# the services' jars (started by the benchmark), the Spark job's jars and class path, the benchmark's class path
./mvnw -B -q -pl model-catalog-service,feature-service,spark-extract,benchmarks -am package -DskipTests \
  dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile=target/bench-classpath.txt
exec java -Dcnp.repo.dir="$(pwd)" -Dcnp.shared.dir="$(cd .. && pwd)/shared" \
  -cp "benchmarks/target/classes:$(cat benchmarks/target/bench-classpath.txt)" org.convnetplayground.bench.SparkBench
