#pragma once
// The three generative models of the Fashion-MNIST imputation comparison (issue 5, seed 002
// §4.1), trained on the same grey-level images and used through one interface:
//   sfarm  the SFARM U-Net (sfarm/SfarmUnet), all seven masking modes, discretised logistic;
//   miwae  MIWAE (baselines/Miwae), Gaussian decoder over the pixels, K importance samples;
//   ddpm   an unconditional DDPM on the pixels (the diffusion U-Net with no condition), which
//          imputes through RePaint (diffusion/DiffusionSampler).
// One file format, "maskstudio-pixel-model", holds any of them.
#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>

#include "baselines/Miwae.h"
#include "core/runtime/CancelToken.h"
#include "core/training/DataParallelGroup.h"
#include "core/training/TrainingProgress.h"
#include "diffusion/DiffusionSampler.h"
#include "diffusion/McUnet.h"
#include "sfarm/SfarmUnet.h"

namespace ms::experiments {

enum class PixelMethod { Sfarm, Miwae, Ddpm };
const char* pixelMethodName(PixelMethod method);
PixelMethod parsePixelMethod(const std::string& name);  // throws std::invalid_argument listing the names

struct PixelModel {
    PixelMethod method = PixelMethod::Sfarm;
    int64_t height = 28, width = 28;
    sfarm::SfarmUnet sfarm{nullptr};
    baselines::Miwae miwae{nullptr};
    diffusion::McUnet ddpm{nullptr};
    nlohmann::json training;  // settings and losses of the run that made it
};

struct PixelTrainSettings {
    PixelMethod method = PixelMethod::Sfarm;
    int64_t epochs = 10;
    int64_t batchSize = 64;
    double lr = 1e-3;
    uint64_t seed = 0;
    int64_t baseChannels = 32;     // SFARM and DDPM U-Nets
    int64_t resBlocks = 1;         // per level (1: twice the steps of 2 in the same CPU time)
    int64_t miwaeHidden = 256;
    int64_t miwaeLatent = 32;
    int64_t importanceSamples = 20;
    std::string device = "cpu";    // the DDPM trains there (cpu | cuda | auto); SFARM and MIWAE on the CPU
    DataParallelGroup* group = nullptr;  // several processes (MinibatchSettings::group); null: one
};


// images: [N, H, W] uint8 (or float grey levels in [0, 1]). observed: undefined (every pixel
// observed) or [N, H*W] bool: MIWAE's bound then counts the observed pixels only; SFARM and the
// DDPM take complete images and refuse it (zero-fill the images for a DDPM "as if complete").
// Throws std::runtime_error when the loss diverges (naming the epoch); a cancelled run returns the
// model as far as it got.
PixelModel trainPixelModel(const at::Tensor& images, const PixelTrainSettings& settings, const EpochLossFn& onEpoch,
                           const CancelToken& cancel, const at::Tensor& observed = at::Tensor());

void savePixelModel(const PixelModel& model, const std::string& path);
PixelModel loadPixelModel(const std::string& path);  // BundleError naming the path

struct PixelImputeSettings {
    int64_t sfarmSteps = 0;   // S' network calls (0: one pixel per call)
    int64_t miwaeProposals = 1000;
    bool miwaeMean = false;   // MIWAE: its single imputation (importance-weighted decoder mean) instead of a draw
    diffusion::RepaintSettings repaint{50, 10, 5};
    uint64_t seed = 0;
};

// images [N, H*W] float grey levels in [0, 1], observed [N, H*W] bool. One conditional sample per
// image (MIWAE with miwaeMean: its point imputation), [N, H*W] in [0, 1] on the CPU, equal to the
// input wherever observed. A DDPM imputes on the device its weights are on.
at::Tensor imputePixels(const PixelModel& model, const at::Tensor& images, const at::Tensor& observed,
                        const PixelImputeSettings& settings);

// Grey levels in [0, 1], [N, H*W] float, from [N, H, W] uint8.
at::Tensor greyLevels(const at::Tensor& images);

}  // namespace ms::experiments
