#pragma once
// A data set after applying a Schema to a CSV: numbers in raw units, row-major, with unknown
// conditions kept as unknown (sparsely labelled data is the normal case, not an error).
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace ms {

struct DesignTable {
    std::size_t rows = 0;
    std::size_t outputDim = 0;     // = schema.outputDim()
    std::size_t categoricalCount = 0;
    std::size_t numericalCount = 0;
    std::vector<double> outputs;    // rows * outputDim: keypoint x/y pairs, then extra outputs
    std::vector<int> categorical;   // rows * categoricalCount: class index, or kUnknownClass
    std::vector<double> numerical;  // rows * numericalCount: value, or NaN when unknown
    std::vector<long> lineNumbers;  // source line of each row (1-based, 0 for generated data)

    static constexpr int kUnknownClass = -1;
    static double unknownNumber() { return std::numeric_limits<double>::quiet_NaN(); }

    double output(std::size_t r, std::size_t d) const { return outputs[r * outputDim + d]; }
    int category(std::size_t r, std::size_t c) const { return categorical[r * categoricalCount + c]; }
    double number(std::size_t r, std::size_t c) const { return numerical[r * numericalCount + c]; }
};

}  // namespace ms
