// MainWindow's model switcher: its entries, opening one, what it calls each model (ModelNaming: the user's
// name, else data and date for a trained one) and File → Rename model….
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QInputDialog>
#include <QLineEdit>
#include <QStatusBar>

#include "ui/window/MainWindow.h"
#include "ui/window/ModelNaming.h"
#include "ui/workers/ExploreEngine.h"

namespace ms {

void MainWindow::addModelEntry(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (m_modelBox->findData(absolute) >= 0) return;
    m_modelBox->addItem(modelLabel(absolute), absolute);
    m_modelBox->setItemData(m_modelBox->count() - 1, QDir::toNativeSeparators(absolute), Qt::ToolTipRole);
}

bool MainWindow::renameModel(const QString& path, const QString& name) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const int index = m_modelBox->findData(absolute);
    if (index < 0) return false;
    setUserModelName(absolute, name);  // an empty name goes back to the data-and-date one
    m_modelBox->setItemText(index, modelLabel(absolute));
    return true;
}

QString MainWindow::modelLabelAt(const QString& path) const {
    const int index = m_modelBox->findData(QFileInfo(path).absoluteFilePath());
    return index < 0 ? QString() : m_modelBox->itemText(index);
}

QStringList MainWindow::modelPaths() const {
    QStringList paths;
    for (int i = 0; i < m_modelBox->count(); ++i) paths << m_modelBox->itemData(i).toString();
    return paths;
}

bool MainWindow::openModel(const QString& path) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (!QFileInfo::exists(absolute)) {
        showError(tr("Open model"), tr("%1 does not exist.").arg(QDir::toNativeSeparators(absolute)));
        return false;
    }
    addModelEntry(absolute);
    m_loadingPath = absolute;
    m_awaitedSerial = m_explore->loadModel(absolute);
    statusBar()->showMessage(tr("Loading %1…").arg(QFileInfo(absolute).fileName()));
    return true;
}

void MainWindow::renameCurrentModel() {
    const QString path = m_modelBox->currentData().toString();
    if (path.isEmpty()) return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename model"),
                                               tr("Name for %1\n(empty: its data and date)").arg(QDir::toNativeSeparators(path)),
                                               QLineEdit::Normal, m_modelBox->currentText(), &ok);
    if (ok) renameModel(path, name);
}

}  // namespace ms
