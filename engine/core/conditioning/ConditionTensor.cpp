#include "core/conditioning/ConditionTensor.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

namespace ms {

ConditionInput conditionInputFor(const Schema& schema, const Normalization& norm, const ConditionValues& c, int64_t rows) {
    if (c.categorical.size() != schema.categorical.size() || c.numerical.size() != schema.numerical.size())
        throw std::invalid_argument("condition set does not match the model's schema");
    std::vector<int64_t> cat(c.categorical.begin(), c.categorical.end());
    std::vector<float> num(c.numerical.size()), known(c.numerical.size());
    for (std::size_t j = 0; j < c.numerical.size(); ++j) {
        known[j] = std::isnan(c.numerical[j]) ? 0.0f : 1.0f;
        num[j] = known[j] > 0 ? static_cast<float>(norm.numerical.normalise(j, c.numerical[j])) : 0.0f;
    }
    const auto catCount = static_cast<int64_t>(cat.size()), numCount = static_cast<int64_t>(num.size());
    return ConditionInput{at::tensor(cat, at::kLong).view({1, catCount}).expand({rows, catCount}).contiguous(),
                          at::tensor(num, at::kFloat).view({1, numCount}).expand({rows, numCount}).contiguous(),
                          at::tensor(known, at::kFloat).view({1, numCount}).expand({rows, numCount}).contiguous()};
}

}  // namespace ms
