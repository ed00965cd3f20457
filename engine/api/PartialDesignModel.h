#pragma once
// A partial-observation model (.mpd from `partial train`) loaded once and asked many times: the
// studio's explore step and `partial sample`. It completes designs for the known conditions and
// the pinned outputs (pins kept exactly), by ensemble inference over context masks. The header
// holds no torch types, so the Qt layer can include it.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/conditioning/ConditionValues.h"
#include "core/data/Schema.h"

namespace ms::api {

// What the file's training record says.
struct PartialModelSummary {
    std::string dataPath;
    int64_t rows = 0;
    int64_t rowsWithGaps = 0;
    int64_t updates = 0;
    double observedFraction = 0.0;
    double finalLoss = 0.0;
};

// How designs are completed.
struct PartialCompletion {
    int64_t members = 4;  // K context masks averaged per design
    int64_t steps = 20;   // 0: the single-step mean (every design the same); n >= 2: n DDIM steps, designs with spread
    uint64_t seed = 0;
    // Multi-step omega schedule (partial/EnsembleInference.h): "alphabar" ends on a draw of the
    // posterior; "1-alphabar" ends on the single-step mean; "linear".
    std::string omega = "alphabar";
};

class PartialDesignModel {
public:
    PartialDesignModel();
    ~PartialDesignModel();
    PartialDesignModel(PartialDesignModel&&) noexcept;
    PartialDesignModel& operator=(PartialDesignModel&&) noexcept;

    // Throws BundleError naming the file for a damaged or foreign file and for a model of images.
    static PartialDesignModel load(const std::string& path);
    bool loaded() const;
    const Schema& schema() const;
    const PartialModelSummary& summary() const;

    // `count` designs in user units (schema().outputDim() values each). pins: outputDim values in
    // user units, NaN = free (empty: none); pinned values come back exactly as given. Throws
    // std::invalid_argument for a count below 1, pins of the wrong length or bad settings.
    std::vector<std::vector<double>> complete(const ConditionValues& conditions, const std::vector<double>& pins,
                                              int64_t count, const PartialCompletion& how) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace ms::api
