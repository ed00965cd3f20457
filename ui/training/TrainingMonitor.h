#pragma once
// What a running training shows: progress with ETA, loss curves (train and validation
// reconstruction, KL, sparsity on the right axis) and, at the end, the held-out MSE for every
// inference sparsity.
#include <QWidget>

#include <vector>

#include "api/PartialTable.h"
#include "api/TrainRun.h"
#include "core/training/TrainingProgress.h"

class QCustomPlot;
class QLabel;
class QProgressBar;

namespace ms {

class GapPreviewView;

class TrainingMonitor : public QWidget {
    Q_OBJECT
public:
    explicit TrainingMonitor(QWidget* parent = nullptr);

    void start(int64_t epochs, const std::vector<EpochRecord>& earlier = {});
    // A model learned from incomplete designs: one curve, its loss on the entries left out of the
    // context (the records' reconstruction); KL, sparsity and validation do not apply.
    // learnsPrior: the partition may first learn a prior over the rows' gaps (said while it does).
    void startPartial(int64_t epochs, bool learnsPrior = false);
    // The partition chosen, before the denoiser trains: the data's gaps beside the prior's draws.
    void showGapPreview(const api::GapPreview& preview);
    void addProgress(const TrainingProgress& latest, const std::vector<EpochRecord>& records);
    void showOutcome(const api::TrainRunOutcome& outcome);
    void showPartialOutcome(const api::PartialTrainResult& result);
    void showFailure(const QString& message);

    int curvePoints() const;       // points on the training reconstruction curve
    int resultBars() const;        // bars in the MSE-per-sparsity chart
    QString statusText() const;
    const GapPreviewView* gapPreview() const { return m_gaps; }

private:
    void showCurves(bool partial);

    QProgressBar* m_progress;
    QLabel* m_status;
    QCustomPlot* m_curves;
    QCustomPlot* m_result;
    QLabel* m_partition;
    GapPreviewView* m_gaps;
};

}  // namespace ms
