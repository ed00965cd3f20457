#pragma once
// The training facade shared by the CLI and the GUI's engine thread: data + preset + overrides
// in, a trained (or cancelled, still usable) model bundle out, checkpoints written as it goes.
#include <string>

#include "api/PreparedData.h"
#include "api/TrainRequest.h"
#include "io/ModelBundle.h"
#include "runtime/CancelToken.h"
#include "training/McVaeTrainer.h"

namespace ms {

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
