#include "sfarm/SfarmMlp.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/data/RepeatedValues.h"
#include "core/math/GaussianLogDensity.h"
#include "core/math/GaussianMixture.h"
#include "sfarm/DiscretisedLogistic.h"
#include "sfarm/MaskingMode.h"

namespace ms::sfarm {

namespace {
// The narrowest free mixture component: an atom's width (sd e^-5). Narrower (e^-7) a component
// shrinks faster than its mean settles, loses its data and dies: the mixture falls back to one
// Gaussian (seen on a point mass, the case atoms now serve).
constexpr double kMixtureLogStdFloor = kAtomLogStd;
constexpr int64_t kMaxAtoms = 64;
}  // namespace

int64_t SfarmMlpConfig::classTotal() const {
    int64_t total = 0;
    for (int64_t k : classes) total += k;
    return total;
}

int64_t SfarmMlpConfig::atomMax() const {
    std::size_t most = 0;
    for (const auto& a : atoms) most = std::max(most, a.size());
    return static_cast<int64_t>(most);
}

ElementPredictions ElementPredictions::repeated(int64_t times) const {
    const auto tile = [times](const at::Tensor& t) {
        if (!t.defined()) return at::Tensor();
        std::vector<int64_t> reps(static_cast<size_t>(t.dim()), 1);
        reps[0] = times;
        return t.repeat(reps);
    };
    return {tile(mean), tile(logStd), tile(logits), tile(componentMean), tile(componentLogStd), tile(componentLogWeight)};
}

SfarmMlpImpl::SfarmMlpImpl(SfarmMlpConfig config) : m_config(std::move(config)) {
    const SfarmMlpConfig& c = m_config;
    if (c.elements < 1 || c.hidden < 1 || c.layers < 1 || c.embedding < 1)
        throw std::invalid_argument("SFARM MLP: elements, hidden, layers and embedding must be positive");
    if (c.mixture < 1 || c.mixture > 64)
        throw std::invalid_argument("SFARM MLP: the Gaussian mixture needs 1 to 64 components (got " + std::to_string(c.mixture) + ")");
    if (!c.classes.empty() && static_cast<int64_t>(c.classes.size()) != c.elements)
        throw std::invalid_argument("SFARM MLP: one class count per element (0 = continuous)");
    if (!c.levels.empty() && static_cast<int64_t>(c.levels.size()) != c.elements)
        throw std::invalid_argument("SFARM MLP: one level count per element (0 = not integer)");
    for (int64_t k = 0; k < c.elements; ++k) {
        if (c.integer(k) && c.levels[static_cast<size_t>(k)] < 2)
            throw std::invalid_argument("SFARM MLP: an integer element needs at least two levels");
        if (c.integer(k) && c.categorical(k))
            throw std::invalid_argument("SFARM MLP: element " + std::to_string(k) + " can not be both categorical and integer");
    }
    if (!c.atoms.empty() && static_cast<int64_t>(c.atoms.size()) != c.elements)
        throw std::invalid_argument("SFARM MLP: one atom list per element (empty = none)");
    for (std::size_t k = 0; k < c.atoms.size(); ++k) {
        const auto e = static_cast<int64_t>(k);
        if (c.atoms[k].empty()) continue;
        if (c.categorical(e) || c.integer(e))
            throw std::invalid_argument("SFARM MLP: element " + std::to_string(e) + " has atoms but is not continuous");
        if (static_cast<int64_t>(c.atoms[k].size()) > kMaxAtoms)
            throw std::invalid_argument("SFARM MLP: element " + std::to_string(e) + " has more than " + std::to_string(kMaxAtoms) + " atoms");
        for (double v : c.atoms[k])
            if (!std::isfinite(v)) throw std::invalid_argument("SFARM MLP: element " + std::to_string(e) + " has a non-finite atom");
    }
    if (!c.levels.empty()) {
        m_integerMask = at::zeros({1, c.elements}, at::kBool);
        for (int64_t k = 0; k < c.elements; ++k) m_integerMask[0][k] = c.integer(k);
    }
    const AtomTensors atoms = atomTensors(c.atoms, c.elements);
    m_atomValue = atoms.value;
    m_atomLogitMask = atoms.logitMask;
    int64_t offset = 0;
    for (int64_t k : c.classes) {
        if (k == 1 || k < 0) throw std::invalid_argument("SFARM MLP: a categorical element needs at least two classes");
        m_classOffset.push_back(offset);
        offset += k;
    }
    m_step = register_module("step", torch::nn::Embedding(c.elements + 1, c.embedding));
    m_mode = register_module("mode", torch::nn::Embedding(kMaskingModeCount, c.embedding));
    int64_t width = 2 * c.elements + c.classTotal() + (c.gaussianPath ? c.elements : 0) + 2 * c.embedding;
    for (int64_t l = 0; l < c.layers; ++l) {
        m_layers.push_back(register_module("layer" + std::to_string(l), torch::nn::Linear(width, c.hidden)));
        width = c.hidden;
    }
    // Head: [means, log sds] per element; with several components [means, log sds, weight
    // logits] per element and free component, then one weight logit per element and atom; then
    // the class logits.
    const int64_t perElement = c.components() ? 3 * c.mixture + c.atomMax() : 2;
    m_layers.push_back(register_module("head", torch::nn::Linear(width, perElement * c.elements + c.classTotal())));
    if (c.gaussianPath) {
        m_gaussianMean = register_buffer("gaussian_mean", at::zeros({c.elements}));
        m_gaussianCovariance = register_buffer("gaussian_covariance", at::eye(c.elements));
        m_nonCategorical = at::ones({1, c.elements});
        for (int64_t k = 0; k < c.elements; ++k)
            if (c.categorical(k)) m_nonCategorical[0][k] = 0.0;
    }
    if (c.mixture > 1) {
        // Components start apart (means at the standard normal's quantiles (m + 0.5) / M, sds
        // narrower by sqrt(M)): from near-identical components the gradients are near-identical
        // and the mixture takes thousands of steps to split.
        at::NoGradGuard noGrad;
        const at::Tensor bias = m_layers.back()->bias;
        const int64_t S = c.elements, M = c.mixture;
        const at::Tensor quantiles =
            std::sqrt(2.0) * at::erfinv((at::arange(M, at::kDouble) + 0.5) * (2.0 / static_cast<double>(M)) - 1.0);
        bias.narrow(0, 0, S * M).view({S, M}).copy_(quantiles.to(bias.scalar_type()).expand({S, M}));
        bias.narrow(0, S * M, S * M).fill_(-0.5 * std::log(static_cast<double>(M)));
    }
}

void SfarmMlpImpl::setGaussianPath(const GaussianFit& fit) {
    if (!m_config.gaussianPath) throw std::logic_error("SFARM MLP: this network has no Gaussian path");
    const int64_t S = m_config.elements;
    if (fit.mean.sizes() != at::IntArrayRef{S} || fit.covariance.sizes() != at::IntArrayRef{S, S})
        throw std::invalid_argument("SFARM MLP: the Gaussian path needs a mean of " + std::to_string(S) + " and an S x S covariance");
    at::NoGradGuard noGrad;
    m_gaussianMean.copy_(fit.mean);
    m_gaussianCovariance.copy_(fit.covariance);
}

at::Tensor SfarmMlpImpl::inputEncoding(const at::Tensor& x, const at::Tensor& active) const {
    if (m_config.classes.empty()) return x * active;
    // Continuous elements as values, categorical ones as zero in that column plus a one-hot block.
    std::vector<at::Tensor> parts;
    at::Tensor continuous = x * active;
    for (int64_t k = 0; k < m_config.elements; ++k) {
        if (!m_config.categorical(k)) continue;
        continuous.select(1, k).zero_();
        const int64_t K = m_config.classes[static_cast<size_t>(k)];
        const at::Tensor index = at::nan_to_num(x.select(1, k)).round().clamp(0, K - 1).to(at::kLong);
        parts.push_back(at::one_hot(index, K).to(x.scalar_type()) * active.select(1, k).unsqueeze(1));
    }
    parts.insert(parts.begin(), continuous);
    return at::cat(parts, 1);
}

ElementPredictions SfarmMlpImpl::forward(const at::Tensor& x, const at::Tensor& active, const at::Tensor& step,
                                         const at::Tensor& mode) const {
    std::vector<at::Tensor> inputs = {inputEncoding(x, active), active, at::embedding(m_step->weight, step),
                                      at::embedding(m_mode->weight, mode)};
    at::Tensor gaussian;  // [B, S]: the Gaussian path's conditional means (0 for categorical elements)
    if (m_config.gaussianPath) {
        const at::Tensor nonCategorical = m_nonCategorical.to(x.options());
        gaussian = gaussianConditionalMean({m_gaussianMean, m_gaussianCovariance}, at::nan_to_num(x) * nonCategorical,
                                           active * nonCategorical) * nonCategorical;
        inputs.push_back(gaussian);
    }
    at::Tensor h = at::cat(inputs, 1);
    for (size_t l = 0; l + 1 < m_layers.size(); ++l) h = at::silu(at::linear(h, m_layers[l]->weight, m_layers[l]->bias));
    const at::Tensor out = at::linear(h, m_layers.back()->weight, m_layers.back()->bias);
    const int64_t S = m_config.elements, M = m_config.mixture, A = m_config.atomMax();
    ElementPredictions p;
    if (!m_config.components()) {
        p.mean = gaussian.defined() ? out.narrow(1, 0, S) + gaussian : out.narrow(1, 0, S);
        p.logStd = out.narrow(1, S, S).clamp(-7.0, 5.0);
    } else {
        const int64_t B = out.size(0);
        p.componentMean = out.narrow(1, 0, S * M).view({B, S, M});
        if (gaussian.defined()) p.componentMean = p.componentMean + gaussian.unsqueeze(2);
        p.componentLogStd = out.narrow(1, S * M, S * M).view({B, S, M}).clamp(kMixtureLogStdFloor, 5.0);
        at::Tensor logits = out.narrow(1, 2 * S * M, S * M).view({B, S, M});
        if (A > 0) {
            const auto opts = out.options();
            p.componentMean = at::cat({p.componentMean, m_atomValue.to(opts).unsqueeze(0).expand({B, S, A})}, 2);
            p.componentLogStd = at::cat({p.componentLogStd, at::full({B, S, A}, kAtomLogStd, opts)}, 2);
            logits = at::cat({logits, out.narrow(1, 3 * S * M, S * A).view({B, S, A}) + m_atomLogitMask.to(opts)}, 2);
        }
        p.componentLogWeight = at::log_softmax(logits, 2);
        const MixtureMoments moments = mixtureMoments(p.componentMean, p.componentLogStd, p.componentLogWeight);
        p.mean = moments.mean;
        p.logStd = (0.5 * moments.variance.clamp_min(1e-12).log()).clamp(-7.0, 5.0);
        // Integer elements use the first component as their logistic. Chosen out of place: the
        // moments are still needed by autograd, so writing into them would break the backward pass.
        if (m_integerMask.defined()) {
            const at::Tensor integer = m_integerMask.to(out.device());
            p.mean = at::where(integer, p.componentMean.select(2, 0), p.mean);
            p.logStd = at::where(integer, p.componentLogStd.select(2, 0), p.logStd);
        }
    }
    const int64_t offset = (m_config.components() ? 3 * M + A : 2) * S;
    if (m_config.classTotal() > 0) p.logits = out.narrow(1, offset, m_config.classTotal());
    return p;
}

at::Tensor SfarmMlpImpl::classProbabilities(const ElementPredictions& p, int64_t element) const {
    if (!m_config.categorical(element)) throw std::invalid_argument("SFARM: element " + std::to_string(element) + " is not categorical");
    const size_t k = static_cast<size_t>(element);
    return at::softmax(p.logits.narrow(1, m_classOffset[k], m_config.classes[k]), 1);
}

at::Tensor SfarmMlpImpl::logDensity(const ElementPredictions& p, const at::Tensor& x) const {
    const at::Tensor xf = at::nan_to_num(x);
    at::Tensor ll = p.mixture() ? mixtureLogDensity(xf, p.componentMean, p.componentLogStd, p.componentLogWeight)
                                : gaussianLogDensity(xf, p.mean, p.logStd);
    if (m_config.classes.empty() && m_config.levels.empty()) return ll;
    std::vector<at::Tensor> columns = ll.unbind(1);
    for (int64_t k = 0; k < m_config.elements; ++k) {
        if (m_config.integer(k))
            columns[static_cast<size_t>(k)] = discretisedLogisticLogProb(at::nan_to_num(x.select(1, k)), p.mean.select(1, k),
                                                                         p.logStd.select(1, k), m_config.levels[static_cast<size_t>(k)])
                                                  .to(ll.scalar_type());
        if (!m_config.categorical(k)) continue;
        const size_t j = static_cast<size_t>(k);
        const int64_t K = m_config.classes[j];
        const at::Tensor logp = at::log_softmax(p.logits.narrow(1, m_classOffset[j], K), 1);
        const at::Tensor index = at::nan_to_num(x.select(1, k)).round().clamp(0, K - 1).to(at::kLong).unsqueeze(1);
        columns[j] = logp.gather(1, index).squeeze(1).to(ll.scalar_type());
    }
    return at::stack(columns, 1);
}

at::Tensor SfarmMlpImpl::draw(const ElementPredictions& p, bool sample, at::Generator& gen, double truncation) const {
    // A mixture draws its component first; the Gaussian draw below then uses that component.
    at::Tensor centre = p.mean, logStd = p.logStd;
    at::Tensor atom;  // where the draw is an atom (then exact: no noise)
    if (sample && p.mixture()) {
        const int64_t B = p.mean.size(0), S = p.mean.size(1), C = p.componentMean.size(2);
        const at::Tensor weights = p.componentLogWeight.exp().reshape({B * S, C});
        const at::Tensor component = at::multinomial(weights, 1, false, gen).view({B, S, 1});
        centre = p.componentMean.gather(2, component).squeeze(2);
        logStd = p.componentLogStd.gather(2, component).squeeze(2);
        atom = component.squeeze(2) >= m_config.mixture;
    }
    at::Tensor noise;
    if (sample && truncation > 0.0) {
        const double lo = 0.5 * std::erfc(truncation / std::sqrt(2.0));  // Phi(-truncation)
        const at::Tensor u = lo + (1.0 - 2.0 * lo) * at::rand(p.mean.sizes(), gen, p.mean.scalar_type());
        noise = std::sqrt(2.0) * at::erfinv(2.0 * u - 1.0);
    } else if (sample) {
        noise = at::randn(p.mean.sizes(), gen, p.mean.scalar_type());
    }
    if (atom.defined()) noise = at::where(atom, at::zeros_like(noise), noise);
    at::Tensor values = sample ? centre + at::exp(logStd) * noise : p.mean.clone();
    for (int64_t k = 0; k < m_config.elements; ++k) {
        if (m_config.integer(k)) {
            const int64_t levels = m_config.levels[static_cast<size_t>(k)];
            values.select(1, k).copy_(sample ? discretisedLogisticSample(p.mean.select(1, k), p.logStd.select(1, k), levels, gen)
                                             : discretisedLogisticMean(p.mean.select(1, k), p.logStd.select(1, k), levels));
            continue;
        }
        if (!m_config.categorical(k)) continue;
        const at::Tensor probs = classProbabilities(p, k);
        const at::Tensor cls = sample ? at::multinomial(probs, 1, false, gen).squeeze(1) : probs.argmax(1);
        values.select(1, k).copy_(cls.to(values.scalar_type()));
    }
    return values;
}

at::Tensor SfarmMlpImpl::elementLogDensity(const at::Tensor& x, const at::Tensor& active, const at::Tensor& step,
                                           const at::Tensor& mode) const {
    return logDensity(forward(x, active, step, mode), x);
}

at::Tensor SfarmMlpImpl::elementDraw(const at::Tensor& x, const at::Tensor& active, const at::Tensor& step,
                                     const at::Tensor& mode, bool sample, at::Generator& gen, double truncation) const {
    return draw(forward(x, active, step, mode), sample, gen, truncation);
}

}  // namespace ms::sfarm
