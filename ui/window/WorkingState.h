#pragma once
// The studio's working state, the part a crash must not take: the keypoint model, the conditions
// set for it, the pinned keypoints, and the Image dock's work (ImageWork). MainWindow::workingState
// takes it, MainWindow::restoreWorkingState puts it back; CrashRecovery stores it.
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <vector>

#include "ui/image/ImageWork.h"

namespace ms {

struct WorkingState {
    QString keypointModel;      // absolute path (empty: none loaded)
    QString conditions;         // NAME=VALUE lines (the keypoint model's schema); empty: all unknown
    std::vector<double> pins;   // KeypointPins::values(): NaN where free; empty: none
    ImageWork images;
    QDateTime saved;            // when it was written (read back from the file)

    int pinnedCount() const;
    // What it holds, one line per part (for the restore question), e.g. "Model: bike.msm",
    // "4 conditions set", "2 pinned keypoints", "12 images in the history", "a painted mask".
    QStringList describe() const;
};

}  // namespace ms
