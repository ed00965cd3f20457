#include "experiments/ObservationScenarios.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "experiments/PixelImputationBenchmark.h"

namespace ms::experiments {

at::Tensor scenarioMasks(const std::string& scenario, int64_t n, int64_t h, int64_t w, std::mt19937_64& rng) {
    if (scenario == "iid") return pixelObservedMask(PixelMaskKind::Uniform, n, h, w, kScenarioIidMissing, rng).to(at::kFloat);
    if (scenario == "block") return pixelObservedMask(PixelMaskKind::Block, n, h, w, kScenarioBlockShare, rng).to(at::kFloat);
    if (scenario == "mixture") {
        const at::Tensor iid = pixelObservedMask(PixelMaskKind::Uniform, n, h, w, kScenarioMixtureIidMissing, rng).to(at::kFloat);
        const at::Tensor block = pixelObservedMask(PixelMaskKind::Block, n, h, w, kScenarioBlockShare, rng).to(at::kFloat);
        std::bernoulli_distribution half(0.5);
        std::vector<float> pick(static_cast<std::size_t>(n));
        for (float& p : pick) p = half(rng) ? 1.0F : 0.0F;
        const at::Tensor byBlock = at::tensor(pick).view({n, 1});
        return byBlock * block + (1.0 - byBlock) * iid;
    }
    throw std::invalid_argument("unknown scenario '" + scenario + "' (iid, block, mixture)");
}

int64_t scenarioBlockSide(int64_t h, int64_t w) {
    return std::min<int64_t>(std::min(h, w), std::llround(std::sqrt(kScenarioBlockShare * static_cast<double>(h * w))));
}

partial::ContextSettings scenarioContext(const std::string& scenario, double delta, int64_t h, int64_t w) {
    partial::ContextSettings c;
    c.delta = delta;
    c.image = {1, h, w};
    c.blockSide = scenarioBlockSide(h, w);
    c.blockShare = scenario == "block" ? 1.0 : scenario == "mixture" ? 0.5 : 0.0;
    return c;
}

}  // namespace ms::experiments
