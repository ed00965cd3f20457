#pragma once
// The settings-search thread behind the Training dock's "Find settings": one search at a time,
// beside (not instead of) the exploration thread; the search itself trains its trials on
// worker threads of its own. Every trial result arrives as a signal; Cancel stops the running
// trials and keeps the best found so far.
#include <QObject>
#include <QThread>

#include "engine/EngineTypes.h"
#include "runtime/CancelToken.h"

namespace ms {

class TuneWorker : public QObject {
    Q_OBJECT
public:
    TuneWorker();
    void cancel() { m_cancel.cancel(); }
    void rearm() { m_cancel.reset(); }

public Q_SLOTS:
    void run(const ms::TuneRequest& request);

Q_SIGNALS:
    void reported(const ms::TuningTrialReport& report);
    void finished(const ms::TuneOutcome& outcome);
    void failed(const QString& message);

private:
    CancelToken m_cancel;
};

class TuneEngine : public QObject {
    Q_OBJECT
public:
    explicit TuneEngine(QObject* parent = nullptr);
    ~TuneEngine() override;  // cancels a running search, then joins

    bool start(const TuneRequest& request);  // false while a search is going
    void cancel();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void reported(const ms::TuningTrialReport& report);
    void finished(const ms::TuneOutcome& outcome);
    void failed(const QString& message);

private:
    QThread m_thread;
    TuneWorker* m_worker;
    bool m_running = false;
};

}  // namespace ms
