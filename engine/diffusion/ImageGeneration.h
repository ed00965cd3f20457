#pragma once
// Image generation and inpainting with an mcLDM: conditions (any subset known) -> latents by a
// sampler with classifier-free guidance -> images through the first stage. Images are
// [B, C, H, W] floats in [-1, 1] on the model's device.
#include <cstdint>
#include <functional>

#include "core/runtime/CancelToken.h"
#include "diffusion/McLdm.h"

namespace ms::diffusion {

struct ImageGenerationSettings {
    SamplerSettings sampler;
    RepaintSettings repaint;  // inpainting only
    double guidance = 1.0;    // 1 = plain conditional model; > 1 pushes towards the conditions
    uint64_t seed = 0;
    int64_t previewEvery = 0;  // decode a preview every N steps (0 = no previews)
    // Target shape ([1 or B, 1, H, W] in {0, 1}, image size) for a cross-attention model; undefined: none.
    at::Tensor targetMask;
    at::Tensor concepts;  // [1 or B, concept count] float: 1 = use that learnt concept
};

// (steps done, steps total, decoded preview images; undefined between previews).
using ImagePreview = std::function<void(int64_t done, int64_t total, const at::Tensor& images)>;

struct ImageResult {
    at::Tensor images;  // [B, C, H, W] in [-1, 1]
    bool cancelled = false;
    int64_t stepsDone = 0;
};

// One image per row of `conditions`; the row's seed is settings.seed (initial noise for all rows
// drawn from one generator, so the same seed and conditions give the same images). A cancelled
// token stops it after the current step (the images decoded from the last prediction).
ImageResult generateImages(McLdm& model, const ConditionInput& conditions, const ImageGenerationSettings& settings,
                           const ImagePreview& onPreview = {}, const CancelToken& cancel = CancelToken());

// RePaint in latent space: pixels where regenerate > 0.5 ([B or 1, 1, H, W]) are generated, the
// latent cells they touch are re-sampled, and the result is pasted so every pixel outside the
// region equals `images` exactly.
ImageResult inpaintImages(McLdm& model, const at::Tensor& images, const at::Tensor& regenerate,
                          const ConditionInput& conditions, const ImageGenerationSettings& settings,
                          const ImagePreview& onPreview = {}, const CancelToken& cancel = CancelToken());

}  // namespace ms::diffusion
