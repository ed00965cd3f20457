#include "core/data/UnknownCell.h"

#include <array>

namespace ms {

namespace {
constexpr std::array<std::string_view, 10> kMarkers{"NA", "N/A", "n/a", "#N/A", "NaN", "nan", "NULL", "null", "?", "-nan"};
}

bool isUnknownCell(std::string_view cell) {
    if (cell.empty()) return true;
    for (std::string_view m : kMarkers)
        if (cell == m) return true;
    return false;
}

const char* unknownCellMarkers() { return "an empty cell, NA, N/A, n/a, #N/A, NaN, nan, NULL, null or ?"; }

}  // namespace ms
