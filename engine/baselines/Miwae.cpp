#include "baselines/Miwae.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

#include "core/data/RepeatedValues.h"
#include "core/math/GaussianLogDensity.h"
#include "core/math/GaussianMixture.h"

namespace ms::baselines {

MiwaeImpl::MiwaeImpl(MiwaeConfig config) : m_config(config) {
    if (config.features < 1 || config.hidden < 1) throw std::invalid_argument("MIWAE: features and hidden must be positive");
    if (m_config.latent <= 0) m_config.latent = std::max<int64_t>(1, config.features - 1);
    const int64_t D = m_config.features, L = m_config.latent, H = m_config.hidden;
    const AtomTensors atoms = atomTensors(m_config.atoms, D);
    m_atomValue = atoms.value;
    m_atomLogitMask = atoms.logitMask;
    // Decoder: mean and log sd per feature; with atoms also 1 + A weight logits per feature.
    const int64_t out = atoms.width > 0 ? (3 + atoms.width) * D : 2 * D;
    const int64_t enc[] = {D, H, H, 2 * L}, dec[] = {L, H, H, out};
    for (int i = 0; i < 3; ++i) {
        m_encoder.push_back(register_module("enc" + std::to_string(i), torch::nn::Linear(enc[i], enc[i + 1])));
        m_decoder.push_back(register_module("dec" + std::to_string(i), torch::nn::Linear(dec[i], dec[i + 1])));
    }
}

at::Tensor MiwaeImpl::mlp(const std::vector<torch::nn::Linear>& layers, at::Tensor h) {
    for (size_t i = 0; i < layers.size(); ++i) {
        h = at::linear(h, layers[i]->weight, layers[i]->bias);
        if (i + 1 < layers.size()) h = at::tanh(h);
    }
    return h;
}

MiwaeImpl::Draw MiwaeImpl::draw(const at::Tensor& x, const at::Tensor& observed, int64_t K, at::Generator& gen,
                                bool priorProposal) const {
    const int64_t B = x.size(0), D = m_config.features, L = m_config.latent;
    if (x.dim() != 2 || x.size(1) != D || !observed.sizes().equals(x.sizes()))
        throw std::invalid_argument("MIWAE: x and observed must be [B, " + std::to_string(D) + "]");
    if (K < 1) throw std::invalid_argument("MIWAE: at least one importance sample");
    const at::Tensor o = observed.to(at::kFloat);
    const at::Tensor xo = at::where(observed.to(at::kBool), x.to(at::kFloat), at::zeros_like(o));
    const at::Tensor q = priorProposal ? at::zeros({B, 2 * L}) : mlp(m_encoder, xo);
    const at::Tensor qMean = q.narrow(1, 0, L), qLogStd = q.narrow(1, L, L).clamp(-7.0, 5.0);
    const at::Tensor z = qMean + at::exp(qLogStd) * at::randn({K, B, L}, gen, at::kFloat);  // [K, B, L]
    const at::Tensor p = mlp(m_decoder, z);
    Draw d;
    d.mean = p.narrow(2, 0, D);
    d.logStd = p.narrow(2, D, D).clamp(-5.0, 5.0);
    if (m_atomValue.defined()) {
        const int64_t A = m_atomValue.size(1);
        const at::Tensor logits = p.narrow(2, 2 * D, (1 + A) * D).view({K, B, D, 1 + A});
        const at::Tensor mask = at::cat({at::zeros({D, 1}), m_atomLogitMask}, 1);
        d.componentLogWeight = at::log_softmax(logits + mask, 3);
        d.componentMean = at::cat({d.mean.unsqueeze(3), m_atomValue.expand({K, B, D, A})}, 3);
        d.componentLogStd = at::cat({d.logStd.unsqueeze(3), at::full({K, B, D, A}, kAtomLogStd)}, 3);
    }
    const at::Tensor logLik = d.featureLogDensity(xo.expand({K, B, D}));
    const at::Tensor logPrior = gaussianLogDensity(z, at::zeros_like(z), at::zeros_like(z)).sum(2);
    const at::Tensor logQ = gaussianLogDensity(z, qMean.expand({K, B, L}), qLogStd.expand({K, B, L})).sum(2);
    d.logWeight = (logLik * o).sum(2) + logPrior - logQ;
    return d;
}

at::Tensor MiwaeImpl::Draw::featureLogDensity(const at::Tensor& x) const {
    return componentMean.defined() ? mixtureLogDensity(x, componentMean, componentLogStd, componentLogWeight)
                                   : gaussianLogDensity(x, mean, logStd);
}

at::Tensor MiwaeImpl::Draw::featureMean() const {
    return componentMean.defined() ? mixtureMoments(componentMean, componentLogStd, componentLogWeight).mean : mean;
}

at::Tensor MiwaeImpl::bound(const at::Tensor& x, const at::Tensor& observed, int64_t K, at::Generator& gen) const {
    const Draw d = draw(x, observed, K, gen);
    return at::logsumexp(d.logWeight, 0) - std::log(static_cast<double>(K));
}

at::Tensor MiwaeImpl::conditionalLogLikelihood(const at::Tensor& x, const at::Tensor& observed, const at::Tensor& target,
                                               int64_t K, at::Generator& gen, bool priorProposal) const {
    const int64_t B = x.size(0), D = m_config.features;
    const at::Tensor t = target.to(at::kFloat);
    const at::Tensor xt = at::where(target.to(at::kBool), x.to(at::kFloat), at::zeros({B, D}));
    const Draw d = draw(x, observed, K, gen, priorProposal);
    const at::Tensor llTarget = (d.featureLogDensity(xt.expand({K, B, D})) * t).sum(2);  // [K, B]
    return (at::logsumexp(d.logWeight + llTarget, 0) - at::logsumexp(d.logWeight, 0)).to(at::kDouble);
}

at::Tensor MiwaeImpl::impute(const at::Tensor& x, const at::Tensor& observed, int64_t K, at::Generator& gen,
                             bool priorProposal) const {
    const Draw d = draw(x, observed, K, gen, priorProposal);
    const at::Tensor w = at::softmax(d.logWeight, 0).unsqueeze(2);  // [K, B, 1]
    const at::Tensor filled = (w * d.featureMean()).sum(0);
    return at::where(observed.to(at::kBool), x.to(at::kFloat), filled);
}

at::Tensor MiwaeImpl::conditionalSamples(const at::Tensor& x, const at::Tensor& observed, int64_t K, int64_t draws,
                                         at::Generator& gen) const {
    const Draw d = draw(x, observed, K, gen);
    const at::Tensor probs = at::softmax(d.logWeight, 0).transpose(0, 1).to(at::kDouble);  // [B, K]
    const at::Tensor pick = at::multinomial(probs, draws, /*replacement=*/true, gen).transpose(0, 1);  // [draws, B]
    const int64_t B = x.size(0), D = x.size(1);
    const at::Tensor index = pick.unsqueeze(2).expand({draws, B, D});
    at::Tensor mean = d.mean.gather(0, index), logStd = d.logStd.gather(0, index);
    at::Tensor noise = at::randn(mean.sizes(), gen, mean.options());
    if (d.componentMean.defined()) {
        // The chosen z's component per feature; an atom is drawn exactly.
        const int64_t C = d.componentMean.size(3);
        const at::Tensor cIndex = pick.reshape({draws, B, 1, 1}).expand({draws, B, D, C});
        const at::Tensor weights = d.componentLogWeight.gather(0, cIndex).exp().reshape({-1, C});
        const at::Tensor component = at::multinomial(weights, 1, false, gen).view({draws, B, D, 1});
        mean = d.componentMean.gather(0, cIndex).gather(3, component).squeeze(3);
        logStd = d.componentLogStd.gather(0, cIndex).gather(3, component).squeeze(3);
        noise = at::where(component.squeeze(3) > 0, at::zeros_like(noise), noise);
    }
    const at::Tensor sample = mean + logStd.exp() * noise;
    return at::where(observed.to(at::kBool).unsqueeze(0), x.to(at::kFloat).unsqueeze(0).expand_as(sample), sample);
}

}  // namespace ms::baselines
