// The FAISS side of make bench-scale: FAISS's HNSW (IndexHNSWFlat, inner product over unit-length rows, i.e. cosine)
// on the same .npy files, queried one query at a time on one thread, at increasing efSearch, against the same exact
// top-k the benchmark computed. Prints one JSON line per efSearch and, last, the smallest efSearch whose recall
// reaches --target-recall. Not part of the product: built by scripts/bench-scale.sh when FAISS_HOME names a FAISS
// build (see README, "Large collections").
//
// faiss_hnsw --vectors V.npy --queries Q.npy --truth T.txt --k 50 --m 16 --ef-construction 100
//            --target-recall 0.98 [--index-cache F]
#include <faiss/IndexHNSW.h>
#include <faiss/index_io.h>
#include <omp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// A float32 little-endian C-order [rows, dim] .npy file, memory-mapped.
struct Npy {
    const float* data = nullptr;
    size_t rows = 0;
    size_t dim = 0;

    explicit Npy(const std::string& path) {
        int fd = open(path.c_str(), O_RDONLY);
        if (fd < 0) throw std::runtime_error("cannot open " + path);
        struct stat st {};
        fstat(fd, &st);
        void* map = mmap(nullptr, st.st_size, PROT_READ, MAP_SHARED, fd, 0);
        close(fd);
        if (map == MAP_FAILED) throw std::runtime_error("cannot map " + path);
        const char* bytes = static_cast<const char*>(map);
        if (std::memcmp(bytes, "\x93NUMPY", 6) != 0 || bytes[6] != 1) throw std::runtime_error(path + ": not .npy v1");
        size_t headerLength = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
        std::string header(bytes + 10, headerLength);
        std::smatch m;
        if (header.find("'<f4'") == std::string::npos || header.find("True") != std::string::npos
            || !std::regex_search(header, m, std::regex("\\((\\d+), (\\d+)\\)"))) {
            throw std::runtime_error(path + ": not float32 [n, d] in C order: " + header);
        }
        rows = std::stoull(m[1]);
        dim = std::stoull(m[2]);
        data = reinterpret_cast<const float*>(bytes + 10 + headerLength);
    }

    // rows [from, to) scaled to unit length (a zero row stays zero)
    std::vector<float> unit(size_t from, size_t to) const {
        std::vector<float> out(data + from * dim, data + to * dim);
        for (size_t r = 0; r < to - from; r++) {
            double sum = 0;
            for (size_t j = 0; j < dim; j++) sum += double(out[r * dim + j]) * out[r * dim + j];
            if (sum == 0) continue;
            float scale = float(1 / std::sqrt(sum));
            for (size_t j = 0; j < dim; j++) out[r * dim + j] *= scale;
        }
        return out;
    }
};

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
    std::map<std::string, std::string> a;
    for (int i = 1; i + 1 < argc; i += 2) a[argv[i]] = argv[i + 1];
    for (const char* required : {"--vectors", "--queries", "--truth", "--target-recall"}) {
        if (!a.count(required)) {
            std::fprintf(stderr, "missing %s\n", required);
            return 2;
        }
    }
    const int k = a.count("--k") ? std::stoi(a["--k"]) : 50;
    const int M = a.count("--m") ? std::stoi(a["--m"]) : 16;
    const int efConstruction = a.count("--ef-construction") ? std::stoi(a["--ef-construction"]) : 100;
    const double target = std::stod(a["--target-recall"]);
    const int buildThreads = omp_get_max_threads();
    Npy data(a["--vectors"]);
    Npy queries(a["--queries"]);

    std::vector<std::set<faiss::idx_t>> truth;
    {
        std::ifstream in(a["--truth"]);
        std::string line;
        while (std::getline(in, line)) {
            std::istringstream row(line);
            std::set<faiss::idx_t> ids;
            faiss::idx_t id;
            while (row >> id) ids.insert(id);
            truth.push_back(ids);
        }
    }
    if (truth.size() != queries.rows) throw std::runtime_error("truth has a different number of queries");

    std::unique_ptr<faiss::IndexHNSWFlat> index;
    std::string cache = a.count("--index-cache") ? a["--index-cache"] : "";
    double buildSeconds = NAN;
    if (!cache.empty() && access(cache.c_str(), R_OK) == 0) {
        index.reset(dynamic_cast<faiss::IndexHNSWFlat*>(faiss::read_index(cache.c_str())));
        if (!index || index->ntotal != faiss::idx_t(data.rows) || index->hnsw.efConstruction != efConstruction) {
            throw std::runtime_error(cache + " holds another index; delete it");
        }
        std::fprintf(stderr, "faiss: index read from %s\n", cache.c_str());
    } else {
        index = std::make_unique<faiss::IndexHNSWFlat>(int(data.dim), M, faiss::METRIC_INNER_PRODUCT);
        index->hnsw.efConstruction = efConstruction;
        auto t = std::chrono::steady_clock::now();
        const size_t chunk = 50000;  // bounded copies: FAISS keeps its own
        for (size_t from = 0; from < data.rows; from += chunk) {
            size_t to = std::min(data.rows, from + chunk);
            std::vector<float> rows = data.unit(from, to);
            index->add(faiss::idx_t(to - from), rows.data());
            std::fprintf(stderr, "faiss: %zu of %zu rows in the graph (%.0f s)\n", to, data.rows, seconds_since(t));
        }
        buildSeconds = seconds_since(t);
        if (!cache.empty()) faiss::write_index(index.get(), cache.c_str());
    }

    // null when the index came from the cache
    std::string built = std::isnan(buildSeconds) ? "null" : std::to_string(std::round(buildSeconds * 10) / 10);

    // as the product answers: one query at a time, one thread
    omp_set_num_threads(1);
    std::vector<float> q = queries.unit(0, queries.rows);
    std::vector<float> distances(k);
    std::vector<faiss::idx_t> labels(k);
    for (int ef : {50, 64, 80, 100, 128, 160, 200, 256, 320, 400, 512, 640, 800, 1024, 1280, 1600, 2048}) {
        index->hnsw.efSearch = ef;
        for (size_t i = 0; i < std::min<size_t>(10, queries.rows); i++) {  // warm-up
            index->search(1, q.data() + i * queries.dim, k, distances.data(), labels.data());
        }
        std::vector<double> took;
        double found = 0;
        faiss::hnsw_stats.reset();
        for (size_t i = 0; i < queries.rows; i++) {
            auto t = std::chrono::steady_clock::now();
            index->search(1, q.data() + i * queries.dim, k, distances.data(), labels.data());
            took.push_back(seconds_since(t) * 1e3);
            for (faiss::idx_t id : labels) found += truth[i].count(id);
        }
        std::sort(took.begin(), took.end());
        double recall = found / (double(queries.rows) * k);
        std::printf("{\"engine\":\"faiss-hnsw\",\"rows\":%zu,\"dimension\":%zu,\"M\":%d,\"efConstruction\":%d,"
                    "\"buildSeconds\":%s,\"buildThreads\":%d,\"efSearch\":%d,\"searchThreads\":1,\"queries\":%zu,"
                    "\"k\":%d,\"msP50\":%.3f,\"msP95\":%.3f,\"recallAt50\":%.4f,\"distancesPerQuery\":%zu,"
                    "\"reachesTarget\":%s}\n",
                    data.rows, data.dim, M, efConstruction, built.c_str(), buildThreads, ef,
                    queries.rows, k, took[took.size() / 2], took[size_t(took.size() * 0.95)], recall,
                    size_t(faiss::hnsw_stats.ndis / queries.rows), recall >= target ? "true" : "false");
        std::fflush(stdout);
        if (recall >= target) return 0;
    }
    return 0;
}
