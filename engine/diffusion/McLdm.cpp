#include "diffusion/McLdm.h"

#include <ATen/ATen.h>

namespace ms::diffusion {
namespace {

ConditionInput concatRows(const ConditionInput& a, const ConditionInput& b) {
    return ConditionInput{at::cat({a.categorical, b.categorical}, 0), at::cat({a.numerical, b.numerical}, 0),
                          at::cat({a.numericalKnown, b.numericalKnown}, 0)};
}

}  // namespace

at::Device McLdm::device() const { return unet->parameters().front().device(); }

void McLdm::to(const at::Device& device) {
    unet->to(device);
    if (firstStage) firstStage->toDevice(device);
}

ConditionInput allMaskedConditions(const McLdm& model, int64_t rows, const at::Device& device) {
    const auto c = static_cast<int64_t>(model.schema.categorical.size());
    const auto m = static_cast<int64_t>(model.schema.numerical.size());
    const auto opts = at::TensorOptions().device(device);
    return ConditionInput{at::full({rows, c}, -1, opts.dtype(at::kLong)), at::zeros({rows, m}, opts.dtype(at::kFloat)),
                          at::zeros({rows, m}, opts.dtype(at::kFloat))};
}

NoiseModel guidedNoiseModel(McLdm& model, const ConditionInput& conditions, double guidance, const at::Tensor& targetMask) {
    model.unet->eval();
    const at::Tensor mask = targetMask.defined() && model.unet->config().crossAttention
                                ? targetMask.to(model.device(), at::kFloat).expand({conditions.rows(), 1, -1, -1}).contiguous()
                                : at::Tensor();
    if (guidance == 1.0 || (model.schema.conditionCount() == 0 && !mask.defined()))
        return [&model, conditions, mask](const at::Tensor& x, const at::Tensor& t) {
            return model.unet->forward(x, t, conditions, mask);
        };
    const ConditionInput both = concatRows(conditions, allMaskedConditions(model, conditions.rows(), model.device()));
    const at::Tensor bothMasks = mask.defined() ? at::cat({mask, at::zeros_like(mask)}, 0) : at::Tensor();
    return [&model, both, bothMasks, guidance](const at::Tensor& x, const at::Tensor& t) {
        const at::Tensor eps = model.unet->forward(at::cat({x, x}, 0), at::cat({t, t}, 0), both, bothMasks);
        const auto parts = eps.chunk(2, 0);
        return parts[1] + guidance * (parts[0] - parts[1]);
    };
}

}  // namespace ms::diffusion
