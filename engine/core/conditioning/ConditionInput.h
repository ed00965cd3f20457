#pragma once
// Conditions as the models consume them: every condition is either known or unknown, per row.
// Unknown is explicit (class -1, numericalKnown = 0), never a sentinel inside the value range.
#include <ATen/core/Tensor.h>

namespace ms {

struct ConditionInput {
    at::Tensor categorical;     // [B, C] int64: class index, or -1 when unknown / masked
    at::Tensor numerical;       // [B, M] float: min-max normalised value (ignored when unknown)
    at::Tensor numericalKnown;  // [B, M] float: 1 known, 0 unknown / masked

    int64_t rows() const { return categorical.defined() ? categorical.size(0) : 0; }
    ConditionInput to(const at::Device& device) const;
    ConditionInput slice(int64_t begin, int64_t end) const;  // rows [begin, end), views
    ConditionInput select(const at::Tensor& rowIndex) const;  // gathered copy
    // Masks conditions where `keep` (a [B, C + M] bool tensor, categorical first) is false.
    ConditionInput masked(const at::Tensor& keep) const;
};

}  // namespace ms
