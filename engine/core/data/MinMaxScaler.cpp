#include "core/data/MinMaxScaler.h"

#include <cmath>
#include <limits>

namespace ms {

MinMaxScaler MinMaxScaler::fit(const std::vector<double>& values, std::size_t rows, std::size_t dim) {
    MinMaxScaler s;
    s.min.assign(dim, std::numeric_limits<double>::infinity());
    s.max.assign(dim, -std::numeric_limits<double>::infinity());
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t d = 0; d < dim; ++d) {
            const double v = values[r * dim + d];
            if (std::isnan(v)) continue;
            if (v < s.min[d]) s.min[d] = v;
            if (v > s.max[d]) s.max[d] = v;
        }
    for (std::size_t d = 0; d < dim; ++d)
        if (!std::isfinite(s.min[d])) s.min[d] = s.max[d] = 0.0;  // column with no known value
    return s;
}

}  // namespace ms
