#include "mcvae/McVaeSearchSpace.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ms::mcvae {

namespace {

// Portable draws (the std:: distributions differ between standard libraries).
double uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }
double uniform(std::mt19937_64& rng, double lo, double hi) { return lo + (hi - lo) * uniform(rng); }
double logUniform(std::mt19937_64& rng, double lo, double hi) { return std::exp(uniform(rng, std::log(lo), std::log(hi))); }
int64_t logUniformInt(std::mt19937_64& rng, int64_t lo, int64_t hi) {
    return std::clamp<int64_t>(std::llround(logUniform(rng, static_cast<double>(lo), static_cast<double>(hi) + 0.499)), lo, hi);
}

int64_t batchesPerEpoch(int64_t rows, int64_t batch) { return (rows + batch - 1) / std::max<int64_t>(batch, 1); }

}  // namespace

Preset sampleMcVaeSettings(const Preset& base, int64_t trainRows, std::mt19937_64& rng) {
    Preset p = base;
    McVaeConfig& a = p.architecture;
    a.inputEmbedding = logUniformInt(rng, 16, 256);
    a.conditionEmbedding = logUniformInt(rng, 2, 32);
    const int64_t depth = 2 + static_cast<int64_t>(uniform(rng) * 3.0);  // 2..4
    int64_t width = logUniformInt(rng, 32, 512);
    a.encoderHidden.clear();
    for (int64_t l = 0; l < depth; ++l, width = std::max<int64_t>(8, width / 2)) a.encoderHidden.push_back(width);
    a.latentDim = logUniformInt(rng, 2, 32);

    TrainingConfig& t = p.training;
    t.batchSize = logUniformInt(rng, 16, std::max<int64_t>(16, std::min<int64_t>(512, trainRows)));
    const int64_t updates = logUniformInt(rng, 3000, 40000);
    t.epochs = std::max<int64_t>(1, (updates + batchesPerEpoch(trainRows, t.batchSize) - 1) / batchesPerEpoch(trainRows, t.batchSize));
    t.lrStepEpochs = std::max<int64_t>(1, t.epochs / 5);
    t.updates = 0;  // the epochs are this draw's, for this data
    t.adamw.lr = logUniform(rng, 3e-4, 1e-2);
    t.klWeight = 1.0 - logUniform(rng, 0.002, 0.5);
    const bool linear = uniform(rng) < 0.5;
    t.sparsity.kind = linear ? ScheduleKind::Linear : ScheduleKind::Constant;
    t.sparsity.start = uniform(rng, 0.0, 0.6);
    t.sparsity.end = linear ? uniform(rng, 0.0, 0.8) : t.sparsity.start;
    return p;
}

std::string describeMcVaeSettings(const Preset& p, int64_t trainRows) {
    const McVaeConfig& a = p.architecture;
    const TrainingConfig& t = p.training;
    std::string widths;
    for (int64_t w : a.encoderHidden) widths += (widths.empty() ? "" : "-") + std::to_string(w);
    const int64_t batch = std::min(t.batchSize, std::max<int64_t>(trainRows, 1));
    const int64_t updates = t.epochs * batchesPerEpoch(trainRows, batch);
    char line[320];
    std::snprintf(line, sizeof line, "embed %lld, cond %lld, enc %s, z %lld, batch %lld, %lld updates (%lld epochs), lr %.1e, KL %.3f, %s",
                  static_cast<long long>(a.inputEmbedding), static_cast<long long>(a.conditionEmbedding), widths.c_str(),
                  static_cast<long long>(a.latentDim), static_cast<long long>(batch), static_cast<long long>(updates),
                  static_cast<long long>(t.epochs), t.adamw.lr, t.klWeight, t.sparsity.describe().c_str());
    return line;
}

}  // namespace ms::mcvae
