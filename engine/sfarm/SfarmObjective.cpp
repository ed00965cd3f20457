#include "sfarm/SfarmObjective.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

namespace ms::sfarm {

TrainingMasks drawTrainingMasks(int64_t batch, const ElementGrid& grid, const std::vector<MaskingMode>& modes,
                                std::mt19937_64& rng) {
    if (modes.empty()) throw std::invalid_argument("at least one masking mode is needed");
    const int64_t S = grid.size();
    at::Tensor active = at::zeros({batch, S});
    at::Tensor step = at::empty({batch}, at::kLong), mode = at::empty({batch}, at::kLong);
    float* a = active.data_ptr<float>();
    int64_t* st = step.data_ptr<int64_t>();
    int64_t* md = mode.data_ptr<int64_t>();
    std::uniform_int_distribution<size_t> pickMode(0, modes.size() - 1);
    std::uniform_int_distribution<int64_t> pickStep(1, S);
    for (int64_t b = 0; b < batch; ++b) {
        const MaskingMode m = modes[pickMode(rng)];
        const int64_t i = pickStep(rng);
        const ActivationOrder order = sampleOrder(m, grid, rng);
        for (int64_t t = 0; t < i - 1; ++t) a[b * S + order.order[static_cast<size_t>(t)]] = 1.0f;
        st[b] = i;
        md[b] = static_cast<int64_t>(m);
    }
    return {active, step, mode};
}

at::Tensor sfarmLoss(const at::Tensor& logDensity, const at::Tensor& observed, const TrainingMasks& masks) {
    const auto S = static_cast<double>(logDensity.size(1));
    const at::Tensor weight = S / (S - masks.step.to(logDensity.scalar_type()) + 1.0);  // [B]
    const at::Tensor scored = (1 - masks.active) * observed;
    const at::Tensor nll = -(logDensity * scored).sum(1);
    return (weight * nll).mean();
}

}  // namespace ms::sfarm
