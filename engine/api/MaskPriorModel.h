#pragma once
// Work II in the product, torch-free for the CLI and the studio: a prior over which entries a data
// set's rows observe (partial/MaskPrior, a Bayesian Flow Network), learnt from the gaps of a design
// table (its keypoints and extra outputs: an empty cell is unobserved, x and y of a keypoint count
// as one) or from the observation masks of an image set, stored in its own file (.mpr); it draws
// masks like the data's (what a partial-observation trainer partitions by) and scores how likely
// a set of masks is, in bits per entry against the independent Bernoulli of the data's rates.
#include <cstdint>
#include <string>
#include <vector>

#include "core/runtime/CancelToken.h"
#include "core/training/TrainingProgress.h"
#include "distributed/DistributedSettings.h"

namespace ms::api {

// A table's prior trains this long unless told otherwise: a mixture of gap sources needs it (at
// 3,000 updates the draws lose half of the gaps that go together; docs/RESULTS.md).
constexpr int64_t kTableMaskPriorUpdates = 20000;
// Images: partial::kImagePriorUpdates, with the running average of the weights (MaskPriorPool.h).

struct MaskPriorTrainRequest {
    std::string dataPath;    // vectors: the keypoint CSV (empty keypoint / output cells are unobserved)
    std::string schemaPath;  // empty: inferred from the CSV with the preset's column overrides
    std::string preset = "default";
    std::string outPath;
    int64_t updates = 0;     // 0: 20,000 for a table (about 35 s on one core), 6,000 for images
    // The decay of the weights' running average that training keeps (core/training/WeightAverage);
    // negative: 0.999 for images (partial::kImagePriorWeightAverage), none for a table.
    double weightAverage = -1.0;
    int64_t batchSize = 64;
    double lr = 1e-3;
    int64_t hidden = 128;      // a table's prior: the MLP's units per layer
    int64_t baseChannels = 16; // images: the U-Net's width (a multiple of 8)
    uint64_t seed = 0;
    // Data parallel (docs/DISTRIBUTED.md): the batches shared by the ranks; rank 0 alone writes.
    distributed::DistributedSettings distributed;
};

struct MaskPriorTrainResult {
    int64_t rows = 0;
    int64_t entries = 0;           // the prior's: keypoints + outputs, or pixels
    int64_t distinctMasks = 0;     // distinct observation patterns among the rows
    std::vector<long> skippedLines;// table rows without any keypoint value (CSV lines)
    double observedFraction = 0.0;
    int64_t updates = 0;
    double finalLoss = 0.0;
    double bitsPerEntry = 0.0;          // the prior's bound on the training masks
    double bernoulliBitsPerEntry = 0.0; // an independent Bernoulli per entry at the data's rates
    double seconds = 0.0;
};

// Throws DataError naming file, line and column for a bad cell, std::invalid_argument for bad
// settings, std::runtime_error when no row has a keypoint, training diverges or is cancelled
// (nothing written then).
MaskPriorTrainResult trainMaskPriorOnCsv(const MaskPriorTrainRequest& request, const EpochLossFn& onEpoch, const CancelToken& cancel);
// observed: count x height x width, nonzero = observed (imaging::ObservedImages). Throws
// std::invalid_argument for sizes that do not match or that the U-Net cannot halve twice.
MaskPriorTrainResult trainMaskPriorOnImageMasks(const std::vector<uint8_t>& observed, int64_t count, int64_t height, int64_t width,
                                                const MaskPriorTrainRequest& request, const EpochLossFn& onEpoch,
                                                const CancelToken& cancel);

struct MaskPriorSampling {
    int64_t count = 16;
    int64_t steps = 20;                 // sampler steps
    std::string sampler = "discrete";   // discrete (the BFN's n-step sampler) | ode (probability flow)
    double timePower = 3.0;             // the sampler's time grid t_i = (i / steps)^timePower
    uint64_t seed = 0;
};

struct MaskPriorDraws {
    std::string dataKind;              // "vectors" or "images"
    std::vector<std::string> entries;  // vectors: the names of the prior's entries
    int64_t height = 0, width = 0;     // images
    int64_t rows = 0;
    std::vector<uint8_t> masks;        // rows x entries, 1 = observed
    std::vector<double> dataRate;      // per entry: the training data's observed share
    std::vector<double> drawnRate;     // per entry: the draws'
    double seconds = 0.0;
};

// Throws BundleError naming the file for a wrong model file, std::invalid_argument for bad settings.
MaskPriorDraws sampleMaskPrior(const std::string& modelPath, const MaskPriorSampling& sampling);

struct MaskPriorScore {
    int64_t rows = 0;
    std::vector<long> lines;             // tables: the CSV line of each row scored
    std::vector<double> rowBits;         // bits per entry of each row's mask under the prior
    double bitsPerEntry = 0.0;           // their mean
    double bernoulliBitsPerEntry = 0.0;  // the independent Bernoulli at the training data's rates
};

// The masks of a CSV read with the prior's own schema (its columns must be there; DataError names
// the file otherwise). draws: times t averaged per mask.
MaskPriorScore scoreCsvMasks(const std::string& modelPath, const std::string& dataPath, int64_t draws = 16, uint64_t seed = 0);
MaskPriorScore scoreImageMasks(const std::string& modelPath, const std::vector<uint8_t>& observed, int64_t count, int64_t height,
                               int64_t width, int64_t draws = 16, uint64_t seed = 0);

}  // namespace ms::api
