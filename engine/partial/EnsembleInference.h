#pragma once
// Ensemble inference of the partial-observation denoiser (METHODS.md §3): the network was only
// ever asked to predict entries outside a context C ⊆ M, so completions average it over several
// contexts. Single step: a small noise level, K contexts C_k ⊆ M, the mean of the K predictions,
// observed entries copied through exactly. Multi-step: DDIM whose x0 estimate mixes
// omega_t E[u_0 | u_t] (K random masks from the data's own mask distribution) with
// (1 - omega_t) E[u_0 | u_obs, M] (the single-step estimate); the noise is merged as
// eps = M ⊙ eps_obs + (1 - M) ⊙ eps_unobs, so observed entries follow their own forward process
// from the known values. All K members of a row go through the network as one batch.
//
// The omega schedule. The seed has omega "monotonically increasing 0 -> 1"; read along the
// sampling run (default "alphabar", omega_t = alpha_bar_t: 0 at t = T, 1 at t = 0) the run starts
// from the observation-conditioned mean and ends on E[u_0 | u_t], a sample of the posterior.
// Read along diffusion time ("1-alphabar", omega_t = 1 - alpha_bar_t) the last step's estimate is
// (1 - alpha_bar_0 ~ 1e-4) the single-step mean itself: the run returns that mean whatever the
// trajectory (measured: the same MSE as single step, n times the time). Both are settings.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/conditioning/ConditionInput.h"
#include "diffusion/NoiseSchedule.h"
#include "partial/ContextMasks.h"
#include "partial/PartialDenoiser.h"

namespace ms::partial {

enum class OmegaSchedule { AlphaBar, OneMinusAlphaBar, Linear };
std::string omegaScheduleName(OmegaSchedule omega);
OmegaSchedule parseOmegaSchedule(const std::string& name);  // "alphabar", "1-alphabar", "linear"; throws std::invalid_argument

struct EnsembleSettings {
    int64_t members = 16;       // K
    int64_t steps = 0;          // 0: single step; n >= 2: n DDIM steps
    int64_t smallNoiseStep = 5;  // the single step's timestep (a small noise level)
    OmegaSchedule omega = OmegaSchedule::AlphaBar;
    int64_t chunkRows = 0;      // most rows x members per network call; 0: the network's rowsPerCall
                                // (a U-Net on the CPU is 12x faster in calls of 32 rows than of 8,192)
    uint64_t seed = 0;
    // Work II with observation-aligned guidance (partial/GuidedContexts): [rows, k, D] prior draws
    // per completed row, guided by its own mask. Defined: member j's context in the single-step
    // estimate E[u_0 | u_obs, M] is M_hat ⊙ M with M_hat the row's draw j mod k (the model's rule
    // and pool unused there; the multi-step estimate E[u_0 | u_t] keeps them).
    at::Tensor rowPriorMasks;
};

// The data's observation-mask distribution, as independent per-group observation rates (what the
// multi-step estimate E[u_0 | u_t] draws its masks from).
struct MaskDistribution {
    std::vector<int64_t> groupOf;   // as ContextSettings::groupOf (empty: one group per entry)
    std::vector<double> groupRate;  // probability that each group is observed

    static MaskDistribution measure(const at::Tensor& observed, const std::vector<int64_t>& groupOf);
    at::Tensor draw(int64_t rows, int64_t entries, at::Generator& generator) const;  // [rows, entries] float 0/1
};

// What inference needs of a trained model.
struct PartialModelParts {
    std::shared_ptr<PartialDenoiser> net;
    diffusion::NoiseSchedule schedule;
    ContextSettings context;
    MaskDistribution masks;
};

// values, observed: [B, D] (anything where unobserved); conditions: nullptr or B rows.
// Returns [B, D]: observed entries exactly as given, the others completed. Throws
// std::invalid_argument for bad settings (members < 1, steps 1, small noise step out of range).
at::Tensor ensembleComplete(const PartialModelParts& model, const at::Tensor& values, const at::Tensor& observed,
                            const ConditionInput* conditions, const EnsembleSettings& settings);

}  // namespace ms::partial
