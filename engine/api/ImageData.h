#pragma once
// The conditions of an image set typed by a schema: inferred (the image column ignored, a
// preset's overrides applied) for training, or a trained model's for evaluation.
#include <string>
#include <vector>

#include "core/data/DesignTable.h"
#include "core/data/ImageSet.h"
#include "core/data/Normalization.h"
#include "core/data/Schema.h"

namespace ms::api {

struct ImageConditions {
    Schema schema;
    DesignTable table;
    Normalization normalization;
};

// presetName empty: no overrides; `ignored`: further columns that are no condition (e.g. a mask
// file column). Throws DataError naming the CSV, line and column.
ImageConditions inferImageConditions(const ImageSet& images, const std::string& presetName,
                                     const std::vector<std::string>& ignored = {});
ImageConditions imageConditionsWithSchema(const ImageSet& images, const Schema& schema, const Normalization& norm);

// Throws std::invalid_argument naming the image set when its images are not size px with `channels` channels.
void requireImagesOfSize(const ImageSet& images, int64_t size, int64_t channels);

struct HeldOutSplit {
    std::vector<int64_t> test, train;  // row indices of the image set
};
// The rows whose files are among `testFiles` (a model's recorded held-out set; at most maxRows
// of them, in order) and the rows that are not held out. Throws std::invalid_argument naming both when none is there.
HeldOutSplit splitByHeldOutFiles(const ImageSet& images, const std::vector<std::string>& testFiles, int64_t maxRows,
                                 const std::string& modelPath);

}  // namespace ms::api
