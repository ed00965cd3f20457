#pragma once
// Which CSV cells mean "unknown": the empty cell, and the markers other tools write for a
// missing value (R and pandas "NA" / "NaN", Excel "#N/A", databases "NULL", "?" in the UCI
// files). Case-sensitive on purpose: "None" or "na" can be real classes (no coating, sodium).
#include <string_view>

namespace ms {

bool isUnknownCell(std::string_view cell);

// The markers, for messages ("empty, NA, N/A, ...").
const char* unknownCellMarkers();

}  // namespace ms
