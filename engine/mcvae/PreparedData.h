#pragma once
// A CSV read, typed by its schema and normalised: the input of every training and evaluation job.
#include <string>

#include "core/data/DesignTable.h"
#include "core/data/Normalization.h"
#include "core/data/Schema.h"
#include "mcvae/Preset.h"

namespace ms::mcvae {

struct PreparedData {
    std::string path;
    Schema schema;
    DesignTable table;
    Normalization normalization;
};

// Schema from schemaPath when given, else inferred with the preset's column overrides.
// Throws DataError naming file, line and column.
PreparedData prepareData(const std::string& csvPath, const std::string& schemaPath, const Preset& preset);
// Reads a CSV with a known schema (a trained model's), keeping the given normalisation.
PreparedData prepareDataWithSchema(const std::string& csvPath, const Schema& schema, const Normalization& norm);

}  // namespace ms::mcvae
