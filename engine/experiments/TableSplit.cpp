#include "experiments/TableSplit.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

namespace ms::experiments {

StandardisedSplit standardisedSplit(const NumericTable& data, double testFraction, at::Generator& generator) {
    const auto N = static_cast<int64_t>(data.rows), D = static_cast<int64_t>(data.columns);
    const at::Tensor all = at::tensor(data.values, at::kDouble).view({N, D}).to(at::kFloat);
    const at::Tensor perm = at::randperm(N, generator, at::kLong);
    const auto testRows = std::max<int64_t>(1, static_cast<int64_t>(std::lround(testFraction * static_cast<double>(N))));
    StandardisedSplit s;
    s.test = all.index_select(0, perm.narrow(0, 0, testRows));
    s.train = all.index_select(0, perm.narrow(0, testRows, N - testRows));
    const at::Tensor mean = s.train.mean(0), sd = s.train.std(0).clamp_min(1e-8);
    s.train = (s.train - mean) / sd;
    s.test = (s.test - mean) / sd;
    return s;
}

}  // namespace ms::experiments
