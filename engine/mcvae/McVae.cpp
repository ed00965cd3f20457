#include "mcvae/McVae.h"

#include "core/runtime/TorchRuntime.h"

#include <ATen/ATen.h>

namespace ms::mcvae {

std::vector<int64_t> McVaeConfig::encoderWidths() const {
    std::vector<int64_t> w{inputEmbedding};
    w.insert(w.end(), encoderHidden.begin(), encoderHidden.end());
    return w;
}

std::vector<int64_t> McVaeConfig::decoderWidths() const {
    return {encoderHidden.rbegin(), encoderHidden.rend()};
}

McVaeConfig McVaeConfig::forSchema(const Schema& schema) const {
    McVaeConfig c = *this;
    c.outputDim = static_cast<int64_t>(schema.outputDim());
    c.classCounts.clear();
    for (const auto& k : schema.categorical) c.classCounts.push_back(static_cast<int64_t>(k.classes.size()));
    c.numericalCount = static_cast<int64_t>(schema.numerical.size());
    return c;
}

McVae seededModel(const McVaeConfig& config, uint64_t seed) {
    return buildSeeded(seed, [&] { return McVae(config); });
}

bool McVaeConfig::operator==(const McVaeConfig& o) const {
    return outputDim == o.outputDim && classCounts == o.classCounts && numericalCount == o.numericalCount &&
           inputEmbedding == o.inputEmbedding && encoderHidden == o.encoderHidden && latentDim == o.latentDim &&
           conditionEmbedding == o.conditionEmbedding;
}

McVaeImpl::McVaeImpl(McVaeConfig config) : m_config(std::move(config)) {
    m_conditions = register_module(
        "conditions", ConditionEmbedding(m_config.classCounts, m_config.numericalCount, m_config.conditionEmbedding));

    auto addStack = [this](const char* prefix, int64_t in, const std::vector<int64_t>& widths, int64_t out,
                           std::vector<torch::nn::Linear>& layers) {
        int64_t prev = in;
        for (int64_t w : widths) {
            layers.push_back(register_module(prefix + std::to_string(layers.size()), torch::nn::Linear(prev, w)));
            prev = w;
        }
        layers.push_back(register_module(prefix + std::to_string(layers.size()), torch::nn::Linear(prev, out)));
    };
    addStack("enc", m_config.outputDim, m_config.encoderWidths(), 2 * m_config.latentDim, m_encoder);
    addStack("dec", m_config.latentDim + m_conditions->outputDim(), m_config.decoderWidths(), m_config.outputDim,
             m_decoder);
    // SELU after every hidden layer; none after the encoder's input embedding or the heads.
    m_encoderActivation.assign(m_encoder.size(), true);
    m_encoderActivation.front() = false;
    m_encoderActivation.back() = false;
    m_decoderActivation.assign(m_decoder.size(), true);
    m_decoderActivation.back() = false;
}

at::Tensor McVaeImpl::runMlp(const std::vector<torch::nn::Linear>& layers, const std::vector<bool>& activation,
                             at::Tensor h) {
    for (size_t i = 0; i < layers.size(); ++i) {
        h = at::linear(h, layers[i]->weight, layers[i]->bias);
        if (activation[i]) h = at::selu(h);
    }
    return h;
}

std::pair<at::Tensor, at::Tensor> McVaeImpl::encode(const at::Tensor& x) const {
    auto stats = runMlp(m_encoder, m_encoderActivation, x).chunk(2, 1);
    return {stats[0], stats[1]};
}

at::Tensor McVaeImpl::decode(const at::Tensor& z, const ConditionInput& c) const {
    return runMlp(m_decoder, m_decoderActivation, at::cat({z, m_conditions->forward(c)}, 1));
}

McVaeOutput McVaeImpl::forward(const at::Tensor& x, const ConditionInput& c, const at::Tensor& eps) const {
    auto [mu, logvar] = encode(x);
    const at::Tensor z = mu + eps * at::exp(0.5 * logvar);
    return {decode(z, c), mu, logvar};
}

}  // namespace ms::mcvae
