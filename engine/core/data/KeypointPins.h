#pragma once
// Pinned keypoints as the CLI writes them, "NAME=X,Y" (raw units): the studio's and the CLI's way
// of saying "this point stays where I put it" for completions and design suggestions.
#include <cstddef>
#include <string>
#include <vector>

#include "core/data/Schema.h"

namespace ms {

// Index of the keypoint called `name`; throws std::invalid_argument listing the known ones.
std::size_t keypointIndexByName(const Schema& schema, const std::string& name);

// The schema's output vector with the pinned coordinates set and NaN everywhere else (free).
// Throws std::invalid_argument naming the pin for an unknown keypoint (listing the known ones),
// a malformed pin or a coordinate that is not a number.
std::vector<double> parseKeypointPins(const Schema& schema, const std::vector<std::string>& pins);

}  // namespace ms
