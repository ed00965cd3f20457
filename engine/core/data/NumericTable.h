#pragma once
// Whitespace- or comma-separated numeric tables without a header (the UCI regression files):
// every row the same number of finite numbers; errors name the file, line and column.
#include <string>
#include <vector>

namespace ms {

struct NumericTable {
    std::size_t rows = 0;
    std::size_t columns = 0;
    std::vector<double> values;  // row-major
};

NumericTable readNumericTable(const std::string& path);  // throws DataError

}  // namespace ms
