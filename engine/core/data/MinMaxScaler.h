#pragma once
// Per-column min-max scaling to [0, 1] (the paper normalises every output dimension and every
// numerical condition this way). Columns with zero range scale by 1 so they stay finite.
#include <cstddef>
#include <vector>

namespace ms {

struct MinMaxScaler {
    std::vector<double> min;
    std::vector<double> max;

    // Fits on a row-major rows x dim block; NaN cells (unknown values) are skipped.
    static MinMaxScaler fit(const std::vector<double>& values, std::size_t rows, std::size_t dim);

    std::size_t dim() const { return min.size(); }
    double scale(std::size_t d) const { return max[d] > min[d] ? max[d] - min[d] : 1.0; }
    double normalise(std::size_t d, double v) const { return (v - min[d]) / scale(d); }
    double denormalise(std::size_t d, double v) const { return v * scale(d) + min[d]; }
    bool operator==(const MinMaxScaler& o) const { return min == o.min && max == o.max; }
};

}  // namespace ms
