#include "experiments/PixelImputationBenchmark.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

#include "core/runtime/Stopwatch.h"

namespace ms::experiments {

const char* pixelMaskKindName(PixelMaskKind kind) { return kind == PixelMaskKind::Uniform ? "uniform" : "block"; }

PixelMaskKind parsePixelMaskKind(const std::string& name) {
    if (name == "uniform") return PixelMaskKind::Uniform;
    if (name == "block") return PixelMaskKind::Block;
    throw std::invalid_argument("unknown mask kind '" + name + "' (uniform, block)");
}

at::Tensor pixelObservedMask(PixelMaskKind kind, int64_t n, int64_t h, int64_t w, double missingRate,
                             std::mt19937_64& rng) {
    if (!(missingRate >= 0.0 && missingRate <= 1.0)) throw std::invalid_argument("missing rate must lie in [0, 1]");
    const int64_t S = h * w;
    at::Tensor observed = at::ones({n, S}, at::kBool);
    bool* o = observed.data_ptr<bool>();
    std::vector<int64_t> pixels(static_cast<std::size_t>(S));
    for (int64_t i = 0; i < n; ++i) {
        bool* row = o + i * S;
        if (kind == PixelMaskKind::Uniform) {
            std::iota(pixels.begin(), pixels.end(), int64_t{0});
            std::shuffle(pixels.begin(), pixels.end(), rng);
            const auto missing = static_cast<int64_t>(std::llround(missingRate * static_cast<double>(S)));
            for (int64_t k = 0; k < missing; ++k) row[pixels[static_cast<std::size_t>(k)]] = false;
        } else {
            const int64_t side = std::min<int64_t>(std::min(h, w), std::llround(std::sqrt(missingRate * static_cast<double>(S))));
            if (side == 0) continue;
            const int64_t top = std::uniform_int_distribution<int64_t>(0, h - side)(rng);
            const int64_t left = std::uniform_int_distribution<int64_t>(0, w - side)(rng);
            for (int64_t r = top; r < top + side; ++r)
                for (int64_t c = left; c < left + side; ++c) row[r * w + c] = false;
        }
    }
    return observed;
}

double missingPixelMse(const at::Tensor& imputed, const at::Tensor& images, const at::Tensor& observed) {
    const at::Tensor missing = observed.to(at::kBool).logical_not();
    const int64_t count = missing.sum().item<int64_t>();
    if (count == 0) return std::numeric_limits<double>::quiet_NaN();
    return ((imputed - images).pow(2) * missing.to(at::kFloat)).sum().item<double>() / static_cast<double>(count);
}

std::vector<PixelImputationCell> runPixelImputationBenchmark(const std::vector<const PixelModel*>& models,
                                                             const at::Tensor& images,
                                                             const PixelBenchmarkSettings& settings,
                                                             const CancelToken& cancel) {
    if (models.empty()) throw std::invalid_argument("pixel benchmark: no model given");
    const int64_t h = models.front()->height, w = models.front()->width;
    for (const PixelModel* m : models)
        if (m->height != h || m->width != w) throw std::invalid_argument("pixel benchmark: the models' image sizes differ");
    std::vector<PixelImputationCell> cells;
    for (PixelMaskKind kind : settings.kinds) {
        for (double rate : settings.missingRates) {
            // One mask set per kind and rate, the same for every model.
            std::mt19937_64 rng(settings.maskSeed * 1000003u + static_cast<uint64_t>(std::llround(rate * 1000.0)) * 2u +
                                (kind == PixelMaskKind::Block ? 1u : 0u));
            const at::Tensor observed = pixelObservedMask(kind, images.size(0), h, w, rate, rng);
            const double share = 1.0 - observed.to(at::kFloat).mean().item<double>();
            for (const PixelModel* m : models) {
                if (cancel.cancelled()) return cells;
                const Stopwatch start;
                const at::Tensor filled = imputePixels(*m, images, observed, settings.impute);
                PixelImputationCell cell{kind, rate, share, m->method, missingPixelMse(filled, images, observed), start.seconds()};
                cells.push_back(cell);
                if (settings.log)
                    settings.log(std::string(pixelMaskKindName(kind)) + " " + std::to_string(rate) + " " +
                                 pixelMethodName(m->method) + ": MSE " + std::to_string(cell.mse) + " (" +
                                 std::to_string(cell.seconds) + " s)");
            }
        }
    }
    return cells;
}

std::vector<SfarmSpeedPoint> runSfarmSpeedBenchmark(const PixelModel& sfarm, const at::Tensor& images,
                                                    const std::vector<int64_t>& steps, double missingRate,
                                                    uint64_t seed) {
    if (sfarm.method != PixelMethod::Sfarm) throw std::invalid_argument("the speed benchmark needs an SFARM pixel model");
    std::mt19937_64 rng(seed);
    const at::Tensor observed =
        pixelObservedMask(PixelMaskKind::Uniform, images.size(0), sfarm.height, sfarm.width, missingRate, rng);
    std::vector<SfarmSpeedPoint> points;
    for (int64_t s : steps) {
        PixelImputeSettings settings;
        settings.sfarmSteps = s;
        settings.seed = seed;
        const Stopwatch start;
        const at::Tensor filled = imputePixels(sfarm, images, observed, settings);
        const double seconds = start.seconds();
        const double mse = missingRate >= 1.0 ? std::numeric_limits<double>::quiet_NaN()
                                              : missingPixelMse(filled, images, observed);
        points.push_back({s, seconds, mse});
    }
    return points;
}

}  // namespace ms::experiments
