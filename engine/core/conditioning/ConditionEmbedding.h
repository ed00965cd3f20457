#pragma once
// Mixed-type condition embedding with explicit "unknown" states (paper §3.1, improved as in
// METHODS.md): categorical condition i has a table of n_i + 1 rows, row 0 reserved for unknown;
// numerical condition j is Linear(1, d) when known and its own learned "missing" vector when
// not. All categorical tables live in one concatenated table (offsets per condition) so the
// lookup is one gather, which matters for the per-step cost of small models.
#include <torch/nn/module.h>

#include <vector>

#include "core/conditioning/ConditionInput.h"

namespace ms {

class ConditionEmbeddingImpl : public torch::nn::Module {
public:
    ConditionEmbeddingImpl(std::vector<int64_t> classCounts, int64_t numericalCount, int64_t dim);

    // [B, C * dim + M * dim]: categorical embeddings first, then numerical.
    at::Tensor forward(const ConditionInput& c) const;
    // Row of the concatenated table for each (sample, categorical condition): [B, C] int64.
    at::Tensor tableIndex(const at::Tensor& categorical) const;

    int64_t outputDim() const { return (categoricalCount() + m_numericalCount) * m_dim; }
    int64_t categoricalCount() const { return static_cast<int64_t>(m_classCounts.size()); }
    int64_t numericalCount() const { return m_numericalCount; }
    int64_t dim() const { return m_dim; }
    const std::vector<int64_t>& classCounts() const { return m_classCounts; }

    at::Tensor table;       // [sum(n_i + 1), dim]
    at::Tensor numWeight;   // [M, dim]
    at::Tensor numBias;     // [M, dim]
    at::Tensor numMissing;  // [M, dim]

private:
    // First row of each condition's block, [C] int64. Not a registered buffer: it is derived
    // from classCounts, and Module::to(dtype) would turn a buffer into floats.
    mutable at::Tensor m_offsets;
    std::vector<int64_t> m_classCounts;
    int64_t m_numericalCount;
    int64_t m_dim;
};
TORCH_MODULE(ConditionEmbedding);

}  // namespace ms
