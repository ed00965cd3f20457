#include "diffusion/McUnet.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/sequential.h>

#include <stdexcept>
#include <string>

namespace ms::diffusion {
namespace {

// Linear -> BatchNorm over the condition embedding: the per-level injection of the paper.
torch::nn::Sequential conditionProjection(int64_t embeddingDim, int64_t channels) {
    return torch::nn::Sequential(torch::nn::Linear(embeddingDim, channels), torch::nn::BatchNorm1d(channels));
}

std::shared_ptr<torch::nn::Module> identity() { return std::make_shared<torch::nn::IdentityImpl>(); }

std::shared_ptr<torch::nn::Module> crossAttentionAt(const McUnetConfig& c, int64_t level, int64_t channels) {
    if (!c.crossAttention || level >= c.crossAttentionLevels) return identity();
    return CrossAttention(channels, c.tokenDim, c.heads).ptr();
}

}  // namespace

std::string McUnetConfig::validate() const {
    if (inChannels < 1) return "in_channels must be at least 1";
    if (outChannels < 0) return "out_channels must be 0 (as in) or positive";
    if (baseChannels < kUnetGroups || baseChannels % kUnetGroups != 0)
        return "base_channels must be a positive multiple of " + std::to_string(kUnetGroups);
    if (channelMult.empty()) return "channel_mult needs at least one level";
    for (int64_t m : channelMult)
        if (m < 1) return "channel_mult entries must be at least 1";
    if (resBlocks < 1) return "res_blocks must be at least 1";
    if (heads < 1) return "heads must be at least 1";
    for (int64_t m : channelMult)
        if ((baseChannels * m) % heads != 0) return "every level's channels must split into the attention heads";
    if (conditionCount() > 0 && (conditionChannels < kUnetGroups || conditionChannels % kUnetGroups != 0))
        return "condition_channels must be a positive multiple of " + std::to_string(kUnetGroups);
    if (conditionDim < 1) return "condition_dim must be at least 1";
    for (int64_t n : classCounts)
        if (n < 1) return "every categorical condition needs at least one class";
    if (crossAttention) {
        if (crossAttentionLevels < 1 || crossAttentionLevels > levels())
            return "cross_attention_levels must be between 1 and the number of levels";
        if (tokenDim < 1) return "token_dim must be at least 1";
        if (maskGrid < 1) return "mask_grid must be at least 1";
        if (conceptTokens < 0) return "concept_tokens must be 0 or more";
    }
    return {};
}

McUnetImpl::McUnetImpl(McUnetConfig config) : m_config(std::move(config)) {
    if (const std::string problem = m_config.validate(); !problem.empty())
        throw std::invalid_argument("U-Net configuration: " + problem);
    const McUnetConfig& c = m_config;
    const int64_t timeDim = 4 * c.baseChannels;
    const int64_t condCh = c.conditionCount() > 0 ? c.conditionChannels : 0;
    if (condCh > 0) embedding = register_module("embedding", ConditionEmbedding(c.classCounts, c.numericalCount, c.conditionDim));
    timeMlp = register_module("time_mlp", torch::nn::Sequential(torch::nn::Linear(c.baseChannels, timeDim),
                                                                 torch::nn::SiLU(), torch::nn::Linear(timeDim, timeDim)));
    convIn = register_module("conv_in", torch::nn::Conv2d(torch::nn::Conv2dOptions(c.inChannels, c.baseChannels, 3).padding(1)));

    std::vector<int64_t> levelChannels;
    int64_t ch = c.baseChannels;
    for (int64_t l = 0; l < c.levels(); ++l) {
        const int64_t out = c.baseChannels * c.channelMult[static_cast<std::size_t>(l)];
        levelChannels.push_back(out);
        if (condCh > 0) downCondition->push_back(conditionProjection(embedding->outputDim(), condCh));
        torch::nn::ModuleList blocks;
        for (int64_t r = 0; r < c.resBlocks; ++r) {
            blocks->push_back(ResBlock((r == 0 ? ch + condCh : out), out, timeDim));
        }
        downBlocks->push_back(blocks);
        downAttn->push_back(l >= c.attentionFromLevel ? SelfAttention(out, c.heads).ptr()
                                                       : identity());
        downCross->push_back(crossAttentionAt(c, l, out));
        if (l + 1 < c.levels())
            downsample->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(out, out, 3).stride(2).padding(1)));
        ch = out;
    }
    midBlock1 = register_module("mid1", ResBlock(ch, ch, timeDim));
    midAttn = register_module("mid_attn", SelfAttention(ch, c.heads));
    midBlock2 = register_module("mid2", ResBlock(ch, ch, timeDim));

    for (int64_t l = c.levels() - 1; l >= 0; --l) {
        const int64_t out = levelChannels[static_cast<std::size_t>(l)];
        if (condCh > 0) upCondition->push_back(conditionProjection(embedding->outputDim(), condCh));
        torch::nn::ModuleList blocks;
        for (int64_t r = 0; r < c.resBlocks; ++r)
            blocks->push_back(ResBlock((r == 0 ? ch + out + condCh : out), out, timeDim));
        upBlocks->push_back(blocks);
        upAttn->push_back(l >= c.attentionFromLevel ? SelfAttention(out, c.heads).ptr()
                                                     : identity());
        upCross->push_back(crossAttentionAt(c, l, out));
        if (l > 0) upsample->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(out, out, 3).padding(1)));
        ch = out;
    }
    normOut = register_module("norm_out", torch::nn::GroupNorm(torch::nn::GroupNormOptions(kUnetGroups, ch)));
    convOut = register_module("conv_out", torch::nn::Conv2d(torch::nn::Conv2dOptions(ch, c.outputChannels(), 3).padding(1)));
    register_module("down_blocks", downBlocks);
    register_module("down_attn", downAttn);
    register_module("downsample", downsample);
    register_module("up_blocks", upBlocks);
    register_module("up_attn", upAttn);
    register_module("upsample", upsample);
    if (condCh > 0) {
        register_module("down_condition", downCondition);
        register_module("up_condition", upCondition);
    }
    if (c.crossAttention) {
        register_module("down_cross", downCross);
        register_module("up_cross", upCross);
        if (condCh > 0) {
            tokenProjection = register_module("token_projection", torch::nn::Linear(c.conditionDim, c.tokenDim));
            conditionPosition = register_parameter("condition_position", at::randn({c.conditionCount(), c.tokenDim}) * 0.02);
        }
        nullToken = register_parameter("null_token", at::randn({c.tokenDim}) * 0.02);
        noMaskToken = register_parameter("no_mask_token", at::randn({c.tokenDim}) * 0.02);
        maskEncoder = register_module("mask_encoder", MaskEncoder(c.maskGrid, c.tokenDim));
        if (c.conceptTokens > 0)
            conceptEmbedding = register_parameter("concept_tokens", at::randn({c.conceptTokens, c.tokenDim}) * 0.02);
    }
}

at::Tensor McUnetImpl::tokens(const ConditionInput& conditions, const TokenInput& extra, int64_t rows) {
    const McUnetConfig& c = m_config;
    if (!c.crossAttention) throw std::logic_error("tokens() of a U-Net without cross-attention");
    std::vector<at::Tensor> parts{nullToken.view({1, 1, -1}).expand({rows, 1, -1})};
    if (embedding) {
        const at::Tensor e =
            embedding(conditions).narrow(0, extra.conditionRowsFrom, rows).view({rows, c.conditionCount(), c.conditionDim});
        parts.push_back(tokenProjection(e) + conditionPosition.unsqueeze(0));
    }
    at::Tensor mask = noMaskToken.view({1, -1}).expand({rows, -1});
    if (extra.targetMask.defined()) {
        const at::Tensor m = extra.targetMask.to(nullToken.device(), at::kFloat).expand({rows, -1, -1, -1});
        const at::Tensor present = (m.flatten(1).amax(1) > 0.5).unsqueeze(1);
        mask = at::where(present, maskEncoder(m), mask);
    }
    parts.push_back(mask.unsqueeze(1));
    if (c.conceptTokens > 0) {
        const at::Tensor asked = extra.concepts.defined()
                                     ? extra.concepts.to(nullToken.device(), at::kFloat).expand({rows, c.conceptTokens}).unsqueeze(2)
                                     : at::zeros({rows, c.conceptTokens, 1}, nullToken.options());
        parts.push_back(asked * conceptEmbedding.unsqueeze(0) + (1.0 - asked) * nullToken.view({1, 1, -1}));
    }
    return at::cat(parts, 1);
}

at::Tensor McUnetImpl::levelCondition(const ConditionInput& conditions, int64_t level, bool up) {
    if (!embedding) return {};
    const at::Tensor e = embedding(conditions);
    // up-path projections are stored from the deepest level upwards
    const int64_t index = up ? m_config.levels() - 1 - level : level;
    auto& list = up ? upCondition : downCondition;
    return list[static_cast<std::size_t>(index)]->as<torch::nn::Sequential>()->forward(e);
}

at::Tensor McUnetImpl::injected(const at::Tensor& h, const at::Tensor& e, int64_t index, bool up, int64_t rowsFrom) {
    if (!e.defined()) return h;
    auto& list = up ? upCondition : downCondition;
    const at::Tensor v = list[static_cast<std::size_t>(index)]->as<torch::nn::Sequential>()->forward(e).narrow(0, rowsFrom, h.size(0));
    return at::cat({h, v.unsqueeze(-1).unsqueeze(-1).expand({-1, -1, h.size(2), h.size(3)})}, 1);
}

at::Tensor McUnetImpl::forward(const at::Tensor& x, const at::Tensor& t, const ConditionInput& conditions,
                               const TokenInput& extra, std::vector<at::Tensor>* attentionMaps) {
    const McUnetConfig& c = m_config;
    const int64_t factor = int64_t{1} << (c.levels() - 1);
    if (x.dim() != 4 || x.size(1) != c.inChannels || x.size(2) % factor != 0 || x.size(3) % factor != 0)
        throw std::invalid_argument("U-Net input must be [B, " + std::to_string(c.inChannels) +
                                    ", H, W] with H and W divisible by " + std::to_string(factor));
    const at::Tensor e = embedding ? embedding(conditions) : at::Tensor();
    const at::Tensor temb = timeMlp->forward(timestepFeatures(t.to(x.device()), c.baseChannels));

    const at::Tensor tok = c.crossAttention ? tokens(conditions, extra, x.size(0)) : at::Tensor();
    // Concepts a row does not ask for are left out of its attention: without them the model is
    // exactly the one before the concepts were learnt.
    at::Tensor attendable;
    if (c.crossAttention && c.conceptTokens > 0) {
        attendable = at::ones({x.size(0), c.tokenCount()}, x.options().dtype(at::kBool));
        const at::Tensor asked = extra.concepts.defined()
                                     ? (extra.concepts.to(x.device(), at::kFloat).expand({x.size(0), c.conceptTokens}) > 0.5)
                                     : at::zeros({x.size(0), c.conceptTokens}, attendable.options());
        attendable.narrow(1, c.conceptTokenIndex(0), c.conceptTokens).copy_(asked);
    }
    const auto crossAttend = [&](torch::nn::ModuleList& list, int64_t index, const at::Tensor& h) {
        auto* cross = list[static_cast<std::size_t>(index)]->as<CrossAttentionImpl>();
        if (!cross) return h;
        if (!attentionMaps) return cross->forward(h, tok, attendable);
        at::Tensor map;
        at::Tensor out = cross->forward(h, tok, attendable, &map);
        attentionMaps->push_back(map);
        return out;
    };

    at::Tensor h = convIn(x);
    std::vector<at::Tensor> skips;
    for (int64_t l = 0; l < c.levels(); ++l) {
        h = injected(h, e, l, false, extra.conditionRowsFrom);
        for (const auto& block : *downBlocks[static_cast<std::size_t>(l)]->as<torch::nn::ModuleList>())
            h = block->as<ResBlockImpl>()->forward(h, temb);
        if (auto* attn = downAttn[static_cast<std::size_t>(l)]->as<SelfAttentionImpl>()) h = attn->forward(h);
        if (c.crossAttention) h = crossAttend(downCross, l, h);
        skips.push_back(h);
        if (l + 1 < c.levels()) h = downsample[static_cast<std::size_t>(l)]->as<torch::nn::Conv2dImpl>()->forward(h);
    }
    h = midBlock2(midAttn(midBlock1(h, temb)), temb);
    for (int64_t i = 0; i < c.levels(); ++i) {
        const int64_t l = c.levels() - 1 - i;
        h = injected(at::cat({h, skips[static_cast<std::size_t>(l)]}, 1), e, i, true, extra.conditionRowsFrom);
        for (const auto& block : *upBlocks[static_cast<std::size_t>(i)]->as<torch::nn::ModuleList>())
            h = block->as<ResBlockImpl>()->forward(h, temb);
        if (auto* attn = upAttn[static_cast<std::size_t>(i)]->as<SelfAttentionImpl>()) h = attn->forward(h);
        if (c.crossAttention) h = crossAttend(upCross, i, h);
        if (l > 0) {
            h = at::upsample_nearest2d(h, {h.size(2) * 2, h.size(3) * 2});
            h = upsample[static_cast<std::size_t>(i)]->as<torch::nn::Conv2dImpl>()->forward(h);
        }
    }
    return convOut(at::silu(normOut(h)));
}

McUnet withConceptSlot(McUnet& unet) {
    McUnetConfig config = unet->config();
    if (!config.crossAttention) throw std::invalid_argument("a concept needs an image model trained with cross-attention");
    config.conceptTokens += 1;
    McUnet grown(config);
    torch::NoGradGuard noGrad;
    auto target = grown->named_parameters();
    for (const auto& p : unet->named_parameters()) {
        if (p.key() == "concept_tokens") {
            target["concept_tokens"].narrow(0, 0, p.value().size(0)).copy_(p.value());
        } else {
            target[p.key()].copy_(p.value());
        }
    }
    const at::Tensor fresh = target["concept_tokens"].select(0, config.conceptTokens - 1);
    fresh.copy_(unet->named_parameters()["null_token"] + 0.01 * at::randn_like(fresh));
    auto buffers = grown->named_buffers();
    for (const auto& b : unet->named_buffers()) buffers[b.key()].copy_(b.value());
    grown->to(unet->parameters().front().device());
    grown->train(unet->is_training());
    return grown;
}

}  // namespace ms::diffusion
