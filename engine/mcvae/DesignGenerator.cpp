#include "mcvae/DesignGenerator.h"

#include "core/conditioning/ConditionTensor.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <stdexcept>

namespace ms::mcvae {

DesignGenerator::DesignGenerator(ModelBundle bundle, const at::Device& device)
    : m_bundle(std::move(bundle)), m_device(device) {
    m_bundle.model->to(device);
    m_bundle.model->eval();
}

std::vector<std::vector<double>> DesignGenerator::generate(const GenerationRequest& r) const {
    const Schema& schema = m_bundle.schema;
    const auto& c = r.conditions;
    if (c.categorical.size() != schema.categorical.size() || c.numerical.size() != schema.numerical.size())
        throw std::invalid_argument("condition set does not match the model's schema");
    if (r.count < 1) throw std::invalid_argument("count must be at least 1");
    c10::InferenceMode guard;
    const int64_t n = r.count;
    const int64_t latent = m_bundle.config.latentDim;

    ConditionInput input = conditionInputFor(schema, m_bundle.normalization, c, n);

    at::Tensor z;
    if (r.latent == LatentMode::Zero) {
        z = at::zeros({n, latent});
    } else {
        at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(r.seed);
        z = at::randn({n, latent}, gen, at::kFloat);
    }
    if (!r.latentOffset.empty()) {
        if (static_cast<int64_t>(r.latentOffset.size()) != latent)
            throw std::invalid_argument("latent offset has " + std::to_string(r.latentOffset.size()) +
                                        " values; the model's latent space has " + std::to_string(latent));
        z = z + at::tensor(r.latentOffset, at::kDouble).to(at::kFloat).view({1, latent});
    }
    if (!m_device.is_cpu()) {
        z = z.to(m_device);
        input = input.to(m_device);
    }
    const at::Tensor out = m_bundle.model->decode(z, input).to(at::kCPU, at::kDouble).contiguous();
    const auto dim = static_cast<size_t>(out.size(1));
    const double* p = out.data_ptr<double>();
    std::vector<std::vector<double>> designs(static_cast<size_t>(n), std::vector<double>(dim));
    for (size_t i = 0; i < designs.size(); ++i)
        for (size_t d = 0; d < dim; ++d) designs[i][d] = m_bundle.normalization.outputs.denormalise(d, p[i * dim + d]);
    return designs;
}

}  // namespace ms::mcvae
