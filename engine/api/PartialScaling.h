#pragma once
// How a partial-observation model of design vectors sees a design (internal to api): entry d of
// the model is u = 2 (raw - low_d) / (high_d - low_d) - 1 with the file's per-entry range;
// numerical conditions are scaled by the schema's ranges.
#include <string>
#include <vector>

#include "core/data/Normalization.h"
#include "core/data/Schema.h"
#include "partial/PartialModelFile.h"

namespace ms::api {

Normalization partialModelNormalization(const Schema& schema, const std::vector<double>& low, const std::vector<double>& high);
inline double partialEncode(const Normalization& norm, std::size_t d, double raw) { return 2.0 * norm.outputs.normalise(d, raw) - 1.0; }
inline double partialDecode(const Normalization& norm, std::size_t d, double u) { return norm.outputs.denormalise(d, (u + 1.0) / 2.0); }

// Loads a .mpd of design vectors and its schema. Throws BundleError naming the file.
partial::PartialModelFile loadPartialVectorModel(const std::string& path, Schema& schema);

}  // namespace ms::api
