#include "sfarm/SfarmMlp.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

#include "math/GaussianLogDensity.h"
#include "sfarm/DiscretisedLogistic.h"
#include "sfarm/MaskingMode.h"

namespace ms {

int64_t SfarmMlpConfig::classTotal() const {
    int64_t total = 0;
    for (int64_t k : classes) total += k;
    return total;
}

SfarmMlpImpl::SfarmMlpImpl(SfarmMlpConfig config) : m_config(std::move(config)) {
    const SfarmMlpConfig& c = m_config;
    if (c.elements < 1 || c.hidden < 1 || c.layers < 1 || c.embedding < 1)
        throw std::invalid_argument("SFARM MLP: elements, hidden, layers and embedding must be positive");
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
    int64_t offset = 0;
    for (int64_t k : c.classes) {
        if (k == 1 || k < 0) throw std::invalid_argument("SFARM MLP: a categorical element needs at least two classes");
        m_classOffset.push_back(offset);
        offset += k;
    }
    m_step = register_module("step", torch::nn::Embedding(c.elements + 1, c.embedding));
    m_mode = register_module("mode", torch::nn::Embedding(kMaskingModeCount, c.embedding));
    int64_t width = 2 * c.elements + c.classTotal() + 2 * c.embedding;
    for (int64_t l = 0; l < c.layers; ++l) {
        m_layers.push_back(register_module("layer" + std::to_string(l), torch::nn::Linear(width, c.hidden)));
        width = c.hidden;
    }
    m_layers.push_back(register_module("head", torch::nn::Linear(width, 2 * c.elements + c.classTotal())));
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
    at::Tensor h = at::cat({inputEncoding(x, active), active, at::embedding(m_step->weight, step),
                            at::embedding(m_mode->weight, mode)}, 1);
    for (size_t l = 0; l + 1 < m_layers.size(); ++l) h = at::silu(at::linear(h, m_layers[l]->weight, m_layers[l]->bias));
    const at::Tensor out = at::linear(h, m_layers.back()->weight, m_layers.back()->bias);
    const int64_t S = m_config.elements;
    ElementPredictions p{out.narrow(1, 0, S), out.narrow(1, S, S).clamp(-7.0, 5.0), {}};
    if (m_config.classTotal() > 0) p.logits = out.narrow(1, 2 * S, m_config.classTotal());
    return p;
}

at::Tensor SfarmMlpImpl::classProbabilities(const ElementPredictions& p, int64_t element) const {
    if (!m_config.categorical(element)) throw std::invalid_argument("SFARM: element " + std::to_string(element) + " is not categorical");
    const size_t k = static_cast<size_t>(element);
    return at::softmax(p.logits.narrow(1, m_classOffset[k], m_config.classes[k]), 1);
}

at::Tensor SfarmMlpImpl::logDensity(const ElementPredictions& p, const at::Tensor& x) const {
    at::Tensor ll = gaussianLogDensity(at::nan_to_num(x), p.mean, p.logStd);
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
    at::Tensor noise;
    if (sample && truncation > 0.0) {
        const double lo = 0.5 * std::erfc(truncation / std::sqrt(2.0));  // Phi(-truncation)
        const at::Tensor u = lo + (1.0 - 2.0 * lo) * at::rand(p.mean.sizes(), gen, p.mean.scalar_type());
        noise = std::sqrt(2.0) * at::erfinv(2.0 * u - 1.0);
    } else if (sample) {
        noise = at::randn(p.mean.sizes(), gen, p.mean.scalar_type());
    }
    at::Tensor values = sample ? p.mean + at::exp(p.logStd) * noise : p.mean.clone();
    for (int64_t k = 0; k < m_config.elements; ++k) {
        if (m_config.integer(k)) {
            const int64_t levels = m_config.levels[static_cast<size_t>(k)];
            values.select(1, k).copy_(sample ? discretisedLogisticSample(p.mean.select(1, k), p.logStd.select(1, k), levels, gen)
                                             : discretisedLogisticPoint(p.mean.select(1, k), levels));
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

}  // namespace ms
