#pragma once
// `maskstudio-cli bench`: training throughput of the fused mcVAE step and the latency of the
// interactive path (conditions -> geometry in user units), as tables of medians and tails.
#include <cstdint>
#include <string>
#include <vector>

namespace ms::experiments {

struct BenchSettings {
    std::string dataPath;   // empty: 4355 synthetic bikes (the shape of GeoBIKED)
    std::string preset = "geobiked";
    std::string modelPath;  // empty: decode with the model trained by the throughput run
    std::string device = "auto";
    int64_t epochs = 30;
    std::vector<int> threads{1, 2};
    int latencyIterations = 2000;
};

struct TrainingBenchRow {
    std::string device;
    int threads = 1;
    int64_t epochs = 0;
    int64_t steps = 0;
    double seconds = 0.0;
    double samplesPerSecond = 0.0;
    double msPerStep = 0.0;
    double secondsFor500Epochs = 0.0;  // extrapolated
};

struct LatencyBenchRow {
    std::string what;
    std::string device;
    int batch = 1;
    double p50Ms = 0.0, p99Ms = 0.0, meanMs = 0.0;
    int iterations = 0;
};

struct BenchReport {
    std::string dataDescription;
    int64_t trainRows = 0;
    std::vector<TrainingBenchRow> training;
    std::vector<LatencyBenchRow> decode;
};

BenchReport runMcVaeBenchmark(const BenchSettings& settings);

}  // namespace ms::experiments
