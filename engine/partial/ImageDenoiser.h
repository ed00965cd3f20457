#pragma once
// The x0-predicting denoiser of method 3 for images: the project's diffusion U-Net
// (diffusion/McUnet) reading the masked noisy image M_ctx ⊙ u_t and the context mask M_ctx as
// separate channels (2 C in) and writing the clean image estimate (C out, its own channels), with
// the design's conditions through the U-Net's masked-condition injection where a data set has
// them. Rows are images flattened channel by channel ([B, C H W]), as the trainer and ensemble
// inference see every model.
#include <torch/nn/module.h>

#include <cstdint>
#include <vector>

#include "diffusion/McUnet.h"
#include "partial/PartialDenoiser.h"

namespace ms::partial {

struct ImageDenoiserConfig {
    int64_t channels = 1;
    int64_t height = 28;
    int64_t width = 28;
    int64_t baseChannels = 32;
    std::vector<int64_t> channelMult{1, 2, 2};  // 28 -> 14 -> 7
    int64_t resBlocks = 1;
    std::vector<int64_t> classCounts;  // categorical conditions; empty: none
    int64_t numericalCount = 0;

    int64_t dims() const { return channels * height * width; }
    diffusion::McUnetConfig unetConfig() const;
};

class ImageDenoiserImpl : public PartialDenoiser {
public:
    explicit ImageDenoiserImpl(ImageDenoiserConfig config);  // throws std::invalid_argument naming the bad field

    int64_t dims() const override { return m_config.dims(); }
    at::Tensor predictClean(const at::Tensor& t, const at::Tensor& maskedState, const at::Tensor& context,
                            const ConditionInput* conditions) override;
    // The U-Net on the CPU runs 12x faster in calls of 32 images than of 8,192 (its activations
    // then stay in cache; measured on 28 x 28, docs/RESULTS.md); a GPU wants large calls.
    int64_t rowsPerCall(const c10::Device& device) const override { return device.is_cuda() ? 8192 : 32; }
    const ImageDenoiserConfig& config() const { return m_config; }

private:
    ImageDenoiserConfig m_config;
    diffusion::McUnet m_unet{nullptr};
};
TORCH_MODULE(ImageDenoiser);

}  // namespace ms::partial
