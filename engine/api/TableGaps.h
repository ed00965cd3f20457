#pragma once
// Internal to engine/api: which keypoints and extra outputs the rows of a design table observe,
// as the learnt mask prior of a table sees them (one entry per keypoint, x and y together, then
// one per extra output). Shared by `partial maskprior` (api/MaskPriorModel) and the table's
// partial-observation trainer (api/PartialTable).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/data/CsvReader.h"
#include "core/data/Schema.h"

namespace ms::api {

std::vector<std::string> gapEntryNames(const Schema& schema);  // keypoint names, then output columns
std::vector<int64_t> gapGroups(const Schema& schema);          // the table's entry -> gap entry

struct TableGaps {
    at::Tensor masks;  // [rows, gap entries] float 0/1, 1 = observed
    std::vector<long> lines, skippedLines;
};

// Reads the table with the schema's keypoints and outputs only (its conditions play no part, so a
// class the schema never saw is no error). Throws DataError naming file, line and column.
TableGaps tableGaps(const CsvTable& csv, const Schema& schema);

// [rows, entries] 0/1 masks (any device) as row-major bytes, 1 = observed: what the torch-free
// callers (the CLI, the studio's preview) receive.
std::vector<uint8_t> maskBytes(const at::Tensor& masks);

}  // namespace ms::api
