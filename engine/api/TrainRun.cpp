#include "api/TrainRun.h"

#include <stdexcept>

#include "api/EvalJob.h"
#include "api/TrainJob.h"

namespace ms::api {

TrainRunOutcome trainToFile(const TrainRequest& request, const TrainingProgressFn& onProgress, const CancelToken& cancel) {
    if (request.outPath.empty()) throw std::invalid_argument("training needs an output file for the model");
    const TrainResult result = runTraining(request, onProgress, cancel);
    TrainRunOutcome out;
    out.bundlePath = request.outPath;
    out.cancelled = result.cancelled;
    out.seconds = result.seconds;
    out.trainRows = result.trainRows;
    out.deviceName = result.deviceName;
    out.completedEpochs = result.bundle.state.completedEpochs;
    out.history = result.bundle.state.history;
    if (out.completedEpochs > 0) {
        const mcvae::SparsityEvaluation eval = evaluateHeldOut(result.bundle, request.dataPath);
        out.sparsities = eval.sparsities;
        out.mseZ0 = eval.mseZ0;
        out.meanMseZ0 = eval.meanMseZ0;
    }
    return out;
}

}  // namespace ms::api
