#pragma once
// The settings-search thread behind the Training dock's "Find settings": one search at a time,
// beside (not instead of) the exploration thread; the search itself trains its trials on
// worker threads of its own. Every trial result arrives as a signal; Cancel stops the running
// trials and keeps the best found so far.
#include <QObject>

#include "ui/workers/EngineTypes.h"
#include "ui/workers/EngineWorker.h"

namespace ms {

class TuneEngine : public EngineWorker {
    Q_OBJECT
public:
    explicit TuneEngine(QObject* parent = nullptr);
    ~TuneEngine() override;  // cancels a running search, then joins

    bool start(const api::TuneRequest& request);  // false while a search is going

Q_SIGNALS:
    void reported(const ms::mcvae::TuningTrialReport& report);
    void finished(const ms::api::TuneOutcome& outcome);
};

}  // namespace ms
