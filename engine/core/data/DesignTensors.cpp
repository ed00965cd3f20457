#include "core/data/DesignTensors.h"

#include <ATen/ATen.h>

#include <cmath>

namespace ms {

DesignTensors makeDesignTensors(const DesignTable& t, const Normalization& norm) {
    const auto n = static_cast<int64_t>(t.rows);
    at::Tensor outputs = at::empty({n, static_cast<int64_t>(t.outputDim)}, at::kFloat);
    at::Tensor cat = at::empty({n, static_cast<int64_t>(t.categoricalCount)}, at::kLong);
    at::Tensor num = at::zeros({n, static_cast<int64_t>(t.numericalCount)}, at::kFloat);
    at::Tensor known = at::zeros({n, static_cast<int64_t>(t.numericalCount)}, at::kFloat);
    auto o = outputs.accessor<float, 2>();
    auto c = cat.accessor<int64_t, 2>();
    auto v = num.accessor<float, 2>();
    auto k = known.accessor<float, 2>();
    for (int64_t r = 0; r < n; ++r) {
        for (size_t d = 0; d < t.outputDim; ++d)
            o[r][d] = static_cast<float>(norm.outputs.normalise(d, t.output(r, d)));
        for (size_t j = 0; j < t.categoricalCount; ++j) c[r][j] = t.category(r, j);
        for (size_t j = 0; j < t.numericalCount; ++j) {
            const double value = t.number(r, j);
            if (std::isnan(value)) continue;
            v[r][j] = static_cast<float>(norm.numerical.normalise(j, value));
            k[r][j] = 1.0f;
        }
    }
    return {outputs, {cat, num, known}};
}

DesignTensors DesignTensors::select(const std::vector<int64_t>& rowIndex) const {
    const at::Tensor index = at::tensor(rowIndex, at::kLong).to(outputs.device());
    return {outputs.index_select(0, index), conditions.select(index)};
}

DesignTensors DesignTensors::to(const at::Device& device) const {
    return {outputs.to(device), conditions.to(device)};
}

}  // namespace ms
