#pragma once
// The training thread: one run at a time, separate from the exploration thread so the user keeps
// exploring the current model while a new one trains. Progress arrives throttled (at most ~30
// signals a second) but with every epoch's record, so the curves have every point. Two kinds of
// run: an mcVAE (complete designs) and a model learned from incomplete designs (.mpd).
#include <QObject>

#include <vector>

#include "ui/workers/EngineTypes.h"
#include "ui/workers/EngineWorker.h"

namespace ms {

class TrainingEngine : public EngineWorker {
    Q_OBJECT
public:
    explicit TrainingEngine(QObject* parent = nullptr);
    ~TrainingEngine() override;  // cancels a running job, then joins

    // False (and nothing started) while a run is going.
    bool start(const api::TrainRequest& request);
    // A partial-observation model (api::trainPartialOnCsv) on a table of `rows` usable rows (for the
    // progress; its loss arrives as the records' reconstruction). False while a run is going.
    bool startPartial(const api::PartialTrainRequest& request, int64_t rows);

Q_SIGNALS:
    void started(const ms::api::TrainRequest& request);
    void progressed(const ms::TrainingProgress& latest, const std::vector<ms::EpochRecord>& newRecords);
    void finished(const ms::api::TrainRunOutcome& outcome);
    void partialFinished(const ms::api::PartialTrainResult& result, const QString& modelPath);
    // A partial run's partition, chosen before its denoiser trains (request.onPartition).
    void partitionChosen(const ms::api::GapPreview& preview);
};

}  // namespace ms
