#pragma once
// The plain values that cross between the GUI thread and the engine threads over queued
// signals, registered with Qt's meta-type system once.
#include <QMetaType>
#include <QString>
#include <QVector>

#include <cstdint>
#include <vector>

#include "api/ExploreSession.h"
#include "api/PartialTable.h"
#include "api/TrainRequest.h"
#include "api/TrainRun.h"
#include "api/TuneJob.h"
#include "core/geometry/Drawing.h"
#include "core/geometry/KeypointSpread.h"
#include "core/training/TrainingProgress.h"
#include "mcvae/GenerationRequest.h"

namespace ms {

// One interactive step as the studio sends it: the query plus `modelSerial`, which ties it to
// the model it was made for (a request overtaken by a model switch is dropped, not run).
struct GenerationJob : api::ExploreQuery {
    quint64 modelSerial = 0;
    quint64 id = 0;
};

// What comes back: the view, or the error that replaced it.
struct GenerationOutput : api::ExploreView {
    quint64 id = 0;
    quint64 modelSerial = 0;
    mcvae::GenerationRequest request;
    double milliseconds = 0.0;  // engine time: decode + drawing
    QString error;              // non-empty when the generation failed
};

void registerEngineMetaTypes();

}  // namespace ms

Q_DECLARE_METATYPE(ms::ConditionValues)
Q_DECLARE_METATYPE(ms::GenerationJob)
Q_DECLARE_METATYPE(ms::GenerationOutput)
Q_DECLARE_METATYPE(ms::api::ModelInfo)
Q_DECLARE_METATYPE(ms::api::TrainRequest)
Q_DECLARE_METATYPE(ms::TrainingProgress)
Q_DECLARE_METATYPE(ms::api::TrainRunOutcome)
Q_DECLARE_METATYPE(ms::api::PartialTrainResult)
Q_DECLARE_METATYPE(ms::api::GapPreview)
Q_DECLARE_METATYPE(ms::api::TuneRequest)
Q_DECLARE_METATYPE(ms::mcvae::TuningTrialReport)
Q_DECLARE_METATYPE(ms::api::TuneOutcome)
Q_DECLARE_METATYPE(std::vector<ms::EpochRecord>)
