#pragma once
// Work II of method 3 measured (issue 16): a BFN prior over observation masks (partial/MaskPrior)
// trained on one scenario's masks (experiments/ObservationScenarios: (a) iid, (b) block,
// (c) mixture; 28 x 28), then
// - realism: the missing share, the share of single-hole masks whose hole fills >= 90 % of its
//   bounding box, the share of block-like masks (such a hole of at least half the block's area),
//   the neighbour-pixel correlation of missingness, for the data's masks and the prior's samples;
//   held-out masks' bits per pixel under the prior vs an independent Bernoulli per pixel;
// - positivity: over `positivityMasks` held-out masks x `partitions` partitions, how often each
//   observed pixel is queried (M ⊙ (1 - M_ctx)) by the intersection partition with prior samples
//   and by Work I's hand rules (i.i.d. pixels, one block, the scenario's own rule), and by the
//   scenario's own mask generator (the oracle: a prior that is exactly the data's): the share of
//   observed pixels queried at least once, the max/min query frequency ratio per mask, and the
//   same ratio with each pixel's frequency pooled over the masks (per mask, `partitions` draws
//   put binomial noise into the ratio: the i.i.d. rule, flat by construction, shows 2.3-2.5 per
//   mask at 200 partitions, 1.15-1.35 pooled over 50 masks; docs/RESULTS.md);
// - speed: training milliseconds per update, prior samples per second.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/runtime/CancelToken.h"

namespace ms::experiments {

struct MaskPriorBenchSettings {
    std::string scenario = "iid";  // iid | block | mixture
    int64_t size = 28;             // masks are size x size
    int64_t trainMasks = 4000;
    int64_t testMasks = 200;
    int64_t updates = 2000;
    int64_t batchSize = 64;
    double lr = 1e-3;
    int64_t baseChannels = 16;  // the prior's U-Net (partial/ImageDenoiser)
    double beta1 = 9.0;
    bool thetaInput = false;        // the network reads theta (Graves et al.) instead of the scaled log-odds
    bool flatTimeWeight = false;    // partial::MaskPriorTraining::flatTimeWeight
    bool cosineDecay = false;       // partial::MaskPriorTraining::cosineDecay
    double weightAverage = 0.0;     // partial::MaskPriorTraining::weightAverage
    std::string sampler = "discrete";  // discrete | ode
    int64_t steps = 50;
    double timePower = 3.0;        // the samplers' time grid (partial::MaskSampling::timePower)
    // A mask prior file (.mpr): read when it exists (the training settings above then unused; the
    // sampler settings compared on one prior), else written after training.
    std::string priorPath;
    int64_t samples = 256;         // prior samples for the realism scores
    int64_t positivityMasks = 50;
    int64_t partitions = 200;
    double delta = 0.2;            // Work I's i.i.d. rule
    double rho = 0.5;              // guided partitions (guidanceScale > 0 or clamp)
    double guidanceScale = 0.0;
    bool clampAnchors = false;
    uint64_t seed = 0;
    std::string device = "cpu";
    std::function<void(const std::string&)> log;
};

struct MaskRealism {
    double missingShare = 0.0;
    double singleHoleShare = 0.0;  // one hole filling >= 90 % of its bounding box
    double blockLikeShare = 0.0;   // such a hole of at least half the scenario's block area
    double neighbourCorrelation = 0.0;
};

struct PositivityRow {
    std::string rule;
    double coveredShare = 0.0;  // observed pixels queried at least once, pooled over the masks
    double medianRatio = 0.0;   // per mask max/min query frequency over its observed pixels (inf: one never queried)
    double worstRatio = 0.0;
    double pooledRatio = 0.0;   // max/min over pixel positions of the frequency pooled over the masks observing them
};

// How often each observed pixel of `observed` [n, D] is queried (observed and not in the context)
// over `partitions` contexts drawn by `context` (returns [n, D] 0/1 contexts for the n masks).
PositivityRow measurePositivity(const std::string& rule, const at::Tensor& observed, int64_t partitions,
                                const std::function<at::Tensor()>& context);

struct MaskPriorBenchResult {
    MaskRealism data, prior;
    double priorBitsPerPixel = 0.0, bernoulliBitsPerPixel = 0.0;  // held-out masks
    std::vector<PositivityRow> positivity;
    double trainSeconds = 0.0, msPerUpdate = 0.0, masksPerSecond = 0.0;
    at::Tensor dataExamples, priorExamples;  // 16 of each, [16, size * size] float 0/1
};

// Throws std::invalid_argument for an unknown scenario or sampler, or settings out of range.
MaskPriorBenchResult runMaskPriorBenchmark(const MaskPriorBenchSettings& settings, const CancelToken& cancel);

// The realism scores of masks [N, h*w] (float 0/1) of side h = w = size; blockArea: the scenario's.
MaskRealism maskRealism(const at::Tensor& masks, int64_t size, int64_t blockArea);

}  // namespace ms::experiments
