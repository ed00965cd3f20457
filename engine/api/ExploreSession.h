#pragma once
// The GUI's engine facade for exploring a trained model: load a bundle, turn what the user set
// (conditions, pinned keypoints) into drawn designs with their spread, rank what to specify
// next, find the nearest training design. The header holds no torch types, so the
// Qt layer can include it; an instance is owned and called by one thread (the engine thread).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/data/Schema.h"
#include "core/geometry/Drawing.h"
#include "core/geometry/KeypointSpread.h"
#include "core/training/TrainingProgress.h"
#include "mcvae/GenerationRequest.h"
#include "sfarm/DesignSfarm.h"

namespace ms::api {

struct ModelInfo {
    std::string name;
    std::string path;
    std::string deviceName;      // "cpu", "cuda:0"
    Schema schema;
    int latentDim = 0;
    int64_t completedEpochs = 0;
    int64_t epochs = 0;
    std::vector<EpochRecord> history;
    std::size_t referenceRows = 0;  // training designs available for the reference overlay
    std::string referenceNote;      // where they came from, or why there are none
    bool designSfarm = false;       // a design SFARM (<bundle stem>.sfm) is loaded: pins, "specify next"
    std::string designSfarmNote;    // which file, or why there is none
    // A model learned from incomplete designs (.mpd, `partial train`): it completes conditions and
    // pins itself (no latent, no design SFARM, no "specify next"); epochs count its updates.
    bool partial = false;
};

// What the studio asks for in one interactive step: the conditions and sampling settings, the
// pinned outputs and what to draw.
struct ExploreQuery {
    mcvae::GenerationRequest request;
    // Pinned outputs in user units (schema.outputDim() values, NaN = free; empty = no pins).
    // With any pin the designs are completions by the design SFARM instead of mcVAE samples.
    std::vector<double> pins;
    bool suggest = false;           // rank the unknown conditions ("specify next")
    std::vector<int> spreadTarget;  // outputs whose spread the ranking reduces (empty = all)
    bool withLabels = false;
    bool withReference = false;
};

// Samples behind the keypoint spread shading (at least this many, or the designs shown).
constexpr int kSpreadSamples = 16;
// Network calls (S') of the design SFARM's pin completions: its free elements in 8 groups instead
// of one call each (about 32 on the bike), 4x faster, with the same completions: energy score
// +0.34 ± 1.05 mm against the exact draw on 200 unseen bikes with the saddle pinned, -0.49 ± 0.61
// with the saddle and the front wheel (`maskstudio-cli sfarm pin-bench`, docs/RESULTS.md).
constexpr int kPinCompletionCalls = 8;

// What one step shows.
struct ExploreView {
    std::vector<std::vector<double>> designs;  // user units, one per sample
    std::vector<Drawing> drawings;             // one per design
    std::vector<double> referenceDesign;       // nearest training design (empty when off/none)
    Drawing referenceDrawing;
    bool pinned = false;                                  // designs are SFARM completions of the pins
    std::vector<KeypointSpread> spread;                   // per keypoint over kSpreadSamples samples
    std::vector<sfarm::ConditionSuggestion> suggestions;  // "specify next", best first (when asked)
    double designSpread = 0.0;                            // current spread of the target (standardised)
};

// True when any pinned value is set.
bool hasPins(const std::vector<double>& pins);

class ExploreSession {
public:
    ExploreSession();
    ~ExploreSession();
    ExploreSession(ExploreSession&&) noexcept;
    ExploreSession& operator=(ExploreSession&&) noexcept;

    // Loads a bundle onto `device` ("auto", "cpu", "cuda"); a .mpd file is a model learned from
    // incomplete designs (CPU; info().partial). Reference designs come from
    // <bundle stem>.csv beside the bundle, else the data file recorded in the bundle when it
    // sits beside it; either is used only when its fingerprint matches the training data. The
    // design SFARM comes from <bundle stem>.sfm when its schema is the model's (CPU).
    // Throws BundleError (wrong file) or std::invalid_argument / std::runtime_error (device).
    const ModelInfo& load(const std::string& bundlePath, const std::string& device = "auto");
    // The schema of a keypoint model file (.msm or .mpd) without making it the session's model
    // (which other conditions a model has, before switching to it). Throws BundleError.
    static Schema modelSchema(const std::string& bundlePath);
    bool loaded() const;
    const ModelInfo& info() const;

    // Designs in the user's units, schema().outputDim() values each. Throws
    // std::invalid_argument when the request does not fit the model.
    std::vector<std::vector<double>> generate(const mcvae::GenerationRequest& request) const;
    // The designs, drawings and spread for one step: mcVAE samples of the conditions, or the
    // design SFARM's completions of the pins (unknown conditions imputed and drawn as such), or
    // for a partial model its completions of conditions and pins (mean design: the single-step
    // ensemble mean over 16 contexts; samples: single-step means over 4 contexts each);
    // the spread over at least kSpreadSamples samples; "specify next" and the nearest training
    // design when asked. Throws std::invalid_argument (request does not fit the model) or
    // std::runtime_error (pins without a design SFARM).
    ExploreView explore(const ExploreQuery& query) const;
    // The training design closest to `design` (Euclidean in normalised output units).
    std::optional<std::vector<double>> nearestReference(const std::vector<double>& design) const;

    // The design SFARM (throws std::logic_error when info().designSfarm is false).
    const sfarm::DesignSfarm& designSfarm() const;
    // Trains the design SFARM on the model's training designs (needs info().referenceRows > 0,
    // else std::logic_error) and saves it as <bundle stem>.sfm beside the bundle; when that
    // folder is not writable it is kept for this session and the note says so. A cancelled run
    // changes nothing. Returns the updated info. The same in two halves, so the training can run
    // on another thread while this session keeps generating: designSfarmJob() (here), then
    // DesignSfarmJob::run (any thread, touches no session), then installDesignSfarm (here).
    const ModelInfo& trainDesignSfarm(const sfarm::DesignSfarmSettings& settings, const EpochLossFn& onEpoch,
                                      const CancelToken& cancel);

    struct TrainedDesignSfarm {
        std::string modelPath;  // the model it was made for
        sfarm::DesignSfarm sfarm;
        std::string note;       // where it was saved, or why it could not be
    };
    struct DesignSfarmJob {
        std::string modelPath;
        Schema schema;
        std::shared_ptr<const DesignTable> designs;
        // Trains and saves beside the model; nullopt when cancelled.
        std::optional<TrainedDesignSfarm> run(const sfarm::DesignSfarmSettings& settings,
                                              const EpochLossFn& onEpoch, const CancelToken& cancel) const;
    };
    DesignSfarmJob designSfarmJob() const;
    // False (and nothing changes) when another model has been loaded since the job was made.
    bool installDesignSfarm(TrainedDesignSfarm trained);

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace ms::api
