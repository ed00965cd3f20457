#pragma once
// What the trainer and ensemble inference of method 3 ask of a network: an x0-predicting
// denoiser u_phi(t, M_ctx ⊙ u_t, M_ctx [, conditions]) over rows of `dims()` entries (a design
// vector, or an image's pixels flattened channel by channel). Epsilon is undefined on
// masked-out inputs, so the network predicts u_0 itself. VectorDenoiser (an MLP) and
// ImageDenoiser (the diffusion U-Net) implement it.
#include <torch/nn/module.h>

#include <cstdint>

#include "core/conditioning/ConditionInput.h"

namespace ms::partial {

class PartialDenoiser : public torch::nn::Module {
public:
    ~PartialDenoiser() override = default;

    virtual int64_t dims() const = 0;  // entries per row
    // t: [B] step indices; maskedState: M_ctx ⊙ u_t, [B, dims]; context: M_ctx, [B, dims] float
    // 0/1; conditions: nullptr or B rows (required when the network has conditions). Returns the
    // estimate of u_0, [B, dims].
    virtual at::Tensor predictClean(const at::Tensor& t, const at::Tensor& maskedState, const at::Tensor& context,
                                    const ConditionInput* conditions) = 0;
    // Rows per call that keep inference fast on `device` (ensemble inference splits its batch).
    virtual int64_t rowsPerCall(const c10::Device& device) const {
        (void)device;
        return 8192;
    }
};

}  // namespace ms::partial
