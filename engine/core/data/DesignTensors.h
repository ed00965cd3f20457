#pragma once
// A DesignTable as normalised float tensors, ready for training and evaluation.
#include <ATen/core/Tensor.h>

#include <vector>

#include "core/conditioning/ConditionInput.h"
#include "core/data/DesignTable.h"
#include "core/data/Normalization.h"

namespace ms {

struct DesignTensors {
    at::Tensor outputs;          // [N, D] float32, normalised
    ConditionInput conditions;   // unknown cells stay unknown

    int64_t rows() const { return outputs.defined() ? outputs.size(0) : 0; }
    DesignTensors select(const std::vector<int64_t>& rowIndex) const;
    DesignTensors to(const at::Device& device) const;
};

DesignTensors makeDesignTensors(const DesignTable& table, const Normalization& norm);

}  // namespace ms
