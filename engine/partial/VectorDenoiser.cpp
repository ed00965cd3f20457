#include "partial/VectorDenoiser.h"

#include <ATen/ATen.h>

#include <stdexcept>
#include <string>

#include "diffusion/UnetBlocks.h"

namespace ms::partial {

VectorDenoiserImpl::VectorDenoiserImpl(VectorDenoiserConfig config) : m_config(std::move(config)) {
    const VectorDenoiserConfig& c = m_config;
    if (c.dims < 1 || c.hidden < 1 || c.blocks < 1 || c.timeDim < 2 || c.timeDim % 2 != 0 || c.conditionDim < 1 ||
        c.numericalCount < 0)
        throw std::invalid_argument("partial denoiser: dims, hidden, blocks and condition width must be positive and the "
                                    "timestep width even (dims " + std::to_string(c.dims) + ", hidden " +
                                    std::to_string(c.hidden) + ", blocks " + std::to_string(c.blocks) + ")");
    int64_t inputDim = 2 * c.dims;
    if (c.hasConditions()) {
        embedding = register_module("embedding", ConditionEmbedding(c.classCounts, c.numericalCount, c.conditionDim));
        inputDim += embedding->outputDim();
    }
    input = register_module("input", torch::nn::Linear(inputDim, c.hidden));
    time = register_module("time", torch::nn::Linear(c.timeDim, c.hidden));
    for (int64_t b = 0; b < c.blocks; ++b) {
        blockNorm->push_back(torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden})));
        blockTime->push_back(torch::nn::Linear(c.hidden, c.hidden));
        blockFirst->push_back(torch::nn::Linear(c.hidden, c.hidden));
        blockSecond->push_back(torch::nn::Linear(c.hidden, c.hidden));
    }
    register_module("block_norm", blockNorm);
    register_module("block_time", blockTime);
    register_module("block_first", blockFirst);
    register_module("block_second", blockSecond);
    outputNorm = register_module("output_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden})));
    output = register_module("output", torch::nn::Linear(c.hidden, c.dims));
}

at::Tensor VectorDenoiserImpl::forward(const at::Tensor& t, const at::Tensor& maskedState, const at::Tensor& context,
                                       const ConditionInput* conditions) {
    std::vector<at::Tensor> parts{maskedState, context};
    if (m_config.hasConditions()) {
        if (!conditions) throw std::invalid_argument("partial denoiser: this model needs the design's conditions");
        parts.push_back(embedding->forward(*conditions));
    }
    at::Tensor h = input->forward(at::cat(parts, 1));
    const at::Tensor timeEmbedding = at::silu(time->forward(diffusion::timestepFeatures(t, m_config.timeDim)));
    for (int64_t b = 0; b < m_config.blocks; ++b) {
        const auto i = static_cast<std::size_t>(b);
        at::Tensor r = blockNorm[i]->as<torch::nn::LayerNorm>()->forward(h);
        r = r + blockTime[i]->as<torch::nn::Linear>()->forward(timeEmbedding);
        r = blockFirst[i]->as<torch::nn::Linear>()->forward(at::silu(r));
        r = blockSecond[i]->as<torch::nn::Linear>()->forward(at::silu(r));
        h = h + r;
    }
    return output->forward(at::silu(outputNorm->forward(h)));
}

}  // namespace ms::partial
