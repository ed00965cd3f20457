#pragma once
// The .mpd file of a model learned from partial observations: what kind of data it models
// ("vectors": keypoints and extra outputs of a design table), the entries' names and scaling
// (raw = low + (u + 1) / 2 * (high - low)), the denoiser and its weights, the noise schedule,
// the context distribution it was trained with, the data's mask distribution, the design schema
// (JSON, null when there is none) and a free-form training record. Same archive layer as the
// other model files.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "partial/EnsembleInference.h"

namespace ms::partial {

struct PartialModelFile {
    std::string dataKind = "vectors";  // "vectors" (a design table; columns, low, high per entry) or "images"
    std::vector<std::string> columns;  // one per entry
    std::vector<double> low, high;     // raw range of each entry
    PartialModelParts parts;
    nlohmann::json schema;             // SchemaJson of the design table; null when none
    nlohmann::json training;
};

void savePartialModel(const PartialModelFile& file, const std::string& path);  // throws BundleError
// Throws BundleError for a damaged or foreign file, and for a model of another data kind than
// expectedKind (empty: any), naming both ("a partial-observation model for images, not for vectors").
PartialModelFile loadPartialModel(const std::string& path, const std::string& expectedKind = "vectors");

}  // namespace ms::partial
