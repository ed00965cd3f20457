#pragma once
// The plain values that cross between the GUI thread and the engine threads over queued
// signals, registered with Qt's meta-type system once.
#include <QMetaType>
#include <QString>
#include <QVector>

#include <cstdint>
#include <vector>

#include "api/ExploreSession.h"
#include "api/TrainRequest.h"
#include "api/TrainRun.h"
#include "api/TuneJob.h"
#include "geometry/Drawing.h"
#include "geometry/KeypointSpread.h"
#include "inference/GenerationRequest.h"
#include "training/TrainingProgress.h"

namespace ms {

// One interactive generation: the request plus what to draw. `modelSerial` ties it to the
// model it was made for, so a request overtaken by a model switch is dropped, not run.
struct GenerationJob {
    GenerationRequest request;
    // Pinned outputs in user units (schema.outputDim() values, NaN = free; empty = no pins).
    // With any pin the designs are completions by the design SFARM instead of mcVAE samples.
    std::vector<double> pins;
    bool suggest = false;            // rank the unknown conditions ("specify next")
    std::vector<int> spreadTarget;   // outputs whose spread the ranking reduces (empty = all)
    bool withLabels = false;
    bool withReference = false;
    quint64 modelSerial = 0;
    quint64 id = 0;
};

struct GenerationOutput {
    quint64 id = 0;
    quint64 modelSerial = 0;
    GenerationRequest request;
    std::vector<std::vector<double>> designs;  // user units, one per sample
    std::vector<Drawing> drawings;             // one per design
    std::vector<double> referenceDesign;       // nearest training design (empty when off/none)
    Drawing referenceDrawing;
    bool pinned = false;                        // designs are SFARM completions of the pins
    std::vector<KeypointSpread> spread;         // per keypoint over kSpreadSamples samples
    std::vector<ConditionSuggestion> suggestions;  // "specify next", best first (when asked)
    double designSpread = 0.0;                  // current spread of the target (standardised)
    double milliseconds = 0.0;                 // engine time: decode + drawing
    QString error;                             // non-empty when the generation failed
};

// Samples behind the keypoint spread shading (at least this many, or the designs shown).
constexpr int kSpreadSamples = 16;

// True when any pinned value is set.
bool hasPins(const std::vector<double>& pins);

void registerEngineMetaTypes();

}  // namespace ms

Q_DECLARE_METATYPE(ms::ConditionValues)
Q_DECLARE_METATYPE(ms::GenerationJob)
Q_DECLARE_METATYPE(ms::GenerationOutput)
Q_DECLARE_METATYPE(ms::ModelInfo)
Q_DECLARE_METATYPE(ms::TrainRequest)
Q_DECLARE_METATYPE(ms::TrainingProgress)
Q_DECLARE_METATYPE(ms::TrainRunOutcome)
Q_DECLARE_METATYPE(ms::TuneRequest)
Q_DECLARE_METATYPE(ms::TuningTrialReport)
Q_DECLARE_METATYPE(ms::TuneOutcome)
Q_DECLARE_METATYPE(std::vector<ms::EpochRecord>)
