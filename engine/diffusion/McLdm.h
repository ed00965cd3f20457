#pragma once
// A complete mcLDM: the schema of its conditions (with the normalisation of the numerical
// ones), a first stage, the latent scale that gives the denoiser unit-variance latents, the
// noise schedule and the U-Net. Generation and inpainting live in ImageGeneration.h.
#include <memory>
#include <string>
#include <vector>

#include "core/conditioning/ConditionInput.h"
#include "core/data/Normalization.h"
#include "core/data/Schema.h"
#include "diffusion/DiffusionSampler.h"
#include "diffusion/FirstStage.h"
#include "diffusion/KlAutoencoder.h"
#include "diffusion/McUnet.h"
#include "diffusion/NoiseSchedule.h"

namespace ms::diffusion {

struct McLdm {
    Schema schema;
    Normalization normalization;  // numerical conditions as in the training data
    int64_t imageSize = 64;
    int64_t imageChannels = 1;
    std::shared_ptr<FirstStage> firstStage;
    KlAutoencoder autoencoder{nullptr};  // set when the first stage is the project's own
    double latentScale = 1.0;            // latents are multiplied by this before diffusion
    NoiseSchedule schedule = NoiseSchedule::linear();
    McUnet unet{nullptr};
    std::vector<std::string> concepts;  // names of the learnt concepts, in token order
    std::shared_ptr<class CapturedCalls> capturedCalls;  // CUDA graphs of whole sampling calls (lazy)

    int64_t latentSize() const { return imageSize / firstStage->factor(); }
    at::Device device() const;
    void to(const at::Device& device);
};

// Every condition masked (unknown), `rows` rows: the unconditional branch of guidance.
ConditionInput allMaskedConditions(const McLdm& model, int64_t rows, const at::Device& device);

// eps(x, t) of the U-Net in eval mode under `conditions`; guidance != 1 mixes in the all-masked
// prediction: eps_u + guidance * (eps_c - eps_u) (classifier-free guidance, one batched call).
// extra (cross-attention models): the target shape and concepts of the conditional branch; the
// unconditional branch has neither, so guidance also pushes towards the shape and the concepts.
NoiseModel guidedNoiseModel(McLdm& model, const ConditionInput& conditions, double guidance, const TokenInput& extra = {});

}  // namespace ms::diffusion
