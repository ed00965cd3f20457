// MainWindow's Image dock: the image model opened at startup (the last one, else the built-in
// bike), the keypoint design's conditions forwarded to it (with a note and a switch offer when
// the two models' conditions differ), shapes taken from the design, trained models opened.
#include <QComboBox>
#include <QDockWidget>
#include <QFileInfo>
#include <QStatusBar>
#include <QTimer>

#include <algorithm>
#include <optional>
#include <set>

#include "api/ExploreSession.h"
#include "core/data/ColumnLabel.h"
#include "mcvae/Preset.h"
#include "ui/canvas/DesignCanvas.h"
#include "ui/image/ImagePanel.h"
#include "ui/image/ImageTrainingPanel.h"
#include "ui/panels/ConditionPanel.h"
#include "ui/window/MainWindow.h"

namespace ms {

void MainWindow::connectImageDock() {
    connect(m_imagePanel, &ImagePanel::modelReady, this, [this](const QString& description) {
        forwardConditionsToImages();
        noteImageModelConditions();
        statusBar()->showMessage(tr("Image model ready: %1").arg(description), 8000);
    });
    connect(m_imagePanel, &ImagePanel::modelReady, this, [this] {
        m_imageTraining->setCurrentImageModel(m_imagePanel->modelPath());
        m_settings.lastImageModel = m_imagePanel->modelPath();
    });
    connect(m_imagePanel, &ImagePanel::keypointModelSwitchRequested, this, [this](const QString& path) { openModel(path); });
    connect(m_imagePanel, &ImagePanel::targetShapeFromDesignRequested, this, [this] {
        m_imagePanel->takeTargetShapeFrom(m_canvas->designs().empty() ? Drawing{} : m_canvas->designs().front());
    });
    connect(m_imageTraining, &ImageTrainingPanel::modelTrained, this, [this](const QString& path) {
        openImageModel(path);
        statusBar()->showMessage(tr("New image model %1 is ready").arg(path), 8000);
    });
    connect(m_imagePanel, &ImagePanel::statusMessage, this, [this](const QString& text) { statusBar()->showMessage(text, 8000); });
}

bool MainWindow::openStartupImageModel() {
    QString path = m_settings.lastImageModel;
    if (path.isEmpty() || !QFileInfo::exists(path))
        path = QString::fromStdString(mcvae::modelsDirectory()) + QStringLiteral("/bike.msi");
    if (!QFileInfo::exists(path)) return false;
    connect(m_imagePanel, &ImagePanel::modelReady, m_imagePanel, [this] { m_imagePanel->generate(); }, Qt::SingleShotConnection);
    openImageModel(path);
    return true;
}

void MainWindow::openImageModel(const QString& path) {
    m_imagePanel->openModel(path);
    showImageDock();
}

void MainWindow::showImageDock() {
    auto* dock = findChild<QDockWidget*>(QStringLiteral("imageDock"));
    if (!dock) return;
    const bool appearing = dock->isHidden();
    dock->show();
    dock->raise();
    // Appearing, it takes a third of the window (its tool rows fold), not its one-row width, so
    // that the canvas and the Conditions dock keep theirs.
    if (appearing)
        QTimer::singleShot(0, this, [this, dock] { resizeDocks({dock}, {std::max(360, width() / 3)}, Qt::Horizontal); });
}

void MainWindow::forwardConditionsToImages() {
    if (!m_model) return;
    const QString text = QString::fromStdString(m_conditions->values().toText(m_model->schema));
    m_imagePanel->setConditions(text.split('\n', Qt::SkipEmptyParts));
}

namespace {
// The image model's condition columns that `keypoints` does not have.
QStringList conditionsMissingFrom(const Schema& image, const Schema& keypoints) {
    std::set<std::string> known;
    for (const auto& c : keypoints.categorical) known.insert(c.column);
    for (const auto& n : keypoints.numerical) known.insert(n.column);
    QStringList missing;  // by their labels (ColumnLabel)
    for (std::size_t i = 0; i < image.categorical.size(); ++i)
        if (!known.count(image.categorical[i].column)) missing << QString::fromStdString(conditionLabel(image, i));
    for (std::size_t i = 0; i < image.numerical.size(); ++i)
        if (!known.count(image.numerical[i].column)) missing << QString::fromStdString(conditionLabel(image, image.categorical.size() + i));
    return missing;
}
}  // namespace

void MainWindow::noteImageModelConditions() {
    const Schema& image = m_imagePanel->modelSchema();
    if (!m_model || !m_imagePanel->hasModel() || image.conditionCount() == 0) {
        m_imagePanel->setConditionNote({});
        return;
    }
    const QStringList missing = conditionsMissingFrom(image, m_model->schema);
    if (missing.isEmpty()) {
        m_imagePanel->setConditionNote({});
        return;
    }
    // A keypoint model in the switcher that has every condition of the image model.
    QString switchTo, switchLabel;
    const QString current = QFileInfo(QString::fromStdString(m_model->path)).absoluteFilePath();
    for (int i = 0; i < m_modelBox->count() && switchTo.isEmpty(); ++i) {
        const QString path = m_modelBox->itemData(i).toString();
        if (path == current) continue;
        auto known = m_switcherSchemas.find(path);
        if (known == m_switcherSchemas.end()) {
            std::optional<Schema> schema;
            try {
                schema = api::ExploreSession::modelSchema(path.toStdString());
            } catch (const std::exception&) {
                // Unreadable now (moved, damaged): not offered; opening it says why.
            }
            known = m_switcherSchemas.emplace(path, std::move(schema)).first;
        }
        if (known->second && conditionsMissingFrom(image, *known->second).isEmpty()) {
            switchTo = path;
            switchLabel = tr("Switch keypoint model to %1").arg(m_modelBox->itemText(i));
        }
    }
    QStringList shown = missing.mid(0, 4);
    if (missing.size() > 4) shown << tr("%n more", nullptr, static_cast<int>(missing.size() - 4));
    m_imagePanel->setConditionNote(
        tr("This image model was made for other conditions than the keypoint model \"%1\": %2 %3 not set from the "
           "Conditions dock, so images are generated with %4 unknown.")
            .arg(QString::fromStdString(m_model->name), shown.join(QStringLiteral(", ")),
                 missing.size() == 1 ? tr("is") : tr("are"), missing.size() == 1 ? tr("it") : tr("them")),
        switchLabel, switchTo);
}

}  // namespace ms
