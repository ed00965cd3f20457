#pragma once
// The attention a token gets from the U-Net's pixels, as a map: what the mask cross-attention
// loss of MCGM (METHODS.md §4) compares with the target mask, what `image eval --mask-following`
// scores, and what the studio overlays.
#include <ATen/core/Tensor.h>

#include <vector>

namespace ms::diffusion {

// maps: McUnet::forward's attention maps ([B, h * w, T] each). The attention to `token` in the
// layers of the finest resolution among them, averaged over those layers and divided by its
// maximum per row: [B, 1, r, r] in [0, 1].
at::Tensor tokenAttentionMap(const std::vector<at::Tensor>& maps, int64_t token);

// || A - M ||^2 per pixel, averaged over the rows that have a target shape (M: the mask's coverage
// of each attention cell); 0 when no row has one. attention [B, 1, r, r], targetMasks [B, 1, H, W].
// batchMasks: a data-parallel step's masks for its whole (global) batch, of which these B rows are
// one rank's shard: the loss is then this shard's part of the global batch's average, scaled by
// globalRows / B, so that the training loop's weighting of each shard by its rows gives exactly
// the average one process computes over the whole batch.
at::Tensor maskAttentionLoss(const at::Tensor& attention, const at::Tensor& targetMasks, const at::Tensor& batchMasks = {});

}  // namespace ms::diffusion
