#include "experiments/McVaeBenchmark.h"

#include <ATen/Parallel.h>

#include <algorithm>

#include "api/TrainJob.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "core/synth/BikeSynth.h"
#include "mcvae/DesignGenerator.h"
#include "mcvae/ModelBundle.h"
#include "mcvae/PreparedData.h"

namespace ms::experiments {
namespace {

LatencyBenchRow measureLatency(const mcvae::DesignGenerator& gen, int batch, int iterations, const std::string& device) {
    mcvae::GenerationRequest req;
    req.conditions = ConditionValues::allUnknown(gen.schema());
    // Condition every categorical input, as a user with a full condition panel would.
    for (size_t i = 0; i < req.conditions.categorical.size(); ++i) req.conditions.categorical[i] = 0;
    req.count = batch;
    for (int i = 0; i < std::max(10, iterations / 20); ++i) gen.generate(req);  // warm-up
    std::vector<double> ms(static_cast<size_t>(iterations));
    for (int i = 0; i < iterations; ++i) {
        req.seed = static_cast<uint64_t>(i);
        const Stopwatch t0;
        gen.generate(req);
        ms[static_cast<size_t>(i)] = t0.milliseconds();
    }
    LatencyBenchRow row;
    row.what = batch == 1 ? "decode 1 design" : "decode batch of " + std::to_string(batch);
    row.device = device;
    row.batch = batch;
    row.iterations = iterations;
    double sum = 0;
    for (double v : ms) sum += v;
    row.meanMs = sum / iterations;
    std::sort(ms.begin(), ms.end());
    row.p50Ms = ms[ms.size() / 2];
    row.p99Ms = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
    return row;
}

}  // namespace

BenchReport runMcVaeBenchmark(const BenchSettings& s) {
    BenchReport report;
    const mcvae::Preset preset = mcvae::loadPreset(s.preset);
    mcvae::PreparedData data;
    if (s.dataPath.empty()) {
        SynthResult synth = synthBikes(4355, 7);
        data.path = "synthetic-bikes";
        data.schema = synth.schema;
        data.table = synth.table;
        data.normalization = Normalization::fit(data.table);
        report.dataDescription = "4355 synthetic bikes (GeoBIKED layout)";
    } else {
        data = mcvae::prepareData(s.dataPath, "", preset);
        report.dataDescription = s.dataPath;
    }

    mcvae::ModelBundle trained;
    for (int threads : s.threads) {
        api::TrainRequest r;
        r.device = s.device;
        r.epochs = s.epochs;
        r.threads = threads;
        const api::TrainResult result = api::runTraining(r, data, preset, {}, CancelToken());
        TrainingBenchRow row;
        row.device = result.deviceName;
        row.threads = threads;
        row.epochs = s.epochs;
        row.steps = result.bundle.state.globalStep;
        row.seconds = result.seconds;
        row.samplesPerSecond = static_cast<double>(result.trainRows * s.epochs) / result.seconds;
        row.msPerStep = 1000.0 * result.seconds / static_cast<double>(row.steps);
        row.secondsFor500Epochs = result.seconds * 500.0 / static_cast<double>(s.epochs);
        report.trainRows = result.trainRows;
        report.training.push_back(row);
        trained = result.bundle;
        if (!at::Device(result.deviceName).is_cpu()) break;  // threads do not matter on a GPU
    }

    mcvae::ModelBundle model = s.modelPath.empty() ? trained : mcvae::loadBundle(s.modelPath);
    const at::Device device = resolveDevice(s.device);
    at::set_num_threads(1);  // interactive decode runs on the engine thread alone
    const mcvae::DesignGenerator gen(model, device);
    for (int batch : {1, 64}) report.decode.push_back(measureLatency(gen, batch, s.latencyIterations, device.str()));
    return report;
}

}  // namespace ms::experiments
