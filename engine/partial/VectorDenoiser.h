#pragma once
// The x0-predicting denoiser for vectors (keypoints + extra outputs) of method 3:
// u_phi(t, M_ctx ⊙ u_t, M_ctx [, conditions]) -> an estimate of the clean vector u_0. Epsilon is
// undefined on masked-out inputs, so the network predicts u_0 itself. A residual MLP: the masked
// state, the mask, sinusoidal timestep features and (where the data set has conditions) the
// masked-condition embedding go in; every block gets the timestep as a learned shift.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <cstdint>
#include <vector>

#include "core/conditioning/ConditionEmbedding.h"
#include "core/conditioning/ConditionInput.h"
#include "partial/PartialDenoiser.h"

namespace ms::partial {

struct VectorDenoiserConfig {
    int64_t dims = 0;       // entries of the vector
    int64_t hidden = 256;   // units per layer
    int64_t blocks = 3;     // residual blocks
    int64_t timeDim = 64;   // sinusoidal timestep features
    std::vector<int64_t> classCounts;  // categorical conditions (classes each); empty: none
    int64_t numericalCount = 0;        // numerical conditions
    int64_t conditionDim = 16;         // embedding width per condition
    bool hasConditions() const { return !classCounts.empty() || numericalCount > 0; }
};

class VectorDenoiserImpl : public PartialDenoiser {
public:
    explicit VectorDenoiserImpl(VectorDenoiserConfig config);  // throws std::invalid_argument

    int64_t dims() const override { return m_config.dims; }
    at::Tensor predictClean(const at::Tensor& t, const at::Tensor& maskedState, const at::Tensor& context,
                            const ConditionInput* conditions) override {
        return forward(t, maskedState, context, conditions);
    }

    // t: [B] step indices; maskedState: M_ctx ⊙ u_t, [B, D]; context: M_ctx, [B, D] float 0/1;
    // conditions: nullptr or [B] rows (required when the config has conditions). Returns [B, D].
    at::Tensor forward(const at::Tensor& t, const at::Tensor& maskedState, const at::Tensor& context,
                       const ConditionInput* conditions);

    const VectorDenoiserConfig& config() const { return m_config; }

private:
    VectorDenoiserConfig m_config;
    torch::nn::Linear input{nullptr}, time{nullptr}, output{nullptr};
    torch::nn::ModuleList blockFirst, blockSecond, blockTime, blockNorm;
    torch::nn::LayerNorm outputNorm{nullptr};
    ConditionEmbedding embedding{nullptr};
};
TORCH_MODULE(VectorDenoiser);

}  // namespace ms::partial
