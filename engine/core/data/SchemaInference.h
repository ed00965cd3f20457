#pragma once
// Guessing a Schema from a CSV by naming conventions and column contents, so most data sets
// need no configuration; explicit per-column overrides cover what conventions can't know.
#include <map>
#include <string>

#include "core/data/CsvReader.h"
#include "core/data/Schema.h"

namespace ms {

enum class ColumnRole { KeypointX, KeypointY, Output, Categorical, Numerical, Ignore };

struct ColumnOverride {
    ColumnRole role;
    std::string keypoint = {};  // keypoint name, only for KeypointX / KeypointY
};

// "keypoint-x", "keypoint-y", "output", "categorical", "numerical", "ignore".
const char* columnRoleName(ColumnRole role);
bool parseColumnRole(const std::string& text, ColumnRole& role);  // false if unknown

// Conventions (overrides win over all of them):
// - x_NAME/y_NAME or NAME_x/NAME_y pairs (x/y in either case) are keypoints, ordered by the
//   first of their two columns in the header; an unpaired x or y column is an ordinary column;
// - pandas "Unnamed: N" columns, and "id"/"*index*" columns of unique integers, are ignored;
// - a column with no values is ignored, and so is a text column where more than half of the
//   filled cells are distinct and there are more than 12 of them (part numbers, names, comments);
// - text columns, and integer columns with at most 12 distinct values that are fewer than half
//   of the column's non-empty cells, are categorical; other numeric columns are numerical.
// Classes are sorted (numerically when all are numbers, then written canonically, e.g. "1").
// Throws DataError for an override of a missing column and for half a keypoint.
Schema inferSchema(const CsvTable& table, const std::map<std::string, ColumnOverride>& overrides = {});

// A multi-line human-readable summary (ends with a newline), for the CLI.
std::string describeSchema(const Schema& schema);

}  // namespace ms
