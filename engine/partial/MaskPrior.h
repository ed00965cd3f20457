#pragma once
// Work II of method 3 (METHODS.md §3, seed 003): a learned prior p(M) over observation masks, a
// discrete Bayesian Flow Network (Graves et al. 2023) with K = 2 classes per entry (0 missing,
// 1 observed), trained on the data's own masks only (never the values).
//
// The seed leaves out the equations; these are the standard ones:
// - accuracy schedule beta(t) = beta_1 t^2, t in [0, 1];
// - sender sample y ~ N(beta(t) (K e_x - 1), beta(t) K I) per entry (y in R^K), network input
//   theta = softmax(y) (a shift of y changes nothing); for K = 2 the network reads theta_1 only;
// - continuous-time loss L(x) = K beta_1 t sum_d ||e_x_d - p_hat_d(theta, t)||^2 with t ~ U(0, 1),
//   per mask (summed over entries); with the reconstruction term at t = 1 its expectation over t
//   bounds -log p(x) in nats (the score);
// - discrete-time sampler (n steps on a grid 0 = t_0 < ... < t_n = 1, uniform in the reference):
//   theta = 1/K; for i = 1..n draw k ~ p_out(theta, t_{i-1}), alpha_i = beta(t_i) - beta(t_{i-1})
//   (beta_1 (2i - 1) / n^2 on the uniform grid), y ~ N(alpha_i (K e_k - 1), alpha_i K I),
//   theta ∝ theta exp(y); the mask is the mode of p_out(theta, 1);
// - probability-flow ODE (on the same grid): with the mean of e_x replaced by the network's prediction, the flow of
//   y keeping the sender's marginals is dy/dt = y / t + beta_1 t (K p_hat - 1); in z = y / t it is
//   dz/dt = beta_1 (K p_hat - 1), z(0) ~ N(0, beta_1 K I). The first-order exact step holds p_hat
//   over a step: z += beta_1 (K p_hat - 1) dt, exact for the linear part (no discretisation error
//   when p_hat is exact). Deterministic after z(0); mode of p_out at t = 1.
//
// Observation-aligned guidance (sampling a context mask for a row with observed support M): the
// stochastic anchor a_i = 1[r_i < rho] M_i, r_i ~ U(0, 1). Gradient guidance: at every step the
// loss G = -sum_{rows, i} a_i log p_hat_i(observed) / sum a (normalised over the whole batch) is
// differentiated through the network with respect to the sampler's state (y's accumulated logits,
// or z), which takes a step of -scale * dG/dstate. The gradient-free variant clamps the anchored
// entries through the sender: their sender sample (discrete) or prediction (ODE) uses class 1.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/runtime/CancelToken.h"
#include "core/training/DataParallelGroup.h"
#include "core/training/TrainingProgress.h"
#include "partial/PartialDenoiser.h"

namespace ms::partial {

// What the network reads of the sender's belief. Both are functions of theta and t only, so the
// BFN's loss, samplers and bound are the same for either.
enum class BfnInput {
    Theta,         // theta_1 = sigmoid(s), s = y_1 - y_0 the belief's log-odds (Graves et al.)
    ScaledLogit,   // s / (2 sqrt(beta(t) + beta(t)^2)): unit scale at every t, so the weak evidence
                   // of small t (where a mixture's kind of mask is decided) is not a 1e-2 ripple on 0.5
                   // (the scale floored at 0.05, the input clamped to [-8, 8]). Adding the network's
                   // output to s (exact at 0 for i.i.d. masks) fits better (0.476 vs 0.491 bits on the
                   // mixture) but draws fewer block masks (21 % vs 29 %; docs/RESULTS.md): not done.
};

struct BfnSchedule {
    double beta1 = 9.0;  // sqrt(beta_1) = 3, the binarised-MNIST reference
    BfnInput input = BfnInput::ScaledLogit;
    double beta(double t) const { return beta1 * t * t; }
};

// The network's probability that each entry is observed: sigmoid of its output for the belief's
// log-odds s = y_1 - y_0 ([B, D]) at time t ([B] in [0, 1]; fed as 1000 t to the networks'
// timestep features), read as schedule.input says.
at::Tensor observedProbability(PartialDenoiser& net, const at::Tensor& logOdds, const at::Tensor& t, const BfnSchedule& schedule);

// A sender sample for masks x ([B, D] 0/1) at times t ([B]): y, [B, D, 2].
at::Tensor bfnSenderSample(const at::Tensor& masks, const at::Tensor& t, const BfnSchedule& schedule, at::Generator& generator);

// The continuous-time loss of each mask at its time t: [B] (see above).
at::Tensor bfnLoss(PartialDenoiser& net, const at::Tensor& masks, const at::Tensor& t, const BfnSchedule& schedule,
                   at::Generator& generator, bool flatTimeWeight = false);

struct MaskPriorTraining {
    int64_t updates = 2000;
    int64_t batchSize = 64;
    double lr = 1e-3;
    double weightDecay = 0.01;
    // Drop the loss's factor t (weight K beta_1 at every t): no longer the likelihood bound, but the
    // small t where a mixture decides which kind of mask it draws gets the weight of any other t.
    bool flatTimeWeight = false;
    // The learning rate follows a cosine down to 0 over the updates (MinibatchSettings::cosineDecay).
    bool cosineDecay = false;
    // An exponential moving average of the weights over the updates, with this decay per update
    // (e.g. 0.999: about the last 1,000 updates), is what training returns; 0: the last weights.
    // Which kind of mask a mixture's sample becomes is decided by the network at small t, where
    // the last weights still move with the last minibatches.
    double weightAverage = 0.0;
    uint64_t seed = 0;
    DataParallelGroup* group = nullptr;  // the run's ranks (MinibatchSettings::group); null: one process
};

// Trains `net` on `masks` ([N, D] 0/1, the data's observation masks). Returns the mean loss per
// epoch. Throws std::invalid_argument for masks that are not 0/1 or settings out of range.
std::vector<double> trainMaskPrior(PartialDenoiser& net, const at::Tensor& masks, const BfnSchedule& schedule,
                                   const MaskPriorTraining& settings, const EpochLossFn& onEpoch, const CancelToken& cancel);

enum class MaskSamplerKind { Discrete, FlowOde };

struct MaskSampling {
    MaskSamplerKind kind = MaskSamplerKind::Discrete;
    int64_t steps = 50;
    // The time grid t_i = (i / steps)^timePower: 1 is uniform (Graves et al.); larger spends more
    // steps at small t, where little is known and a mixture decides which kind of mask to draw
    // (on the Fashion-MNIST mixture, 20 steps at power 3 draw as many block masks as 100 uniform
    // steps, twice as many as 20 uniform ones; docs/RESULTS.md).
    double timePower = 3.0;
    // Observation-aligned guidance (anchors from observed, [B, D]; undefined: unguided).
    at::Tensor observed;
    double rho = 0.5;
    double guidanceScale = 0.0;  // gradient guidance: step size on the sampler's state
    bool clampAnchors = false;   // the gradient-free variant
    // Checked before every step (a pool of thousands of masks takes minutes on a CPU): a cancelled
    // draw returns an undefined tensor. Null: never cancelled.
    const CancelToken* cancel = nullptr;
};

// `rows` masks from the prior ([rows, D] float 0/1; rows = observed.size(0) when guided; undefined
// when sampling.cancel was cancelled).
// Throws std::invalid_argument for steps < 1 or an observed mask of the wrong width.
at::Tensor sampleMasks(PartialDenoiser& net, int64_t rows, const BfnSchedule& schedule, const MaskSampling& sampling,
                       at::Generator& generator);

// The anchors of a guided draw: a_i = 1[r_i < rho] M_i.
at::Tensor observationAnchors(const at::Tensor& observed, double rho, at::Generator& generator);

// Negative log-likelihood bound of each mask in bits per entry ([B]): the continuous-time loss
// averaged over `draws` times t (stratified over [0, 1]) plus the reconstruction term
// -log p_out(x | theta(1)) (one sender sample at t = 1), divided by D ln 2.
at::Tensor maskBitsPerEntry(PartialDenoiser& net, const at::Tensor& masks, const BfnSchedule& schedule, int64_t draws,
                            at::Generator& generator);

}  // namespace ms::partial
