#pragma once
// A mid-epoch position (training/EpochPosition.h) in a model or resume file: its numbers in the
// file's JSON metadata (what `info` shows), its tensors (the epoch's shuffle, the generator's
// state) under position/ in the archive. One layout for every trainer that checkpoints inside
// an epoch (image models, SFARM).
#include <nlohmann/json.hpp>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <string>

#include "core/training/EpochPosition.h"

namespace ms {

nlohmann::json epochPositionJson(const EpochPosition& p);  // {epoch, rows_done, loss_sum}
// The numbers only (the tensors come from the archive); throws nlohmann's errors on a damaged entry.
EpochPosition epochPositionFromJson(const nlohmann::json& j);

void writeEpochPosition(torch::serialize::OutputArchive& archive, const EpochPosition& p);
// Reads position/* into `p` when the archive holds the position `p`'s numbers name (same epoch and
// rows); returns false, leaving `p` without tensors, when it holds none or another one. Tensors
// that do not lie inside their storage throw a BundleError naming `path`.
bool readEpochPosition(torch::serialize::InputArchive& archive, const std::string& path, EpochPosition& p);

}  // namespace ms
