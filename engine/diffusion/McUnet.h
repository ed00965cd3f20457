#pragma once
// The mcLDM denoiser (METHODS.md §1 "mcLDM"): a U-Net over latents with a timestep embedding,
// ResBlocks, self-attention at the lower resolutions, and the paper's condition injection
// WITHOUT cross-attention: the masked-condition embedding e_y goes through a per-level
// Linear -> BatchNorm, is repeated over the level's H x W and concatenated to the features
// before the first ResBlock of every resolution level, on the way down and on the way up.
// With crossAttention (MCGM, METHODS.md §4) the finest crossAttentionLevels levels (16 x 16 and
// 8 x 8 latents for 64-px images) also cross-attend, after their self-attention, to tokens:
// [null, one per condition (its masked-condition embedding, projected; unknown = its learned
// unknown embedding), the target mask (MaskEncoder; a learned "no mask" token when a row has none),
// one per learnt concept (left out of the attention of rows that do not ask for it)].
#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <vector>

#include "core/conditioning/ConditionEmbedding.h"
#include "core/conditioning/ConditionInput.h"
#include "diffusion/CrossAttention.h"
#include "diffusion/MaskEncoder.h"
#include "diffusion/UnetBlocks.h"

namespace ms::diffusion {

struct McUnetConfig {
    int64_t inChannels = 4;                    // latent channels
    int64_t outChannels = 0;                   // 0: as many as in (the noise); else its own count
    int64_t baseChannels = 64;                 // paper: 64 (GeoBIKED)
    std::vector<int64_t> channelMult{1, 2, 2, 4};  // one entry per resolution level (paper: 4 levels)
    int64_t resBlocks = 1;                     // ResBlocks per level and direction
    int64_t attentionFromLevel = 1;            // levels >= this have self-attention
    int64_t heads = 8;                         // paper: 8
    int64_t conditionDim = 16;                 // embedding size per condition
    int64_t conditionChannels = 16;            // channels injected per level
    std::vector<int64_t> classCounts;          // categorical conditions (classes each)
    int64_t numericalCount = 0;
    bool crossAttention = false;               // MCGM tokens (off: the paper's mcLDM as before)
    int64_t crossAttentionLevels = 2;          // the finest levels that cross-attend
    int64_t tokenDim = 64;                     // token width
    int64_t maskGrid = 16;                     // the mask encoder's grid (grid x grid -> Linear)
    int64_t conceptTokens = 0;                 // learnt concepts (image concept), one token each

    int64_t levels() const { return static_cast<int64_t>(channelMult.size()); }
    int64_t outputChannels() const { return outChannels > 0 ? outChannels : inChannels; }
    int64_t conditionCount() const { return static_cast<int64_t>(classCounts.size()) + numericalCount; }
    int64_t tokenCount() const { return conditionCount() + 2 + conceptTokens; }  // null, conditions, mask, concepts
    int64_t maskTokenIndex() const { return conditionCount() + 1; }
    int64_t conceptTokenIndex(int64_t concept) const { return maskTokenIndex() + 1 + concept; }
    // Empty when valid, else a message naming the bad field.
    std::string validate() const;
};

// What the cross-attention tokens carry besides the conditions (cross-attention models only).
struct TokenInput {
    TokenInput(at::Tensor targetMask = {}, at::Tensor concepts = {})
        : targetMask(std::move(targetMask)), concepts(std::move(concepts)) {}
    at::Tensor targetMask;  // [B or 1, 1, imageH, imageW] in [0, 1]; a row with no pixel above 0.5: no shape
    at::Tensor concepts;    // [B or 1, conceptTokens] float: 1 where the row asks for the concept
    // The conditions may hold more rows than x: a data-parallel step's global batch, so that the
    // condition projections' BatchNorm sees the whole batch's statistics as one process would
    // (training/BatchShard.h). x's rows are then the conditions' rows [conditionRowsFrom, + B).
    int64_t conditionRowsFrom = 0;
};

class McUnetImpl : public torch::nn::Module {
public:
    explicit McUnetImpl(McUnetConfig config);

    // x [B, inChannels, H, W] (H, W divisible by 2^(levels-1)), t [B] step indices,
    // conditions with B rows (unknown = masked). Returns the predicted noise (or whatever the
    // network is trained to predict), [B, outputChannels(), H, W].
    // extra: the target shape and concepts of a cross-attention model (ignored by others).
    // attentionMaps, when given, receives every cross-attention layer's map in forward order,
    // each [B, h * w, tokenCount()].
    at::Tensor forward(const at::Tensor& x, const at::Tensor& t, const ConditionInput& conditions,
                       const TokenInput& extra = {}, std::vector<at::Tensor>* attentionMaps = nullptr);

    // The cross-attention tokens, [B, tokenCount(), tokenDim] (cross-attention models only).
    at::Tensor tokens(const ConditionInput& conditions, const TokenInput& extra, int64_t rows);

    // The learnt concepts' embeddings, [conceptTokens, tokenDim] (undefined without concepts).
    at::Tensor conceptEmbeddings() const { return conceptEmbedding; }

    // The injected condition map of one level as the forward pass builds it, [B, conditionChannels]
    // (before broadcasting); `up` selects the up path. For tests and inspection.
    at::Tensor levelCondition(const ConditionInput& conditions, int64_t level, bool up);

    const McUnetConfig& config() const { return m_config; }

private:
    at::Tensor injected(const at::Tensor& h, const at::Tensor& e, int64_t level, bool up, int64_t rowsFrom);

    McUnetConfig m_config;
    ConditionEmbedding embedding{nullptr};
    torch::nn::Sequential timeMlp{nullptr};
    torch::nn::Conv2d convIn{nullptr}, convOut{nullptr};
    torch::nn::GroupNorm normOut{nullptr};
    torch::nn::ModuleList downBlocks, upBlocks, downAttn, upAttn, downsample, upsample;
    torch::nn::ModuleList downCondition, upCondition;
    torch::nn::ModuleList downCross, upCross;  // CrossAttention or Identity per level
    torch::nn::Linear tokenProjection{nullptr};
    at::Tensor conditionPosition, nullToken, noMaskToken;  // [K, tokenDim], [tokenDim], [tokenDim]
    at::Tensor conceptEmbedding;                           // [conceptTokens, tokenDim]
    MaskEncoder maskEncoder{nullptr};
    ResBlock midBlock1{nullptr}, midBlock2{nullptr};
    SelfAttention midAttn{nullptr};
};
TORCH_MODULE(McUnet);

// A copy of `unet` with room for one more concept: every weight copied, the new concept's
// embedding starting at the null token (plus a little noise). Needs a cross-attention U-Net.
McUnet withConceptSlot(McUnet& unet);

}  // namespace ms::diffusion
