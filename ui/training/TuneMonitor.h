#pragma once
// What a settings search shows: every trial's validation MSE as it comes in (one colour per
// rung: short runs of many trials, then longer runs of the best), the best so far as a line,
// a status line with trials, time left and the best settings, and at the end the finalists.
#include <QElapsedTimer>
#include <QWidget>

#include "api/TuneJob.h"

class QCustomPlot;
class QLabel;
class QProgressBar;
class QTimer;

namespace ms {

class TuneMonitor : public QWidget {
    Q_OBJECT
public:
    explicit TuneMonitor(QWidget* parent = nullptr);

    void start(double budgetSeconds);
    void addReport(const mcvae::TuningTrialReport& report);
    void showOutcome(const api::TuneOutcome& outcome, const QString& baseName);
    void showFailure(const QString& message);

    int points() const;             // trial results plotted
    double bestSoFar() const { return m_best; }
    QString statusText() const;

private:
    QProgressBar* m_progress;
    QLabel* m_status;
    QCustomPlot* m_plot;
    QTimer* m_tick;          // moves the progress bar between results (cross-validation is quiet)
    QElapsedTimer m_clock;
    double m_budget = 0.0;
    double m_best = 0.0;
    int m_results = 0;
    QString m_bestSettings;

    void fitAxes();
};

}  // namespace ms
