#pragma once
// The GUI's training facade: a TrainRequest in, a bundle on disk and plain numbers out (loss
// history, held-out MSE per inference sparsity). No torch types in the header, so the Qt layer
// drives training exactly as the CLI does; called on a worker thread, one run at a time.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "api/TrainRequest.h"
#include "core/runtime/CancelToken.h"
#include "core/training/TrainingProgress.h"

namespace ms::api {

struct TrainRunOutcome {
    std::string bundlePath;       // the request's outPath, readable whether finished or cancelled
    bool cancelled = false;
    double seconds = 0.0;
    int64_t trainRows = 0;
    int64_t completedEpochs = 0;
    std::string deviceName;
    std::vector<EpochRecord> history;
    // Held-out evaluation (the paper's protocol) of the final weights; empty when cancelled
    // before the first epoch finished.
    std::vector<double> sparsities;
    std::vector<double> mseZ0;
    double meanMseZ0 = 0.0;
};


// Requires request.outPath. Throws DataError (bad CSV: file, line, column),
// std::invalid_argument (settings, schema mismatch), BundleError (resume/fine-tune source) and
// TrainingDiverged (NaN loss; the last checkpoint stays on disk).
TrainRunOutcome trainToFile(const TrainRequest& request, const TrainingProgressFn& onProgress, const CancelToken& cancel);

}  // namespace ms::api
