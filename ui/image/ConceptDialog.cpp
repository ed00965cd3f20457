#include "ui/image/ConceptDialog.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QVBoxLayout>

#include <algorithm>

#include "api/TargetMask.h"
#include "mcvae/Preset.h"
#include "ui/image/MaskDocument.h"
#include "ui/image/MaskEditor.h"
#include "ui/workers/ImageEngine.h"

namespace ms {
namespace {

// The picture centred on a white square (aspect ratio kept), then scaled to the model's size.
QImage squareOnWhite(const QImage& picture, int size) {
    const int side = std::max(picture.width(), picture.height());
    QImage square(side, side, QImage::Format_RGB888);
    square.fill(Qt::white);
    QPainter painter(&square);
    painter.drawImage((side - picture.width()) / 2, (side - picture.height()) / 2, picture);
    painter.end();
    return square.scaled(size, size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
}

QPushButton* browseButton(QWidget* parent, const QString& objectName) {
    auto* b = new QPushButton(ConceptDialog::tr("Browse…"), parent);
    b->setObjectName(objectName);
    return b;
}

}  // namespace

ConceptDialog::ConceptDialog(QWidget* parent) : QDialog(parent), m_engine(new ConceptEngine(this)) {
    setWindowTitle(tr("Learn a concept from an image"));
    resize(760, 820);
    auto* layout = new QVBoxLayout(this);
    m_modelLabel = new QLabel(this);
    m_modelLabel->setWordWrap(true);
    layout->addWidget(m_modelLabel);

    auto* pictureRow = new QHBoxLayout;
    m_picturePath = new QLineEdit(this);
    m_picturePath->setReadOnly(true);
    m_picturePath->setPlaceholderText(tr("one picture of your design (PNG, JPEG)"));
    auto* openPicture = new QPushButton(tr("Open picture…"), this);
    openPicture->setObjectName(QStringLiteral("conceptOpenPicture"));
    pictureRow->addWidget(new QLabel(tr("Picture"), this));
    pictureRow->addWidget(m_picturePath, 1);
    pictureRow->addWidget(openPicture);
    layout->addLayout(pictureRow);

    auto* hint = new QLabel(tr("Paint the region the design occupies (or Load mask…): the concept is what lies inside it."), this);
    hint->setWordWrap(true);
    layout->addWidget(hint);
    m_editor = new MaskEditor(this);
    m_editor->setObjectName(QStringLiteral("conceptMask"));
    m_editor->setMinimumHeight(320);
    layout->addWidget(m_editor, 1);
    auto* fromPicture = new QPushButton(tr("Region from the picture"), this);
    fromPicture->setObjectName(QStringLiteral("conceptRegionFromPicture"));
    fromPicture->setToolTip(tr("Everything drawn in the picture (darker than its white paper), a little grown: "
                               "then trim it with the brush and eraser"));
    auto* regionRow = new QHBoxLayout;
    regionRow->addWidget(fromPicture);
    regionRow->addStretch(1);
    layout->addLayout(regionRow);

    auto* form = new QFormLayout;
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("conceptName"));
    m_name->setPlaceholderText(tr("e.g. my_bike"));
    form->addRow(tr("Concept name"), m_name);
    m_stage1 = new QSpinBox(this);
    m_stage1->setObjectName(QStringLiteral("conceptStage1Steps"));
    m_stage1->setRange(1, 100000);
    m_stage1->setValue(1500);
    m_stage1->setToolTip(tr("Stage 1: only the concept's token learns (the model frozen), AdamW 5e-3"));
    m_stage2 = new QSpinBox(this);
    m_stage2->setObjectName(QStringLiteral("conceptStage2Steps"));
    m_stage2->setRange(0, 100000);
    m_stage2->setValue(400);
    m_stage2->setSpecialValueText(tr("0 (stage 1 only)"));
    m_stage2->setToolTip(tr("Stage 2: the U-Net and mask encoder learn too, lr 1e-5 (0: skip)"));
    m_previewEvery = new QSpinBox(this);
    m_previewEvery->setRange(0, 10000);
    m_previewEvery->setValue(50);
    m_previewEvery->setSpecialValueText(tr("never"));
    auto* steps = new QHBoxLayout;
    steps->addWidget(new QLabel(tr("stage 1"), this));
    steps->addWidget(m_stage1);
    steps->addWidget(new QLabel(tr("stage 2"), this));
    steps->addWidget(m_stage2);
    steps->addWidget(new QLabel(tr("preview every"), this));
    steps->addWidget(m_previewEvery);
    steps->addStretch(1);
    form->addRow(tr("Steps"), steps);
    auto* priorRow = new QHBoxLayout;
    m_prior = new QLineEdit(this);
    m_prior->setObjectName(QStringLiteral("conceptPrior"));
    m_prior->setPlaceholderText(tr("optional: the model's training images (folder with conditions.csv, or .mspack)"));
    m_prior->setToolTip(tr("Prior preservation: stage 2 also rehearses these images, so the model keeps making its other designs"));
    auto* browsePrior = browseButton(this, QStringLiteral("conceptBrowsePrior"));
    priorRow->addWidget(m_prior, 1);
    priorRow->addWidget(browsePrior);
    form->addRow(tr("Keep other designs"), priorRow);
    auto* outputRow = new QHBoxLayout;
    m_output = new QLineEdit(this);
    m_output->setObjectName(QStringLiteral("conceptOutput"));
    auto* browseOutput = browseButton(this, QStringLiteral("conceptBrowseOutput"));
    outputRow->addWidget(m_output, 1);
    outputRow->addWidget(browseOutput);
    form->addRow(tr("Save model as"), outputRow);
    layout->addLayout(form);

    auto* run = new QHBoxLayout;
    m_learn = new QPushButton(tr("Learn"), this);
    m_learn->setObjectName(QStringLiteral("conceptLearn"));
    m_cancel = new QPushButton(tr("Cancel learning"), this);
    m_cancel->setObjectName(QStringLiteral("conceptCancel"));
    m_cancel->setToolTip(tr("Stops after the current step and saves the concept as learnt so far"));
    m_cancel->setEnabled(false);
    auto* close = new QPushButton(tr("Close"), this);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("conceptProgress"));
    m_progress->setFormat(tr("not started"));
    m_progress->setValue(0);
    m_preview = new QLabel(this);
    m_preview->setObjectName(QStringLiteral("conceptPreview"));
    m_preview->setFixedSize(128, 128);
    m_preview->setFrameShape(QFrame::StyledPanel);
    m_preview->setToolTip(tr("The concept in its own shape, as the model draws it now"));
    run->addWidget(m_learn);
    run->addWidget(m_cancel);
    run->addWidget(m_progress, 1);
    run->addWidget(m_preview);
    run->addWidget(close);
    layout->addLayout(run);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    connect(fromPicture, &QPushButton::clicked, this, &ConceptDialog::regionFromPicture);
    connect(openPicture, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open picture"), QString(), tr("Images (*.png *.jpg *.jpeg *.bmp)"));
        if (!path.isEmpty()) setPicture(path);
    });
    connect(browsePrior, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Training images"), m_prior->text());
        if (!dir.isEmpty()) m_prior->setText(dir);
    });
    connect(browseOutput, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save model as"), outputPath(), tr("Image models (*.msi)"));
        if (!path.isEmpty()) setOutputPath(path);
    });
    connect(m_name, &QLineEdit::textChanged, this, [this] {
        if (!m_outputEdited) m_output->setText(suggestedOutput());
    });
    connect(m_output, &QLineEdit::textEdited, this, [this] { m_outputEdited = true; });
    connect(m_learn, &QPushButton::clicked, this, &ConceptDialog::learn);
    connect(m_cancel, &QPushButton::clicked, this, &ConceptDialog::cancel);
    connect(close, &QPushButton::clicked, this, &QDialog::hide);  // a running job goes on; the dock hears when it ends
    connect(m_editor, &MaskEditor::statusMessage, this, &ConceptDialog::say);
    connect(m_engine, &ConceptEngine::progress, this, [this](int stage, int step, int steps, double loss, double seconds, const QImage& preview) {
        m_progress->setFormat(tr("stage %1: step %v / %m").arg(stage));
        m_progress->setMaximum(std::max(1, steps));
        m_progress->setValue(step);
        m_status->setText(tr("Stage %1, step %2 of %3: loss %4, %5 s").arg(stage).arg(step).arg(steps).arg(loss, 0, 'g', 4).arg(seconds, 0, 'f', 0));
        if (!preview.isNull()) {
            m_lastPreview = preview;
            m_preview->setPixmap(QPixmap::fromImage(preview.scaled(m_preview->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
        }
    });
    connect(m_engine, &ConceptEngine::finished, this, [this](const QString& path, const QString& concept, bool, const QString& summary) {
        setRunning(false);
        say(summary);
        if (!path.isEmpty()) Q_EMIT conceptLearnt(path, concept);
    });
    connect(m_engine, &ConceptEngine::failed, this, [this](const QString& message) {
        setRunning(false);
        say(tr("Learning failed: %1").arg(message));
    });
}

void ConceptDialog::setModel(const ConceptModel& model) {
    m_model = model;
    m_modelLabel->setText(tr("Into: %1 (%2 px)").arg(model.path).arg(model.size));
    if (m_prior->text().isEmpty() && !model.trainingData.isEmpty() && QFileInfo::exists(model.trainingData))
        m_prior->setText(QFileInfo(model.trainingData).absoluteFilePath());
    if (!m_outputEdited) m_output->setText(suggestedOutput());
    if (!m_picture.isNull()) m_editor->setBaseImage(squareOnWhite(m_picture, model.size));
}

bool ConceptDialog::setPicture(const QString& path) {
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QImage image = reader.read();
    if (image.isNull()) {
        say(tr("%1: %2").arg(path, reader.errorString()));
        return false;
    }
    m_picture = image.convertToFormat(QImage::Format_RGB888);
    m_picturePath->setText(path);
    const int size = m_model.size > 0 ? m_model.size : std::max(image.width(), image.height());
    m_editor->setBaseImage(squareOnWhite(m_picture, size));
    m_editor->setBrushSize(std::max(1, size / 8));
    if (m_name->text().isEmpty()) m_name->setText(QFileInfo(path).completeBaseName().replace(QLatin1Char(' '), QLatin1Char('_')));
    say(tr("Picture %1 (%2 x %3, shown at %4 px): paint its region").arg(path).arg(image.width()).arg(image.height()).arg(size));
    return true;
}

bool ConceptDialog::regionFromPicture() {
    const QImage picture = m_editor->baseImage();
    if (m_picture.isNull() || picture.isNull()) {
        say(tr("Open a picture of the design first"));
        return false;
    }
    const api::ImagePixels region = api::silhouetteTargetShape(fromQImage(picture, 1, picture.width()));
    QImage mask(picture.width(), picture.width(), QImage::Format_Grayscale8);
    for (int y = 0; y < mask.height(); ++y)
        std::copy_n(region.data.data() + static_cast<std::ptrdiff_t>(y) * mask.width(), mask.width(), mask.scanLine(y));
    m_editor->document(MaskLayer::Inpaint)->replace(mask, tr("Region from the picture"));
    const double covered = m_editor->document(MaskLayer::Inpaint)->coverage();
    say(covered > 0.0 ? tr("Region: what is drawn in the picture (%1 % of it); trim it with the brush and eraser").arg(100.0 * covered, 0, 'f', 0)
                      : tr("Nothing is drawn darker than the paper in this picture: paint the region instead"));
    return covered > 0.0;
}

void ConceptDialog::setConceptName(const QString& name) { m_name->setText(name); }

void ConceptDialog::setSteps(int stage1, int stage2, int previewEvery) {
    m_stage1->setValue(stage1);
    m_stage2->setValue(stage2);
    m_previewEvery->setValue(previewEvery);
}

void ConceptDialog::setPriorImages(const QString& folderOrPack) { m_prior->setText(folderOrPack); }

void ConceptDialog::setOutputPath(const QString& path) {
    m_outputEdited = true;
    m_output->setText(path);
}

QString ConceptDialog::outputPath() const { return m_output->text().trimmed(); }
QString ConceptDialog::status() const { return m_status->text(); }

QString ConceptDialog::suggestedOutput() const {
    if (m_model.path.isEmpty()) return {};
    const QFileInfo model(m_model.path);
    const QString name = m_name->text().trimmed().isEmpty() ? QStringLiteral("concept") : m_name->text().trimmed();
    const QString file = model.completeBaseName() + QLatin1Char('-') + name + QStringLiteral(".msi");
    // beside the user's own model; never among the built-in models (nor in a read-only folder)
    const bool builtIn = model.absolutePath() == QFileInfo(QString::fromStdString(mcvae::modelsDirectory())).absoluteFilePath();
    if (!builtIn && QFileInfo(model.absolutePath()).isWritable()) return model.dir().filePath(file);
    const QString data = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/models");
    return QDir(data).filePath(file);
}

void ConceptDialog::say(const QString& text) { m_status->setText(text); }

void ConceptDialog::setRunning(bool running) {
    m_learn->setEnabled(!running);
    m_cancel->setEnabled(running);
}

bool ConceptDialog::learn() {
    const auto refuse = [this](const QString& why) {
        say(why);
        return false;
    };
    if (running()) return refuse(tr("A concept is being learnt already"));
    if (m_model.path.isEmpty()) return refuse(tr("Open an image model that follows target shapes first"));
    if (m_picture.isNull()) return refuse(tr("Open a picture of the design first"));
    const QString name = m_name->text().trimmed();
    if (name.isEmpty()) return refuse(tr("Name the concept first"));
    if (m_model.taken.contains(name)) return refuse(tr("'%1' is already a condition or concept of this model: choose another name").arg(name));
    const MaskDocument* region = m_editor->document(MaskLayer::Inpaint);
    if (region->coverage() <= 0.0) return refuse(tr("Paint the region the design occupies first (or load a mask)"));
    const QString out = outputPath();
    if (out.isEmpty()) return refuse(tr("Choose where to save the model"));
    if (QFileInfo(out).absoluteFilePath() == QFileInfo(m_model.path).absoluteFilePath())
        return refuse(tr("Save the model with the concept under a new name: %1 stays as it is").arg(m_model.path));
    if (!QDir().mkpath(QFileInfo(out).absolutePath())) return refuse(tr("Cannot create the folder of %1").arg(out));

    api::ConceptRequest request;
    request.modelPath = m_model.path.toStdString();
    request.outPath = out.toStdString();
    request.name = name.toStdString();
    request.images = fromQImage(m_editor->baseImage(), m_model.channels, m_model.size);
    request.masks = targetShapePixels(region->mask(), m_model.size);
    request.stage1Steps = m_stage1->value();
    request.stage2Steps = m_stage2->value();
    request.previewEvery = m_previewEvery->value();
    request.device = "auto";
    if (!m_engine->start(std::move(request), m_prior->text().trimmed())) return refuse(tr("A concept is being learnt already"));
    setRunning(true);
    m_progress->setValue(0);
    say(tr("Learning '%1'…").arg(name));
    return true;
}

}  // namespace ms
