#pragma once
// Work I partitioning (METHODS.md §3): each step splits a row's observed support M into a context
// M_ctx ⊆ M (the network's input) and a query M ⊙ (1 - M_ctx) (where the loss is taken). Entries
// are dropped from the context in groups: a group per entry gives i.i.d. masks; a keypoint's x and
// y form one group, so whole keypoints are dropped together. For images whose observation masks
// are blocks, a row's context instead loses one square block (all channels) at a random place:
// the structure of the data's own masks.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace ms::partial {

struct ImageShape {
    int64_t channels = 1, height = 0, width = 0;
    int64_t entries() const { return channels * height * width; }
};

struct ContextSettings {
    double delta = 0.2;             // probability that an observed group is left out of the context
    std::vector<int64_t> groupOf;   // [D] group index of every entry; empty: every entry its own group
    // Images only: the share of rows whose context loses one blockSide x blockSide square instead
    // of i.i.d. groups (0: none; 1: every row).
    ImageShape image;
    int64_t blockSide = 0;
    double blockShare = 0.0;
    // Work II instead of a hand rule: masks drawn once from the learned prior over observation
    // masks (partial/MaskPrior), [P, D] float 0/1; when defined every context is M_hat ⊙ M with M_hat
    // a uniformly chosen pool row (delta and the block settings are then unused). A pool drawn
    // before training keeps the BFN's sampler out of every step; its rows are i.i.d. prior draws.
    at::Tensor priorPool;
};

// Entry groups for a vector of `keypoints` x,y pairs followed by `singles` extra outputs:
// keypoint k is group k (both coordinates), extra output j is group keypoints + j.
std::vector<int64_t> keypointGroups(int64_t keypoints, int64_t singles);

// Number of groups (max index + 1) of a grouping of `entries` entries (entries when empty).
int64_t groupCount(const std::vector<int64_t>& groupOf, int64_t entries);

// observed: [B, D] 0/1 entries. Returns [B, G] float 0/1: a group is observed when all of its
// entries are (a keypoint with only x or only y written is a gap). groupOf empty: the entries.
at::Tensor groupObserved(const at::Tensor& observed, const std::vector<int64_t>& groupOf);
// The inverse: [B, G] group masks to [B, D] entry masks (every entry of a group as its group).
at::Tensor entriesOfGroups(const at::Tensor& groupMasks, const std::vector<int64_t>& groupOf);

// Throws std::invalid_argument for delta outside [0, 1), a grouping of the wrong length, or block
// settings that do not fit the image.
void checkContextSettings(const ContextSettings& settings, int64_t entries);

// observed: [B, D] float 0/1. Returns M_ctx, [B, D] float 0/1, a subset of observed: each group of
// each row is dropped with probability delta (all its observed entries together), or for a
// blockShare of the rows one square block is dropped. Throws std::invalid_argument as
// checkContextSettings does.
at::Tensor drawContextMask(const at::Tensor& observed, const ContextSettings& settings, at::Generator& generator);

// Work II's partition (METHODS.md §3): the context is the intersection of the row's observed
// support with a mask drawn from the learned prior over observation masks (partial/MaskPrior),
// M_ctx = M_hat ⊙ M, so the query M ⊙ (1 - M_ctx) reaches every observed entry the prior can
// leave out, whatever the masks' topology. Both [B, D] 0/1; returns M_ctx as float.
at::Tensor intersectionContextMask(const at::Tensor& observed, const at::Tensor& priorMasks);

}  // namespace ms::partial
