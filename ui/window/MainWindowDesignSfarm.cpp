// MainWindow's keypoint pins (undoable edits, the design SFARM completing the rest) and the
// design SFARM training it needs: the part of the window that works with the design SFARM.
#include <QAction>
#include <QFileInfo>
#include <QLabel>
#include <QStatusBar>
#include <QUndoStack>

#include "ui/canvas/DesignCanvas.h"
#include "ui/panels/ConditionPanel.h"
#include "ui/window/MainWindow.h"
#include "ui/window/PinsEditCommand.h"
#include "ui/workers/ExploreEngine.h"

namespace ms {

void MainWindow::connectPinsAndDesignSfarm() {
    connect(m_canvas, &DesignCanvas::keypointGrabbed, this, [this] { ++m_pinDrag; });
    connect(m_canvas, &DesignCanvas::keypointDragged, this, [this](int k, double x, double y) {
        if (!pinKeypoint(k, x, y, m_pinDrag) && m_last) showKeypoints(*m_last);  // put the handle back
    });
    connect(m_canvas, &DesignCanvas::keypointEditRequested, this, &MainWindow::editKeypoint);
    connect(m_explore, &ExploreEngine::designSfarmProgress, this, [this](int epoch, int epochs) {
        statusBar()->showMessage(tr("Training the design SFARM: epoch %1 of %2…").arg(epoch).arg(epochs));
    });
    connect(m_explore, &ExploreEngine::designSfarmTrained, this, [this](const api::ModelInfo& info, quint64 serial) {
        if (serial != m_awaitedSerial || !m_model) return;
        m_model = info;
        m_trainSfarm->setEnabled(false);
        statusBar()->showMessage(tr("Pins and \"Specify next\" are on · %1").arg(QString::fromStdString(info.designSfarmNote)), 10000);
        requestGeneration();
    });
    connect(m_explore, &ExploreEngine::designSfarmFailed, this, [this](const QString& message) {
        m_trainSfarm->setEnabled(m_model && !m_model->designSfarm);
        showError(tr("Design SFARM"), tr("Could not train the design SFARM:\n%1").arg(message));
    });
}

void MainWindow::showPinCount() {
    const int n = m_pins.count();
    m_pinLabel->setText(n > 0 ? tr("%n keypoint(s) pinned", nullptr, n) : QString());
}

bool MainWindow::pinningAvailable() {
    if (!m_model) return false;
    if (m_model->designSfarm || m_model->partial) return true;
    statusBar()->showMessage(tr("Pinning needs a design SFARM for this model (Edit → Train design SFARM for this model): %1")
                                 .arg(QString::fromStdString(m_model->designSfarmNote)), 10000);
    return false;
}

bool MainWindow::pinKeypoint(int keypoint, double x, double y, int drag) {
    if (!pinningAvailable()) return false;
    KeypointPins next = m_pins;
    if (!next.set(keypoint, x, y)) return false;
    editPins(next, tr("Pin %1").arg(QString::fromStdString(m_model->schema.keypoints[static_cast<std::size_t>(keypoint)].name)),
             drag);
    return true;
}

void MainWindow::unpinKeypoint(int keypoint) {
    if (!m_pins.pinned(keypoint) || !m_model) return;
    KeypointPins next = m_pins;
    next.release(keypoint);
    editPins(next, tr("Release %1").arg(QString::fromStdString(m_model->schema.keypoints[static_cast<std::size_t>(keypoint)].name)));
}

void MainWindow::clearPins() {
    if (m_pins.count() == 0) return;
    KeypointPins next = m_pins;
    next.releaseAll();
    editPins(next, tr("Release all pins"));
}

void MainWindow::editPins(const KeypointPins& next, const QString& description, int drag) {
    m_conditions->undoStack()->push(new PinsEditCommand([this](const std::vector<double>& v) { applyPins(v); }, m_pins.values(),
                                                        next.values(), description, drag));
}

void MainWindow::applyPins(const std::vector<double>& values) {
    m_pins.assign(values);
    showPinCount();
    if (m_last) showKeypoints(*m_last);  // handles follow at once (an undone pin lets go of its handle)
    requestGeneration();
}

void MainWindow::trainNewModelsDesignSfarm(const api::ModelInfo& info) {
    const QString path = QFileInfo(QString::fromStdString(info.path)).absoluteFilePath();
    if (path != m_designSfarmOnLoad) return;
    m_designSfarmOnLoad.clear();
    if (!info.designSfarm && info.referenceRows > 0) trainDesignSfarm();
}

bool MainWindow::trainDesignSfarm(int epochs) {
    if (!m_model || m_model->designSfarm || m_model->referenceRows == 0) return false;
    m_trainSfarm->setEnabled(false);
    m_explore->trainDesignSfarm(m_awaitedSerial, epochs);
    statusBar()->showMessage(tr("Training the design SFARM…"));
    return true;
}

}  // namespace ms
