#pragma once
// Observation-aligned contexts (METHODS.md §3, seed 003 Work II with guidance). The plain
// intersection M_ctx = M_hat ⊙ M, M_hat an unconditional prior draw, can overlap a row's own M too
// little and leave it a sparse context. Drawing M_hat from the prior guided towards the row's M
// (partial/MaskPrior: anchors a_i = 1[r_i < rho] M_i, gradient guidance or the gradient-free clamp)
// keeps at least the anchors in the context, and the rest follows the data's kind of mask. A
// row's draws are made once, before training (a few per row) or before inference (one per
// ensemble member), like the pool of unguided draws, so the BFN's sampler stays out of every step.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>

#include "partial/MaskPrior.h"

namespace ms::partial {

struct GuidedContextSettings {
    int64_t drawsPerRow = 4;
    // The prior's sampler: steps, time grid, rho and guidanceScale / clampAnchors; `observed` is
    // set per call (each row's own mask, repeated drawsPerRow times).
    MaskSampling sampling;
    // Draws sampled together (memory: a few [rows, D] floats), in calls of equal size. The gradient
    // guidance's loss is normalised over a call's anchors (MaskPrior.h), so its step per anchor is
    // about guidanceScale / (rows per call x rho x observed entries per row).
    int64_t rowsPerCall = 2048;
};

// observed: [N, D] float 0/1, the rows' observation masks. Returns [N, drawsPerRow, D] float 0/1,
// draws of the prior each guided by its own row's mask (undefined when sampling.cancel was
// cancelled). Neither guidance nor clamping set: unguided draws, one set per row. Throws
// std::invalid_argument for drawsPerRow or rowsPerCall < 1, and as sampleMasks does.
at::Tensor drawGuidedPriorMasks(PartialDenoiser& prior, const BfnSchedule& schedule, const at::Tensor& observed,
                                const GuidedContextSettings& settings, at::Generator& generator);

// rowMasks: [B, k, D]; one of each row's k draws, picked uniformly: [B, D].
at::Tensor pickRowPriorMask(const at::Tensor& rowMasks, at::Generator& generator);

// rowMasks: [B, k, D]; member j of row r takes draw j mod k: [B * members, D] in the order of
// repeat_interleave(members) (a row's members together).
at::Tensor memberRowPriorMasks(const at::Tensor& rowMasks, int64_t members);

// Throws std::invalid_argument naming `what` unless rowMasks is [rows, k >= 1, entries].
void checkRowPriorMasks(const at::Tensor& rowMasks, int64_t rows, int64_t entries, const char* what);

}  // namespace ms::partial
