#pragma once
// What the studio calls a condition: the label the user gave it in the schema, else a tidy form
// of the column name, so that "frame_size", "BikeStyle", "RIM_STYLE front" and the one-hot export
// "bottle SEATTUBE0 show OHCLASS: True" read as "Frame size", "Bike style", "Rim style front" and
// "Bottle seattube 0". The column name itself stays what files, the CLI and NAME=VALUE use.
#include <cstddef>
#include <string>

#include "core/data/Schema.h"

namespace ms {

// Words split at '_', '-', '.', runs of spaces, lower-to-upper case changes and letter-digit
// changes; a trailing one-hot marker ("show OHCLASS: <v>", "OHCLASS: <v>") dropped; words in
// capitals lower-cased unless of one or two letters ("BB", "ID" stay); the first letter capitalised.
// Empty or unchanged-by-tidying text comes back as it was.
std::string tidyColumnLabel(const std::string& column);

// The label of condition `index` in schema order (categorical first, then numerical): the
// schema's label when set, else tidyColumnLabel(column). Throws std::out_of_range past the end.
std::string conditionLabel(const Schema& schema, std::size_t index);

}  // namespace ms
