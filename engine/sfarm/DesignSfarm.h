#pragma once
// An SFARM over one design data set as a single partially observed vector: every output
// (keypoint x/y, extra outputs) and numerical condition a continuous element (with exact atoms
// on values it repeats; whole-number conditions as integers), every categorical condition a
// categorical element. It serves the studio's pinned keypoints (pins are observed
// outputs, everything else is imputed) and "specify next" (which unknown condition would shrink
// the spread of the design most). Torch-free header; one instance is used by one thread.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/conditioning/ConditionValues.h"
#include "core/data/DesignTable.h"
#include "core/data/Schema.h"
#include "core/runtime/CancelToken.h"
#include "core/training/TrainingProgress.h"

namespace ms::sfarm {

struct DesignSfarmSettings {
    int64_t epochs = 400;
    int64_t hidden = 256;
    int64_t batchSize = 128;
    double lr = 1e-3;
    uint64_t seed = 0;
    // Values an output or numerical condition repeats (>= 2 % of its rows) as exact atoms.
    bool atoms = true;
    // Numerical conditions of whole numbers over <= 256 levels as integers (discretised logistic).
    bool integerConditions = true;
};

// What the user has fixed: known conditions and pinned outputs (user units; NaN = free).
struct PartialDesign {
    ConditionValues conditions;
    std::vector<double> outputs;  // schema.outputDim() values, or empty = all free
};

struct ImputedDesigns {
    std::vector<std::vector<double>> designs;  // per sample: outputDim values, pinned ones exact
    std::vector<ConditionValues> conditions;   // per sample: known as given, unknown ones imputed
};

struct ConditionSuggestion {
    int condition = 0;             // schema order: categorical first, then numerical
    std::string column;
    double spreadReduction = 0.0;  // expected fraction of the current spread that knowing it removes
    int suggestedClass = -1;       // categorical: the most probable class given the partial design
    double suggestedNumber = 0.0;  // numerical: the conditional mean, inside the schema's range
};

class DesignSfarm {
public:
    DesignSfarm();
    ~DesignSfarm();
    DesignSfarm(DesignSfarm&&) noexcept;
    DesignSfarm& operator=(DesignSfarm&&) noexcept;

    // Trains on the table's rows (unknown conditions and NaN outputs are unobserved elements). onEpoch may be
    // empty. Throws std::invalid_argument for an empty table or bad settings, std::runtime_error
    // for a non-finite loss (naming epoch and step); a cancelled run returns what it has.
    static DesignSfarm train(const Schema& schema, const DesignTable& table, const DesignSfarmSettings& settings,
                             const EpochLossFn& onEpoch, const CancelToken& cancel);
    // .sfm file with the schema inside; throws BundleError (wrong or damaged file).
    static DesignSfarm load(const std::string& path);
    void save(const std::string& path) const;

    bool loaded() const;
    const Schema& schema() const;
    int64_t epochsTrained() const;

    // `samples` completions of the partial design (seeded), in `steps` network calls (S'; the free
    // elements in a random order, cut into that many groups drawn together; 0 = one call per free
    // element, the exact autoregressive draw). Throws std::invalid_argument when the partial
    // design does not fit the schema.
    ImputedDesigns impute(const PartialDesign& partial, int samples, uint64_t seed, int steps = 0) const;
    // The design's spread: sum of the predicted variances of the target outputs (indices into
    // the output vector; empty = all), in standardised units. Pinned outputs contribute 0.
    double spread(const PartialDesign& partial, const std::vector<int>& targetOutputs) const;
    // Every unknown condition, largest expected spread reduction first (law of total variance:
    // categorical conditions averaged exactly over their classes, numerical ones by 5-point
    // Gauss-Hermite quadrature over their predicted Gaussian).
    std::vector<ConditionSuggestion> rankUnknownConditions(const PartialDesign& partial,
                                                           const std::vector<int>& targetOutputs) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace ms::sfarm
