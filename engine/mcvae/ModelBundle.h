#pragma once
// A trained model as one self-describing file: format version, schema, normalisation,
// architecture and training settings, the recorded train/test split, the loss history, the
// weights, and (for resuming) optimizer and RNG state. Stored as a LibTorch archive (zip)
// whose "meta" entry is JSON. Saving is atomic: a crash never leaves a half-written bundle.
#include <torch/serialize/output-archive.h>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/data/Normalization.h"
#include "core/data/Schema.h"
#include "core/io/BundleError.h"
#include "core/training/TrainerState.h"
#include "mcvae/McVae.h"
#include "mcvae/TrainingConfig.h"

namespace ms::mcvae {

struct SplitRecord {
    uint64_t seed = 0;               // seed of the accepted draw
    int64_t dataRows = 0;            // rows of the data set the split indexes
    uint64_t dataFingerprint = 0;    // of that data set (see DataFingerprint.h)
    std::string dataFile;            // file name it was read from (information only)
    std::string dataPath;            // its absolute path at training time (where the studio looks for
                                     // the training designs when they are not beside the model; may be empty)
    std::vector<int64_t> testRows;   // held-out rows, ascending
};

struct ModelBundle {
    static constexpr int kFormatVersion = 1;
    std::string modelType = "mcvae";
    std::string name;  // e.g. "geobiked", "bike"
    Schema schema;
    Normalization normalization;
    McVaeConfig config;
    TrainingConfig training;
    SplitRecord split;
    TrainerState state;
    McVae model{nullptr};
};

void saveBundle(const ModelBundle& bundle, const std::string& path);
// The file's contents as copies (weights, optimizer moments, random state): safe to save on another
// thread while training goes on (BackgroundWriter).
std::shared_ptr<torch::serialize::OutputArchive> bundleArchive(const ModelBundle& bundle, const std::string& path);
// Throws BundleError naming the file and what is wrong (not a bundle, other version, shapes).
ModelBundle loadBundle(const std::string& path);

}  // namespace ms::mcvae
