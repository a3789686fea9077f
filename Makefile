# ConvNet Playground. The two set-up commands are `make run` and `make test`.
.PHONY: run run-cluster test build bench bench-scale bench-gradients bench-spark extract-spark contracts clean

# Build and start everything (three services + web UI on http://localhost:8080), in the foreground.
run:
	./scripts/run.sh

# As `make run`, with a real local 2-node SolrCloud (embedded ZooKeeper) behind the search-service's approximate
# queries; prints each Solr node's base URL. SOLR_NODES=N for another number of nodes.
run-cluster:
	./scripts/run-cluster.sh

# Every test: unit, service, contract, end-to-end and browser tests.
test:
	./scripts/ensure-test-tools.sh
	./mvnw -B verify

# Build without tests.
build:
	./mvnw -B -q package -DskipTests

# Benchmark figures: extraction throughput vs raw ONNX Runtime, query latency.
bench: build
	./scripts/bench.sh

# A large collection imported through the API, searched exactly and approximately (one JSON line per mode).
# VECTORS=path.npy QUERIES=path.npy (float32 [n, d]); otherwise ROWS x DIM (1000000 x 1280) generated vectors.
# BACKENDS=embedded,solr (the default) measures the embedded HNSW and a local 2-node SolrCloud side by side.
# DATA_DIR=, CANDIDATES=, DUPLICATES=1, FAISS_HOME=: see README, "Large collections".
bench-scale:
	./scripts/bench-scale.sh

# Gradient figures: gradient vs forward time per model and layer, one MobileNet v2 feature visualisation, and the
# check that visualisations excite their channel more than any dataset image. Takes about 15 minutes.
bench-gradients:
	./scripts/bench-gradients.sh

# Bulk extraction on Apache Spark (spark-extract/): DATASET=name (of ../shared/datasets) or DATASET_DIR=folder,
# MODEL=id (of ../shared/models), LAYER=name, OUT=dir; optional POOLING=, MASTER=local[2] (default) or
# local-cluster[2,1,1024], CATALOG_URL=, SEARCH_URL=. Writes OUT/vectors.npy, OUT/ids.txt, OUT/parquet/, OUT/failures.tsv.
extract-spark:
	./scripts/extract-spark.sh

# Spark job images/s in local[2] side by side with the feature-service's extraction job, and the Spark vectors
# checked against the feature-service's on every image of caltech101-iconic200. Takes about 5 minutes; a smaller run:
# DATASET=caltech101-iconic200 (the timed dataset, tinyimagenet-val4000 by default) ROUNDS=1 (2 by default).
bench-spark:
	./scripts/bench-spark.sh

# Refresh the committed OpenAPI documents from the last build.
contracts: build
	for s in model-catalog-service feature-service search-service; do \
	  cp $$s/target/openapi/openapi.yaml contracts/$$s.yaml; done

clean:
	./mvnw -B -q clean
	rm -rf data
