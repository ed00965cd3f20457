#include "diffusion/NoiseSchedule.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace ms::diffusion {

NoiseSchedule NoiseSchedule::linear(int64_t steps, double betaStart, double betaEnd) {
    if (steps < 2) throw std::invalid_argument("noise schedule: need at least 2 steps, got " + std::to_string(steps));
    if (!(betaStart > 0.0 && betaEnd < 1.0 && betaStart <= betaEnd))
        throw std::invalid_argument("noise schedule: need 0 < beta_start <= beta_end < 1");
    NoiseSchedule s;
    s.steps = steps;
    s.betaStart = betaStart;
    s.betaEnd = betaEnd;
    s.alphaBar.resize(static_cast<std::size_t>(steps));
    double prod = 1.0;
    for (int64_t t = 0; t < steps; ++t) {
        const double beta = betaStart + (betaEnd - betaStart) * static_cast<double>(t) / static_cast<double>(steps - 1);
        prod *= 1.0 - beta;
        s.alphaBar[static_cast<std::size_t>(t)] = prod;
    }
    return s;
}

at::Tensor NoiseSchedule::addNoise(const at::Tensor& x0, const at::Tensor& t, const at::Tensor& noise) const {
    const at::Tensor table = at::tensor(alphaBar, at::kDouble).to(x0.device(), x0.scalar_type());
    std::vector<int64_t> shape(static_cast<std::size_t>(x0.dim()), 1);
    shape[0] = x0.size(0);
    const at::Tensor ab = table.index_select(0, t.to(x0.device())).view(shape);
    return ab.sqrt() * x0 + (1.0 - ab).sqrt() * noise;
}

at::Tensor gaussianNoiseLike(const at::Tensor& like, at::Generator& generator, const BatchShard& shard) {
    std::vector<int64_t> shape = like.sizes().vec();
    if (!shape.empty()) shape[0] = shard.drawnRows(shape[0]);
    return shard.ofGlobal(at::randn(shape, generator, like.options().device(at::kCPU))).to(like.device());
}

std::vector<int64_t> spacedTimesteps(int64_t steps, int64_t count) {
    if (count < 1 || count > steps)
        throw std::invalid_argument("sampler steps must be in 1.." + std::to_string(steps) + ", got " +
                                    std::to_string(count));
    std::vector<int64_t> ts;
    for (int64_t i = count - 1; i >= 0; --i) {
        const double frac = count == 1 ? 1.0 : static_cast<double>(i) / static_cast<double>(count - 1);
        ts.push_back(static_cast<int64_t>(std::llround(frac * static_cast<double>(steps - 1))));
    }
    return ts;
}

}  // namespace ms::diffusion
