// MainWindow's crash recovery: the working state taken for the autosave, the start-up offer to
// restore a session that did not close, and putting a state back (CrashRecovery.h).
#include <QDir>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>
#include <QTimer>

#include <utility>

#include "ui/image/ImagePanel.h"
#include "ui/panels/ConditionPanel.h"
#include "ui/window/CrashRecovery.h"
#include "ui/window/MainWindow.h"

namespace ms {

WorkingState MainWindow::workingState() const {
    WorkingState s;
    if (m_model) {
        s.keypointModel = QFileInfo(QString::fromStdString(m_model->path)).absoluteFilePath();
        s.conditions = QString::fromStdString(m_conditions->values().toText(m_model->schema));
        if (m_pins.count() > 0) s.pins = m_pins.values();
    }
    s.images = m_imagePanel->work();
    return s;
}

void MainWindow::restoreWorkingState(const WorkingState& state, const QString& folder) {
    m_recoveredFolder = folder;
    m_recoveryWriteMark = -1;
    m_restoreParts = 0;
    if (!state.keypointModel.isEmpty() && QFileInfo::exists(state.keypointModel)) {
        m_restoring = state;
        ++m_restoreParts;
        openModel(state.keypointModel);
    } else {
        if (!state.keypointModel.isEmpty())
            showError(tr("Restore"), tr("The last session's model %1 is gone; its conditions and pins stay in %2.")
                                         .arg(QDir::toNativeSeparators(state.keypointModel), QDir::toNativeSeparators(folder)));
        openStartupModel();
    }
    if (!state.images.modelPath.isEmpty()) {
        ++m_restoreParts;
        connect(m_imagePanel, &ImagePanel::workRestored, this, &MainWindow::recoveryPartDone, Qt::SingleShotConnection);
        m_imagePanel->restoreWork(state.images);  // opens its model
        showImageDock();
    } else {
        openStartupImageModel();
    }
    if (m_restoreParts == 0) Q_EMIT recoveryRestored();
}

void MainWindow::recoveryPartDone() {
    if (m_restoreParts <= 0 || --m_restoreParts > 0) return;
    statusBar()->showMessage(tr("The last session's work is back"), 8000);
    Q_EMIT recoveryRestored();
    if (!m_autosaver) return;  // nothing saves it again: the old copy stays
    m_recoveryWriteMark = m_autosaver->writesStarted();  // a write that began earlier does not hold the restored state
    m_autosaver->saveNow();
}

bool MainWindow::offerRecovery() {
    if (!m_interactive) return false;
    for (const QString& folder : crash_recovery::abandonedSessions()) {  // the newest first
        QString error;
        const std::optional<WorkingState> state = crash_recovery::read(folder, &error);
        if (!state) {
            statusBar()->showMessage(tr("An autosave of an earlier session could not be read (%1); it is kept").arg(error), 15000);
            continue;
        }
        const QStringList parts = state->describe();
        if (parts.isEmpty()) {  // nothing the user made
            crash_recovery::discard(folder);
            continue;
        }
        QMessageBox box(this);
        box.setIcon(QMessageBox::Question);
        box.setWindowTitle(tr("Restore the last session?"));
        box.setText(tr("Maskstudio did not close normally last time. Its work was saved %1:")
                        .arg(state->saved.isValid() ? QLocale().toString(state->saved, QLocale::ShortFormat) : tr("before it ended")));
        box.setInformativeText(QStringLiteral("• ") + parts.join(QStringLiteral("\n• ")));
        box.setDetailedText(tr("Autosave folder: %1").arg(QDir::toNativeSeparators(folder)));
        QPushButton* restore = box.addButton(tr("Restore"), QMessageBox::AcceptRole);
        QPushButton* later = box.addButton(tr("Not now"), QMessageBox::RejectRole);
        later->setToolTip(tr("Start as usual; the next start asks again"));
        QPushButton* discard = box.addButton(tr("Discard"), QMessageBox::DestructiveRole);
        box.setDefaultButton(restore);
        box.exec();
        if (box.clickedButton() == discard) {
            crash_recovery::discard(folder);
            return false;
        }
        if (box.clickedButton() != restore) return false;
        // Once the window shows (at start-up it does not yet): docks are sized in the shown window.
        QTimer::singleShot(0, this, [this, restored = *state, folder] { restoreWorkingState(restored, folder); });
        return true;
    }
    return false;
}

bool MainWindow::startAutosave(int intervalMs) {
    if (m_autosaver) return true;
    auto* saver = new Autosaver([this] { return workingState(); }, this);
    QString error;
    if (!saver->start(intervalMs, &error)) {
        delete saver;
        statusBar()->showMessage(tr("No crash recovery this session: %1").arg(error), 15000);
        return false;
    }
    m_autosaver = saver;
    connect(saver, &Autosaver::saved, this, [this] {
        m_autosaveError.clear();
        if (m_recoveryWriteMark >= 0 && m_autosaver->writesFinished() > m_recoveryWriteMark && !m_recoveredFolder.isEmpty())
            crash_recovery::discard(std::exchange(m_recoveredFolder, QString()));  // its state lives on in this session's
    });
    connect(saver, &Autosaver::failed, this, [this](const QString& message) {
        if (message == m_autosaveError) return;  // said once
        m_autosaveError = message;
        statusBar()->showMessage(tr("Autosave failed: %1 (the previous autosave is kept)").arg(message), 15000);
    });
    return true;
}

}  // namespace ms
