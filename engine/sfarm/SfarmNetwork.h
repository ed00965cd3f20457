#pragma once
// What the SFARM objective, trainer and samplers need from a network, whatever its architecture
// (the MLP for vectors, the U-Net for images): f(x ⊙ z, z, i, m) -> a distribution per element,
// read either as log densities of given values or as draws.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace ms::sfarm {

class SfarmNetwork {
public:
    virtual ~SfarmNetwork() = default;

    virtual int64_t elementCount() const = 0;  // S
    // x: [B, S] (values of inactive elements are ignored), active: [B, S] {0, 1} float,
    // step: [B] long in 1..S (the step being generated), mode: [B] long (MaskingMode).
    // log p(x_k | x ⊙ active, step, mode) for every element k, [B, S].
    virtual at::Tensor elementLogDensity(const at::Tensor& x, const at::Tensor& active, const at::Tensor& step,
                                         const at::Tensor& mode) const = 0;
    // A value for every element, [B, S]: a draw (sample) or the point estimate. truncation > 0
    // keeps continuous draws within +-truncation sd where the likelihood has one.
    virtual at::Tensor elementDraw(const at::Tensor& x, const at::Tensor& active, const at::Tensor& step,
                                   const at::Tensor& mode, bool sample, at::Generator& gen, double truncation) const = 0;
    // Whether element k takes continuous values (bounds such as a training range apply to it).
    virtual bool continuousElement(int64_t k) const = 0;

    virtual std::vector<at::Tensor> trainableParameters() = 0;
    virtual void setTraining(bool on) = 0;
};

}  // namespace ms::sfarm
