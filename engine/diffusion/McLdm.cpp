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

NoiseModel guidedNoiseModel(McLdm& model, const ConditionInput& conditions, double guidance, const TokenInput& extra) {
    model.unet->eval();
    const int64_t rows = conditions.rows();
    const bool cross = model.unet->config().crossAttention;
    const at::Tensor mask = cross && extra.targetMask.defined()
                                ? extra.targetMask.to(model.device(), at::kFloat).expand({rows, 1, -1, -1}).contiguous()
                                : at::Tensor();
    const at::Tensor concepts = cross && extra.concepts.defined() && model.unet->config().conceptTokens > 0
                                    ? extra.concepts.to(model.device(), at::kFloat).expand({rows, -1}).contiguous()
                                    : at::Tensor();
    const TokenInput tokens(mask, concepts);
    if (guidance == 1.0 || (model.schema.conditionCount() == 0 && !mask.defined() && !concepts.defined()))
        return [&model, conditions, tokens](const at::Tensor& x, const at::Tensor& t) {
            return model.unet->forward(x, t, conditions, tokens);
        };
    const ConditionInput both = concatRows(conditions, allMaskedConditions(model, rows, model.device()));
    const TokenInput bothTokens(mask.defined() ? at::cat({mask, at::zeros_like(mask)}, 0) : at::Tensor(),
                                concepts.defined() ? at::cat({concepts, at::zeros_like(concepts)}, 0) : at::Tensor());
    return [&model, both, bothTokens, guidance](const at::Tensor& x, const at::Tensor& t) {
        const at::Tensor eps = model.unet->forward(at::cat({x, x}, 0), at::cat({t, t}, 0), both, bothTokens);
        const auto parts = eps.chunk(2, 0);
        return parts[1] + guidance * (parts[0] - parts[1]);
    };
}

}  // namespace ms::diffusion
