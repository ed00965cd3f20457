#pragma once
// `maskstudio-cli tune` and the Training dock's "Find settings": search the mcVAE settings for a
// CSV (tuning/McVaeTuning) and write the best as a preset JSON that `train --preset` and the
// dock read. Torch-free header.
#include <functional>
#include <optional>
#include <string>

#include "core/runtime/CancelToken.h"
#include "mcvae/McVaeTuning.h"

namespace ms::api {

struct TuneRequest {
    std::string dataPath;
    std::string schemaPath;        // optional, as for train
    std::string preset = "default";  // the search starts from (and includes) this preset's settings
    std::string outPath;           // preset JSON to write; empty = none
    std::optional<uint64_t> splitSeed;  // the train/test split (and training) seed; default the preset's
    mcvae::McVaeTuningSettings settings;
};

struct TuneOutcome {
    mcvae::McVaeTuningResult result;
    std::string presetPath;  // written (empty when no outPath)
};

// Throws DataError for bad data, std::invalid_argument for bad settings.
TuneOutcome runTuneJob(const TuneRequest& request, const std::function<void(const mcvae::TuningTrialReport&)>& onReport,
                       const CancelToken& cancel);

}  // namespace ms::api
