#include "core/conditioning/ConditionEmbedding.h"

#include <ATen/ATen.h>
#include <torch/nn/init.h>

namespace ms {

ConditionEmbeddingImpl::ConditionEmbeddingImpl(std::vector<int64_t> classCounts, int64_t numericalCount,
                                               int64_t dim)
    : m_classCounts(std::move(classCounts)), m_numericalCount(numericalCount), m_dim(dim) {
    int64_t rows = 0;
    std::vector<int64_t> offs;
    for (int64_t n : m_classCounts) {
        offs.push_back(rows);
        rows += n + 1;
    }
    // nn.Embedding initialises N(0, 1); Linear(1, d) initialises U(-1, 1) (fan_in = 1).
    table = register_parameter("table", at::randn({std::max<int64_t>(rows, 1), dim}));
    numWeight = register_parameter("num_weight", at::rand({numericalCount, dim}) * 2 - 1);
    numBias = register_parameter("num_bias", at::rand({numericalCount, dim}) * 2 - 1);
    numMissing = register_parameter("num_missing", at::randn({numericalCount, dim}));
    m_offsets = at::tensor(offs, at::kLong);
}

at::Tensor ConditionEmbeddingImpl::tableIndex(const at::Tensor& categorical) const {
    if (m_offsets.device() != categorical.device()) m_offsets = m_offsets.to(categorical.device());
    return categorical + 1 + m_offsets.unsqueeze(0);  // unknown (-1) lands on the reserved row 0
}

at::Tensor ConditionEmbeddingImpl::forward(const ConditionInput& c) const {
    const int64_t b = c.rows();
    std::vector<at::Tensor> parts;
    if (categoricalCount() > 0)
        parts.push_back(table.index_select(0, tableIndex(c.categorical).reshape(-1)).view({b, -1}));
    if (m_numericalCount > 0) {
        const at::Tensor known = c.numericalKnown.unsqueeze(2);                 // [B, M, 1]
        const at::Tensor value = c.numerical.unsqueeze(2) * numWeight + numBias;  // [B, M, d]
        parts.push_back((known * value + (1 - known) * numMissing).view({b, -1}));
    }
    if (parts.empty()) return at::zeros({b, 0}, table.options());
    return parts.size() == 1 ? parts[0] : at::cat(parts, 1);
}

}  // namespace ms
