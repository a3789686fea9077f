#!/usr/bin/env bash
# make extract-spark: the Spark extraction job (spark-extract/) on this machine, without a Spark installation: Spark
# comes from Maven Central onto the class path, and local-cluster mode gets a Spark home made of those jars.
#
#   DATASET=caltech101-iconic200 (a folder of ../shared/datasets) or DATASET_DIR=any/folder (or a Hadoop URI)
#   MODEL=mobilenet_v2_1.0_224   a folder of ../shared/models, or MODEL_DIR=any/model/folder, or with
#                                CATALOG_URL=http://host:8081 the catalog's model id
#   LAYER=global_pool  OUT=dir   POOLING=avg|max|flatten (optional)
#   MASTER=local[2] (default) or local-cluster[2,1,1024] (two executor JVMs of one core and 1024 MB each)
#   SEARCH_URL=http://host:8082  import the vectors into that search-service when done (optional)
#   EXTRA="--batch-size 16 ..."   more options of the job (README, "Bulk extraction on Apache Spark")
#   CNP_SKIP_BUILD=1             use the jars already built
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

usage() {
  echo "usage: make extract-spark DATASET=name|DATASET_DIR=dir MODEL=id|MODEL_DIR=dir LAYER=name OUT=dir" \
       "[POOLING=avg|max|flatten] [MASTER=local[2]|local-cluster[2,1,1024]] [CATALOG_URL=...] [SEARCH_URL=...]" >&2
  exit 2
}
[[ -n "${LAYER:-}" && -n "${OUT:-}" ]] || usage
[[ -n "${DATASET:-}" || -n "${DATASET_DIR:-}" ]] || usage
[[ -n "${MODEL:-}" || -n "${MODEL_DIR:-}" ]] || usage
images=${DATASET_DIR:-../shared/datasets/${DATASET:-}}
master=${MASTER:-local[2]}

if [[ "${CNP_SKIP_BUILD:-0}" != 1 ]]; then
  ./mvnw -B -q -pl spark-extract -am package -DskipTests
fi
jar=$(ls spark-extract/target/spark-extract-*-SNAPSHOT.jar | grep -v -- -cluster.jar | head -1)
cluster_jar=$(ls spark-extract/target/spark-extract-*-cluster.jar | head -1)
classpath="$(cat spark-extract/target/classpath.txt):$jar"
# org.apache.spark.launcher.JavaModuleOptions, as the module's pom lists them (spark-submit adds them itself)
read -r -a java_options <<< "$(sed -n 's:.*<spark.java.options>\(.*\)</spark.java.options>.*:\1:p' spark-extract/pom.xml)"

args=(--images "$images" --layer "$LAYER" --out "$OUT" --master "$master")
if [[ -n "${CATALOG_URL:-}" ]]; then
  args+=(--catalog "$CATALOG_URL" --model "${MODEL:?MODEL=the catalog model id}")
else
  args+=(--model-dir "${MODEL_DIR:-../shared/models/${MODEL:-}}")
fi
[[ -n "${POOLING:-}" ]] && args+=(--pooling "$POOLING")
[[ -n "${SEARCH_URL:-}" ]] && args+=(--search-url "$SEARCH_URL")
[[ -n "${DATASET_NAME:-}" ]] && args+=(--dataset "$DATASET_NAME")
read -r -a extra <<< "${EXTRA:-}"

# everything runs on this machine: Spark listens on loopback only
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
props=(-Dlog4j2.configurationFile="$repo/spark-extract/conf/log4j2.properties")
if [[ "$master" == local-cluster* ]]; then
  # executors are separate JVMs started the way a standalone worker starts them: from SPARK_HOME/jars, with the
  # job's own classes (the library, ONNX Runtime, OpenCV) shipped to them as the cluster jar
  home="$repo/spark-extract/target/spark-home"
  rm -rf "$home" && mkdir -p "$home/jars"
  tr ':' '\n' < spark-extract/target/classpath.txt | while read -r j; do ln -sf "$j" "$home/jars/"; done
  export SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13
  props+=(-Dspark.jars="$repo/$cluster_jar" -Dspark.home="$home")
fi
exec java "${java_options[@]}" "${props[@]}" -cp "$classpath" org.convnetplayground.sparkextract.SparkExtract \
  "${args[@]}" "${extra[@]}"
