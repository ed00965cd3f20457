#pragma once
// The SFARM network for tabular and keypoint vectors (seed 002 §3, METHODS.md §2):
// f(x ⊙ z, z, i, m) -> a distribution per element, as an MLP with step and masking-mode
// embeddings. An element is continuous (a Gaussian, or a mixture of M Gaussians), categorical
// with K classes (K logits; its value is the class index 0..K-1, fed to the network one-hot) or
// integer with L levels (a discretised logistic over L equal bins of [-1, 1]; its standardised
// value is a bin centre).
#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>

#include <vector>

#include "core/math/GaussianConditional.h"
#include "sfarm/SfarmNetwork.h"

namespace ms::sfarm {

struct SfarmMlpConfig {
    int64_t elements = 0;   // S
    int64_t hidden = 256;
    int64_t layers = 3;     // hidden layers
    int64_t embedding = 32; // step and mode embedding widths
    // Per element: 0 = continuous (Gaussian), K >= 2 = categorical with K classes. Empty = all
    // continuous.
    std::vector<int64_t> classes;
    // Per element: 0 = not integer, L >= 2 = integer with L levels. Empty = none.
    std::vector<int64_t> levels;
    // Gaussian components per continuous element: 1 = one Gaussian (the paper's), M > 1 = a
    // mixture of M Gaussians, which can put narrow peaks on the values a column repeats (point
    // masses such as "no slag" in UCI Concrete, the few levels of a designed experiment).
    int64_t mixture = 1;
    // Per continuous element: values that repeat in the training data (standardised), "atoms"
    // such as 0 = none of an ingredient or the levels of a designed experiment. Each is a fixed,
    // narrow component of the element's distribution (sd e^-5, the narrowest a mixture component
    // may get) with a learned weight; a draw of an atom is that value exactly. Unlike a free
    // mixture component an atom can not drift off its value while it narrows, so it trains
    // reliably. Empty = none.
    std::vector<std::vector<double>> atoms{};
    // A Gaussian path: a multivariate normal fitted to the training table (core/math/
    // GaussianConditional, set with setGaussianPath) gives every non-categorical element its
    // conditional mean given the active elements; the network sees it as an input and predicts
    // the mean as that plus its own correction. Tables whose columns are nearly linear in each
    // other (keypoint coordinates) need conditional means linear to the last per cent, which an
    // MLP of SiLU units only approximates; the network then learns what is not linear.
    bool gaussianPath = false;

    bool categorical(int64_t element) const { return !classes.empty() && classes[static_cast<size_t>(element)] > 0; }
    bool integer(int64_t element) const { return !levels.empty() && levels[static_cast<size_t>(element)] > 0; }
    int64_t classTotal() const;  // sum of K over the categorical elements
    int64_t atomMax() const;     // the most atoms of any element
    // Whether continuous elements have several components (free Gaussians and/or atoms).
    bool components() const { return mixture > 1 || atomMax() > 0; }
};

struct ElementPredictions {
    // [B, S]. Continuous: the mean and log sd of the element's distribution (a mixture's first
    // two moments); integer: the logistic's location and log scale. Clamped to [-7, 5].
    at::Tensor mean;
    at::Tensor logStd;
    at::Tensor logits;  // [B, classTotal] (undefined when there is no categorical element)
    // Several components only (undefined for one Gaussian): [B, S, M + atomMax] component means,
    // log sds and log weights: the M free Gaussians, then the element's atoms (padding atoms
    // have weight 0).
    at::Tensor componentMean, componentLogStd, componentLogWeight;

    bool mixture() const { return componentMean.defined(); }
    // The same predictions for `times` copies of the batch (rows tiled as Tensor::repeat does).
    ElementPredictions repeated(int64_t times) const;
};

class SfarmMlpImpl : public torch::nn::Module, public SfarmNetwork {
public:
    explicit SfarmMlpImpl(SfarmMlpConfig config);
    // x: [B, S] (values of inactive elements are ignored), active: [B, S] {0, 1} float,
    // step: [B] long in 1..S (the step being generated), mode: [B] long in 0..6.
    ElementPredictions forward(const at::Tensor& x, const at::Tensor& active, const at::Tensor& step,
                               const at::Tensor& mode) const;
    const SfarmMlpConfig& config() const { return m_config; }
    // The Gaussian path's fit (config.gaussianPath only): mean [S], covariance [S, S] in
    // standardised units; categorical elements must have no covariance with the others.
    void setGaussianPath(const GaussianFit& fit);

    // log p(x_k | ...) for every element, [B, S] (categorical: log softmax at the class index).
    at::Tensor logDensity(const ElementPredictions& p, const at::Tensor& x) const;
    // A value per element: a draw (sample) or the point estimate (the mean; for an integer element
    // the mean over its levels, which may fall between them; the most probable class), [B, S] float. truncation > 0 draws Gaussians only within +-truncation sd (exact
    // truncated normal, by the inverse CDF), so long chains of draws do not wander into tails.
    at::Tensor draw(const ElementPredictions& p, bool sample, at::Generator& gen, double truncation = 0.0) const;
    // Class probabilities of categorical element k, [B, K].
    at::Tensor classProbabilities(const ElementPredictions& p, int64_t element) const;

    // SfarmNetwork
    int64_t elementCount() const override { return m_config.elements; }
    at::Tensor elementLogDensity(const at::Tensor& x, const at::Tensor& active, const at::Tensor& step,
                                 const at::Tensor& mode) const override;
    at::Tensor elementDraw(const at::Tensor& x, const at::Tensor& active, const at::Tensor& step, const at::Tensor& mode,
                           bool sample, at::Generator& gen, double truncation) const override;
    bool continuousElement(int64_t k) const override { return !m_config.categorical(k); }
    std::vector<at::Tensor> trainableParameters() override { return parameters(); }
    void setTraining(bool on) override { train(on); }

private:
    at::Tensor inputEncoding(const at::Tensor& x, const at::Tensor& active) const;

    SfarmMlpConfig m_config;
    std::vector<int64_t> m_classOffset;  // per element: first logit column (categorical elements)
    at::Tensor m_atomValue, m_atomLogitMask;  // [S, atomMax]: positions; 0 for an atom, -inf for padding
    at::Tensor m_integerMask;                 // [1, S] bool: integer elements (undefined: none)
    torch::nn::Embedding m_step{nullptr}, m_mode{nullptr};
    std::vector<torch::nn::Linear> m_layers;
    at::Tensor m_gaussianMean, m_gaussianCovariance;  // buffers (config.gaussianPath only)
    at::Tensor m_nonCategorical;                      // [1, S] float: 1 for continuous and integer elements
};
TORCH_MODULE(SfarmMlp);

}  // namespace ms::sfarm
