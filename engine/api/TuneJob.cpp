#include "api/TuneJob.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include "mcvae/PreparedData.h"
#include "mcvae/Preset.h"

namespace ms::api {

TuneOutcome runTuneJob(const TuneRequest& request, const std::function<void(const mcvae::TuningTrialReport&)>& onReport,
                       const CancelToken& cancel) {
    mcvae::Preset base = mcvae::loadPreset(request.preset);
    if (request.splitSeed) base.training.seed = *request.splitSeed;
    const mcvae::PreparedData data = mcvae::prepareData(request.dataPath, request.schemaPath, base);
    TuneOutcome out;
    out.result = mcvae::tuneMcVae(data, base, request.settings, onReport, cancel);
    mcvae::McVaeTuningResult& r = out.result;
    const std::string stem = std::filesystem::path(request.dataPath).stem().string();
    r.best.name = "tuned-" + stem;
    char line[400];
    std::snprintf(line, sizeof line,
                  "Found by maskstudio-cli tune on %s (%lld trials, %.0f s%s): cross-validated mean MSE (z = 0) %.4f over %d folds "
                  "of the training part, base '%s' %.4f.",
                  std::filesystem::path(request.dataPath).filename().c_str(), static_cast<long long>(r.trials), r.seconds,
                  r.cancelled ? ", stopped early" : "", r.bestScore, r.foldsCompared, request.preset.c_str(), r.baseScore);
    r.best.description = line;
    if (!request.outPath.empty()) {
        mcvae::savePreset(r.best, request.outPath);
        out.presetPath = request.outPath;
    }
    return out;
}

}  // namespace ms::api
