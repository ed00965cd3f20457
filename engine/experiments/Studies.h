#pragma once
// The paper's mcVAE experiments as functions (docs/RESULTS.md is their output):
// - sparsity: constant training sparsity 0.0 ... 0.9, MSE per inference sparsity (Figure 2);
// - schedules: constant / linear / step / exponential, increasing and decreasing (Table 3);
// - datasize: training-set size 10 ... 3000 at constant sparsities 0.0 ... 0.8 (Table 2).
// Each configuration is trained once per split seed and the evaluations are averaged.
#include <functional>
#include <string>
#include <vector>

#include "mcvae/PreparedData.h"
#include "mcvae/SparsityEvaluation.h"

namespace ms::experiments {

struct StudyRow {
    std::string label;               // e.g. "constant 0.30", "n=100 p=0.2"
    mcvae::SparsityEvaluation evaluation;   // averaged over seeds
    double trainSeconds = 0.0;       // mean per run
};

struct StudySettings {
    std::vector<uint64_t> seeds{0, 1, 2};
    int64_t epochs = 0;  // 0: the preset's
    std::string device = "auto";
    std::function<void(const std::string&)> log;  // one line per finished run
};

std::vector<StudyRow> runSparsityStudy(const mcvae::PreparedData& data, const mcvae::Preset& preset, const StudySettings& s);
std::vector<StudyRow> runScheduleStudy(const mcvae::PreparedData& data, const mcvae::Preset& preset, const StudySettings& s);
std::vector<StudyRow> runDataSizeStudy(const mcvae::PreparedData& data, const mcvae::Preset& preset, const StudySettings& s,
                                       const std::vector<int64_t>& sizes = {10, 100, 500, 1000, 2000, 3000},
                                       const std::vector<double>& sparsities = {0.0, 0.2, 0.4, 0.6, 0.8});

}  // namespace ms::experiments
