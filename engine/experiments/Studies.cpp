#include "experiments/Studies.h"

#include <cstdio>

#include "api/TrainJob.h"
#include "core/data/DesignTensors.h"

namespace ms::experiments {
namespace {

std::string fmt(const char* f, double a, double b = 0.0) {
    char buf[96];
    std::snprintf(buf, sizeof buf, f, a, b);
    return buf;
}

// Trains one configuration per seed, evaluates each on its own held-out split, averages.
StudyRow runConfiguration(const mcvae::PreparedData& data, const mcvae::Preset& preset, const StudySettings& s,
                          const std::string& label, const SparsitySchedule& schedule, int64_t trainRows) {
    StudyRow row;
    row.label = label;
    const DesignTensors all = makeDesignTensors(data.table, data.normalization);
    for (uint64_t seed : s.seeds) {
        api::TrainRequest r;
        r.device = s.device;
        r.seed = seed;
        r.sparsity = schedule;
        if (s.epochs > 0) r.epochs = s.epochs;
        r.trainRowLimit = trainRows;
        const api::TrainResult result = api::runTraining(r, data, preset, {}, CancelToken());
        const mcvae::SparsityEvaluation ev = mcvae::evaluateBySparsity(result.bundle.model, all.select(result.bundle.split.testRows));
        auto& acc = row.evaluation;
        if (acc.mse.empty()) {
            acc = ev;
        } else {
            for (size_t i = 0; i < ev.mse.size(); ++i) {
                acc.mse[i] += ev.mse[i];
                acc.mseZ0[i] += ev.mseZ0[i];
            }
            acc.meanMse += ev.meanMse;
            acc.meanMseZ0 += ev.meanMseZ0;
        }
        row.trainSeconds += result.seconds;
        if (s.log)
            s.log(label + " seed " + std::to_string(seed) + ": mean MSE(z=0) " + fmt("%.4f", ev.meanMseZ0) +
                  ", MSE(z=0, s=0) " + fmt("%.4f", ev.mseZ0[0]) + fmt(" (%.1f s)", result.seconds));
    }
    const double k = static_cast<double>(s.seeds.size());
    auto& acc = row.evaluation;
    for (size_t i = 0; i < acc.mse.size(); ++i) {
        acc.mse[i] /= k;
        acc.mseZ0[i] /= k;
    }
    acc.meanMse /= k;
    acc.meanMseZ0 /= k;
    row.trainSeconds /= k;
    return row;
}

}  // namespace

std::vector<StudyRow> runSparsityStudy(const mcvae::PreparedData& data, const mcvae::Preset& preset, const StudySettings& s) {
    std::vector<StudyRow> rows;
    for (int i = 0; i < 10; ++i) {
        const double p = i / 10.0;
        rows.push_back(runConfiguration(data, preset, s, fmt("constant %.1f", p),
                                        {ScheduleKind::Constant, p, p, 1}, 0));
    }
    return rows;
}

std::vector<StudyRow> runScheduleStudy(const mcvae::PreparedData& data, const mcvae::Preset& preset, const StudySettings& s) {
    std::vector<StudyRow> rows;
    rows.push_back(runConfiguration(data, preset, s, "constant 0.5", {ScheduleKind::Constant, 0.5, 0.5, 1}, 0));
    for (ScheduleKind kind : {ScheduleKind::Linear, ScheduleKind::Step, ScheduleKind::Exponential, ScheduleKind::Cosine}) {
        const std::string name = SparsitySchedule::kindName(kind);
        rows.push_back(runConfiguration(data, preset, s, name + " 0.5->0.6", {kind, 0.5, 0.6, 4}, 0));
        rows.push_back(runConfiguration(data, preset, s, name + " 0.6->0.5", {kind, 0.6, 0.5, 4}, 0));
    }
    rows.push_back(runConfiguration(data, preset, s, "linear 0.1->0.2 (default)", preset.training.sparsity, 0));
    return rows;
}

std::vector<StudyRow> runDataSizeStudy(const mcvae::PreparedData& data, const mcvae::Preset& preset, const StudySettings& s,
                                       const std::vector<int64_t>& sizes, const std::vector<double>& sparsities) {
    std::vector<StudyRow> rows;
    for (int64_t n : sizes)
        for (double p : sparsities)
            rows.push_back(runConfiguration(data, preset, s, "n=" + std::to_string(n) + fmt(" p=%.1f", p),
                                            {ScheduleKind::Constant, p, p, 1}, n));
    return rows;
}

}  // namespace ms::experiments
