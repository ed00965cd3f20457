#pragma once
// The training facade shared by the CLI and the GUI's engine thread: data + preset + overrides
// in, a trained (or cancelled, still usable) model bundle out, checkpoints written as it goes.
#include <optional>
#include <string>

#include "api/PreparedData.h"
#include "io/ModelBundle.h"
#include "runtime/CancelToken.h"
#include "training/McVaeTrainer.h"

namespace ms {

struct TrainRequest {
    std::string dataPath;
    std::string schemaPath;        // optional: otherwise inferred (with the preset's overrides)
    std::string preset = "default";
    std::string outPath;           // bundle path; empty = keep in memory only
    std::string device = "auto";
    std::string resumeFrom;        // bundle to continue (same data and schema)
    std::optional<int64_t> epochs;
    std::optional<uint64_t> seed;  // split seed and training seed
    std::optional<SparsitySchedule> sparsity;
    std::optional<int> threads;
    int64_t trainRowLimit = 0;     // > 0: train on only this many rows of the training part
};

struct TrainResult {
    ModelBundle bundle;
    bool cancelled = false;
    double seconds = 0.0;     // wall time of the training loop
    int64_t trainRows = 0;
    std::string deviceName;
};

TrainResult runTraining(const TrainRequest& request, const McVaeTrainer::ProgressFn& onProgress,
                        const CancelToken& cancel);
// Trains on prepared data (the studies reuse one parsed CSV for many runs).
TrainResult runTraining(const TrainRequest& request, const PreparedData& data, const Preset& preset,
                        const McVaeTrainer::ProgressFn& onProgress, const CancelToken& cancel);

}  // namespace ms
