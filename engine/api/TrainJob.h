#pragma once
// The training facade shared by the CLI and the GUI's engine thread: data + preset + overrides
// in, a trained (or cancelled, still usable) model bundle out, checkpoints written as it goes.
#include <string>

#include "api/TrainRequest.h"
#include "core/runtime/CancelToken.h"
#include "core/training/TrainingProgress.h"
#include "mcvae/McVaeTrainer.h"
#include "mcvae/ModelBundle.h"
#include "mcvae/PreparedData.h"

namespace ms::api {

struct TrainResult {
    mcvae::ModelBundle bundle;
    bool cancelled = false;
    double seconds = 0.0;     // wall time of the training loop
    int64_t trainRows = 0;
    std::string deviceName;
};

TrainResult runTraining(const TrainRequest& request, const TrainingProgressFn& onProgress,
                        const CancelToken& cancel);
// Trains on prepared data (the studies reuse one parsed CSV for many runs).
TrainResult runTraining(const TrainRequest& request, const mcvae::PreparedData& data, const mcvae::Preset& preset,
                        const TrainingProgressFn& onProgress, const CancelToken& cancel);

}  // namespace ms::api
