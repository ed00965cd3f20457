#pragma once
// The conditions of an image set typed by a schema: inferred (the image column ignored, a
// preset's overrides applied) for training, or a trained model's for evaluation.
#include <string>

#include "data/DesignTable.h"
#include "data/ImageSet.h"
#include "data/Normalization.h"
#include "data/Schema.h"

namespace ms {

struct ImageConditions {
    Schema schema;
    DesignTable table;
    Normalization normalization;
};

// presetName empty: no overrides. Throws DataError naming the CSV, line and column.
ImageConditions inferImageConditions(const ImageSet& images, const std::string& presetName);
ImageConditions imageConditionsWithSchema(const ImageSet& images, const Schema& schema, const Normalization& norm);

}  // namespace ms
