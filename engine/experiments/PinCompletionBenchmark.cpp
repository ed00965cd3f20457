#include "experiments/PinCompletionBenchmark.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/conditioning/ConditionValues.h"
#include "core/runtime/Stopwatch.h"

namespace ms::experiments {

namespace {

double distance(const std::vector<double>& a, const std::vector<double>& b, const std::vector<bool>& free) {
    double sum = 0.0;
    for (std::size_t d = 0; d < a.size(); ++d)
        if (free[d]) sum += (a[d] - b[d]) * (a[d] - b[d]);
    return std::sqrt(sum);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

}  // namespace

std::vector<PinCompletionRow> benchmarkPinCompletions(const sfarm::DesignSfarm& model, const DesignTable& designs,
                                                      const std::vector<int>& pinnedKeypoints, const std::vector<int>& steps,
                                                      int rows, int samples, uint64_t seed) {
    const Schema& schema = model.schema();
    if (designs.outputDim != schema.outputDim()) throw std::invalid_argument("the designs do not fit the model's schema");
    if (steps.empty() || samples < 2 || rows < 1) throw std::invalid_argument("need steps, at least 2 samples and 1 row");
    const std::size_t dims = designs.outputDim;
    std::vector<bool> free(dims, true);
    for (int k : pinnedKeypoints) {
        if (k < 0 || 2 * static_cast<std::size_t>(k) + 1 >= dims) throw std::invalid_argument("pinned keypoint out of range");
        free[2 * static_cast<std::size_t>(k)] = free[2 * static_cast<std::size_t>(k) + 1] = false;
    }
    const auto n = static_cast<std::size_t>(std::min<std::size_t>(static_cast<std::size_t>(rows), designs.rows));
    std::vector<PinCompletionRow> out(steps.size());
    std::vector<std::vector<double>> scores(steps.size(), std::vector<double>(n));
    std::vector<std::vector<double>> times(steps.size());
    std::vector<double> squaredError(steps.size(), 0.0);
    std::size_t freeCount = 0;
    for (bool f : free) freeCount += f ? 1 : 0;
    for (std::size_t r = 0; r < n; ++r) {
        const std::vector<double> truth(designs.outputs.begin() + static_cast<std::ptrdiff_t>(r * dims),
                                        designs.outputs.begin() + static_cast<std::ptrdiff_t>((r + 1) * dims));
        sfarm::PartialDesign partial{ConditionValues::allUnknown(schema), std::vector<double>(dims, std::numeric_limits<double>::quiet_NaN())};
        for (std::size_t d = 0; d < dims; ++d)
            if (!free[d]) partial.outputs[d] = truth[d];
        for (std::size_t s = 0; s < steps.size(); ++s) {
            const Stopwatch clock;
            const sfarm::ImputedDesigns done = model.impute(partial, samples, seed + r, steps[s]);
            times[s].push_back(clock.milliseconds());
            const auto& x = done.designs;
            double toTruth = 0.0, between = 0.0;
            std::vector<double> mean(dims, 0.0);
            for (std::size_t i = 0; i < x.size(); ++i) {
                toTruth += distance(x[i], truth, free);
                for (std::size_t j = i + 1; j < x.size(); ++j) between += distance(x[i], x[j], free);
                for (std::size_t d = 0; d < dims; ++d) mean[d] += x[i][d] / static_cast<double>(x.size());
            }
            const auto m = static_cast<double>(x.size());
            scores[s][r] = toTruth / m - between / (m * m);  // (1/m) sum ||x_i - y|| - (1/2m^2) sum_{i,j} ||x_i - x_j||
            for (std::size_t d = 0; d < dims; ++d)
                if (free[d]) squaredError[s] += (mean[d] - truth[d]) * (mean[d] - truth[d]);
        }
    }
    for (std::size_t s = 0; s < steps.size(); ++s) {
        PinCompletionRow& row = out[s];
        row.steps = steps[s];
        row.milliseconds = median(times[s]);
        double sum = 0.0, diff = 0.0, diff2 = 0.0;
        for (std::size_t r = 0; r < n; ++r) {
            sum += scores[s][r];
            const double d = scores[s][r] - scores[0][r];
            diff += d;
            diff2 += d * d;
        }
        const auto count = static_cast<double>(n);
        row.energyScore = sum / count;
        row.scoreDiff = diff / count;
        row.scoreDiffSe = n > 1 ? std::sqrt(std::max(0.0, diff2 / count - row.scoreDiff * row.scoreDiff) / (count - 1)) : 0.0;
        row.rmse = std::sqrt(squaredError[s] / (count * static_cast<double>(std::max<std::size_t>(freeCount, 1))));
    }
    return out;
}

}  // namespace ms::experiments
