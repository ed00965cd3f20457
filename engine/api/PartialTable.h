#pragma once
// Learning from incomplete designs, torch-free for the CLI and the studio: a keypoint CSV whose
// keypoint and output cells may be empty (an empty cell is unobserved, never an error; a row with
// no keypoint value at all is skipped with its line counted) trains a partial-observation
// diffusion model (.mpd, engine/partial); the model completes the empty cells of a CSV (every
// written cell copied through as it was) and samples designs for conditions and pinned keypoints
// (pins exact).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/data/DesignTableBuilder.h"

#include "core/data/CsvReader.h"
#include "core/data/Schema.h"
#include "core/runtime/CancelToken.h"
#include "core/training/TrainingProgress.h"
#include "distributed/DistributedSettings.h"

namespace ms::api {

// What the partition looks like before the denoiser trains: some of the data's rows with gaps and,
// for a learnt prior, as many of its draws (the studio shows them side by side).
struct GapPreview {
    std::vector<std::string> entries;   // keypoint names, then output columns
    std::vector<uint8_t> dataMasks;     // rows x entries, 1 = observed: rows of the data with gaps
    std::vector<uint8_t> priorMasks;    // rows x entries: the prior's draws (empty for a hand rule)
    std::string context;                // the partition in words
    int64_t dataRows() const { return entries.empty() ? 0 : static_cast<int64_t>(dataMasks.size() / entries.size()); }
    int64_t priorRows() const { return entries.empty() ? 0 : static_cast<int64_t>(priorMasks.size() / entries.size()); }
};

struct PartialTrainRequest {
    std::string dataPath;
    std::string schemaPath;  // empty: inferred from the CSV with the preset's column overrides (as `schema` does)
    std::string preset = "default";  // a preset name in models/ or a preset .json (geobiked, bike, car)
    std::string outPath;
    int64_t updates = 0;     // 0: defaultPartialUpdates
    int64_t batchSize = 128;
    int64_t hidden = 256;
    int64_t blocks = 3;
    double lr = 2e-3;
    double delta = 0.2;      // a keypoint (x and y together) is left out of the context with this probability
    // How contexts are drawn (the partition): keypoint (whole keypoints left out i.i.d., Work I),
    // iid (every cell on its own), prior (Work II: intersections with draws of a prior learnt over
    // the rows' gaps, or of maskPriorPath), auto (the prior when the gaps of two entries go
    // together: strongestGapCorrelation >= kStructuredGaps; keypoint otherwise).
    std::string context = "auto";
    std::string maskPriorPath;   // a prior from `partial maskprior train` (.mpr) instead of learning one
    int64_t priorUpdates = 0;    // the learnt prior's updates (0: as `partial maskprior train`, 20,000)
    int64_t priorPool = 2048;    // prior draws the contexts are made from (stored in the model)
    int64_t previewRows = 12;    // rows of each kind in the preview
    std::function<void(const GapPreview&)> onPartition;  // called once the partition is chosen (may be empty)
    std::string region = "query";  // query | all-observed | no-split (the ablations)
    double lowNoiseShare = 0.8;  // share of rows trained at small noise (GeoBIKED: 0.8 beats 0.5, docs/RESULTS.md)
    uint64_t seed = 0;
    // Data parallel (docs/DISTRIBUTED.md): every rank reads the CSV and chooses the partition (the
    // same seed, the same choice); the updates' batches are shared; rank 0 alone writes outPath.
    distributed::DistributedSettings distributed;
};

struct PartialTrainResult {
    int64_t rows = 0;                  // rows trained on
    int64_t rowsWithGaps = 0;          // ...of which some keypoint or output cell is empty
    std::vector<long> skippedLines;    // rows without any keypoint value (CSV lines)
    double observedFraction = 0.0;     // of the keypoint and output cells of the rows trained on
    std::string context;               // the partition used, in words
    int64_t updates = 0;
    double finalLoss = 0.0;
    double seconds = 0.0;
};

// auto contexts use the learnt prior from this |phi| between two entries' gaps on.
constexpr double kStructuredGaps = 0.3;

// About 30 passes over the rows, at least 15,000 and at most 40,000 updates (GeoBIKED's keypoints
// were still improving at 6,000; docs/RESULTS.md).
int64_t defaultPartialUpdates(int64_t rows, int64_t batchSize);
// The passes over `rows` rows that trainPartialOnCsv makes for this request (progress bars).
int64_t partialTrainingEpochs(int64_t rows, const PartialTrainRequest& request);

// Counts what trainPartialOnCsv would see, without training: the Training dock's offer.
struct CsvGapSummary {
    int64_t rows = 0;                  // rows with at least one keypoint value
    int64_t rowsWithGaps = 0;          // ...of which some keypoint or output cell is empty
    std::vector<long> skippedLines;    // rows without any keypoint value (CSV lines)
};
CsvGapSummary summariseCsvGaps(const std::string& dataPath, const std::string& schemaPath, const std::string& preset = "default");
// The same for a table already read, with the schema as the user edited it. Throws DataError for
// a cell that is neither empty nor a number.
CsvGapSummary summariseCsvGaps(const CsvTable& csv, const Schema& schema);

// Throws DataError naming file, line and column for a cell that is neither empty nor a number,
// std::invalid_argument for bad settings, std::runtime_error when training diverges or no row has
// a keypoint. onEpoch may be empty.
PartialTrainResult trainPartialOnCsv(const PartialTrainRequest& request, const EpochLossFn& onEpoch, const CancelToken& cancel);

struct PartialImputeRequest {
    std::string modelPath, dataPath, outPath;
    int64_t members = 16;  // K
    int64_t steps = 0;     // 0: single step; n >= 2: DDIM steps
    uint64_t seed = 0;
    std::string omega = "alphabar";  // multi-step omega schedule (PartialCompletion)
};

struct PartialImputeResult {
    int64_t rows = 0;         // rows completed
    int64_t filledCells = 0;  // empty keypoint / output cells filled
    std::vector<long> skippedLines;  // rows without any keypoint value, written as they were
    // classes the model never saw (a new bike style): read as unknown conditions, not an error
    std::vector<UnseenClass> unseenClasses;
    double seconds = 0.0;
};

// Writes the CSV with the same header and cells, its empty keypoint and output cells filled.
// Throws BundleError for a wrong model file, DataError for the CSV.
PartialImputeResult imputeCsvWithPartial(const PartialImputeRequest& request);

struct PartialSampleRequest {
    std::string modelPath, outPath;
    std::vector<std::string> conditions;  // NAME=VALUE; the rest unknown
    std::vector<std::string> pins;        // KEYPOINT=X,Y: kept exactly
    int64_t count = 16;
    int64_t members = 4;
    int64_t steps = 20;  // DDIM steps (>= 2: samples with spread)
    uint64_t seed = 0;
    std::string omega = "alphabar";  // multi-step omega schedule (PartialCompletion)
};

struct PartialSampleResult {
    int64_t designs = 0;
    double seconds = 0.0;
};

// Writes `count` completed designs (keypoint and output columns, then the conditions given) to outPath.
PartialSampleResult samplePartialDesigns(const PartialSampleRequest& request);

}  // namespace ms::api
