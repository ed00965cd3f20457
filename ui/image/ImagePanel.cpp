#include "ui/image/ImagePanel.h"

#include <QCheckBox>
#include <algorithm>
#include <cmath>
#include <utility>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QImageReader>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

#include "api/TargetMask.h"
#ifdef MASKSTUDIO_HAVE_IMAGING
#include "imaging/DesignSketch.h"
#endif
#include "ui/image/ConceptDialog.h"
#include "ui/image/FlowLayout.h"
#include "ui/image/ImageHistoryRoles.h"
#include "ui/image/MaskDocument.h"
#include "ui/image/MaskEditor.h"

namespace ms {

using namespace image_history;

ImagePanel::ImagePanel(QWidget* parent) : QWidget(parent), m_engine(new ImageEngine(this)) {
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_modelLabel = new QLabel(noModelText(), this);
    m_modelLabel->setWordWrap(true);
    auto* open = new QPushButton(tr("Open image model…"), this);
    open->setObjectName(QStringLiteral("openImageModel"));
    top->addWidget(m_modelLabel, 1);
    top->addWidget(open);
    layout->addLayout(top);
    auto* noteRow = new QHBoxLayout;
    m_conditionNote = new QLabel(this);
    m_conditionNote->setObjectName(QStringLiteral("imageConditionNote"));
    m_conditionNote->setWordWrap(true);
    m_conditionNote->hide();
    m_switchKeypointModel = new QPushButton(this);
    m_switchKeypointModel->setObjectName(QStringLiteral("switchKeypointModel"));
    m_switchKeypointModel->hide();
    noteRow->addWidget(m_conditionNote, 1);
    noteRow->addWidget(m_switchKeypointModel);
    layout->addLayout(noteRow);
    connect(m_switchKeypointModel, &QPushButton::clicked, this, [this] {
        const QString path = m_switchKeypointModel->property("path").toString();
        if (!path.isEmpty()) Q_EMIT keypointModelSwitchRequested(path);
    });

    m_editor = new MaskEditor(this);
    layout->addWidget(m_editor, 1);

    auto* actions = new FlowLayout;  // folds when the dock is narrow
    m_generate = new QPushButton(tr("Generate"), this);
    m_generate->setObjectName(QStringLiteral("generateImage"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("cancelImage"));
    m_inpaint = new QPushButton(tr("Re-generate masked"), this);
    m_inpaint->setObjectName(QStringLiteral("inpaintImage"));
    m_live = new QCheckBox(tr("Live"), this);
    m_live->setObjectName(QStringLiteral("liveImage"));
    m_live->setToolTip(tr("Generate again whenever a condition changes"));
    m_batch = new QSpinBox(this);
    m_batch->setObjectName(QStringLiteral("imageBatch"));
    m_batch->setRange(1, 16);
    m_batch->setPrefix(tr("× "));
    m_batch->setToolTip(tr("Images per Generate: one batch (faster per image than one at a time), each into the history"));
    auto* openImage = new QPushButton(tr("Open image…"), this);
    auto* saveImage = new QPushButton(tr("Save image…"), this);
    for (QWidget* w : {static_cast<QWidget*>(m_generate), static_cast<QWidget*>(m_batch), static_cast<QWidget*>(m_cancel), static_cast<QWidget*>(m_inpaint),
                       static_cast<QWidget*>(m_live), static_cast<QWidget*>(openImage), static_cast<QWidget*>(saveImage)})
        actions->addWidget(w);
    layout->addLayout(actions);

    // Target shape: shown for models that follow one.
    m_targetRow = new QWidget(this);
    auto* targetRow = new FlowLayout;  // folds when the dock is narrow
    targetRow->setContentsMargins(0, 0, 0, 0);
    m_targetRow->setLayout(targetRow);
    m_useTargetShape = new QCheckBox(tr("Fill the target shape"), m_targetRow);
    m_useTargetShape->setObjectName(QStringLiteral("useTargetShape"));
    m_useTargetShape->setToolTip(tr("Generate a design that fills the blue Target shape (paint it on the mask editor's "
                                    "Target shape layer, load a PNG there, or take it from the keypoint design)"));
    m_targetFromDesign = new QPushButton(tr("Shape from design"), m_targetRow);
    m_targetFromDesign->setObjectName(QStringLiteral("targetFromDesign"));
    m_targetFromDesign->setToolTip(tr("The current keypoint design's silhouette becomes the target shape"));
    auto* editShape = new QPushButton(tr("Edit shape"), m_targetRow);
    editShape->setObjectName(QStringLiteral("editTargetShape"));
    editShape->setToolTip(tr("Paint the target shape with the mask tools (Layer: Target shape)"));
    m_attentionOverlay = new QComboBox(m_targetRow);
    m_attentionOverlay->setObjectName(QStringLiteral("attentionOverlay"));
    m_attentionOverlay->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_attentionOverlay->setMinimumContentsLength(16);
    m_attentionOverlay->setToolTip(tr("Show where in the image a condition, the target shape or a concept acts "
                                      "(the model's cross-attention to it, brighter = more)"));
    m_learnConcept = new QPushButton(tr("Learn a concept from an image…"), m_targetRow);
    m_learnConcept->setObjectName(QStringLiteral("learnConcept"));
    m_learnConcept->setToolTip(tr("Teach this model your own design from one picture and its region; it then "
                                  "generates variations of it in new shapes"));
    targetRow->addWidget(m_useTargetShape);
    targetRow->addWidget(m_targetFromDesign);
    targetRow->addWidget(editShape);
    targetRow->addWidget(m_attentionOverlay);
    targetRow->addWidget(m_learnConcept);
    layout->addWidget(m_targetRow);
    m_targetRow->hide();
    m_conceptRow = new QWidget(this);
    m_conceptRow->setObjectName(QStringLiteral("conceptToggles"));
    auto* conceptFlow = new FlowLayout;
    conceptFlow->setContentsMargins(0, 0, 0, 0);
    m_conceptRow->setLayout(conceptFlow);
    layout->addWidget(m_conceptRow);
    m_conceptRow->hide();
    connect(m_attentionOverlay, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] { showAttentionOverlay(); });
    connect(m_learnConcept, &QPushButton::clicked, this, [this] { showConceptDialog(); });
    connect(m_targetFromDesign, &QPushButton::clicked, this, &ImagePanel::targetShapeFromDesignRequested);
    connect(editShape, &QPushButton::clicked, this, [this] { m_editor->setLayer(MaskLayer::TargetShape); });
    connect(m_editor, &MaskEditor::targetShapeEdited, this, [this] {
        const bool painted = m_editor->document(MaskLayer::TargetShape)->coverage() > 0.0;
        m_useTargetShape->setChecked(painted);
        if (hasModel() && (m_live->isChecked() || m_editor->isLive())) generate();  // Live: after each stroke
    });

    auto* settings = new FlowLayout;
    m_sampler = new QComboBox(this);
    m_sampler->addItems({QStringLiteral("ddim"), QStringLiteral("ddpm")});
    m_steps = new QSpinBox(this);
    m_steps->setObjectName(QStringLiteral("imageSteps"));
    m_steps->setRange(1, 1000);
    m_steps->setValue(20);
    m_eta = new QDoubleSpinBox(this);
    m_eta->setRange(0.0, 1.0);
    m_eta->setSingleStep(0.1);
    m_guidance = new QDoubleSpinBox(this);
    m_guidance->setObjectName(QStringLiteral("imageGuidance"));
    m_guidance->setRange(0.0, 10.0);
    m_guidance->setSingleStep(0.5);
    m_guidance->setValue(1.0);
    m_guidance->setToolTip(tr("Classifier-free guidance: 1 = off, higher = follow the conditions more strictly"));
    m_guidanceSlider = new QSlider(Qt::Horizontal, this);
    m_guidanceSlider->setObjectName(QStringLiteral("guidanceSlider"));
    m_guidanceSlider->setRange(0, 100);  // 0.0 .. 10.0
    m_guidanceSlider->setValue(10);
    m_guidanceSlider->setToolTip(m_guidance->toolTip());
    connect(m_guidanceSlider, &QSlider::valueChanged, this, [this](int v) {
        const QSignalBlocker block(m_guidance);
        m_guidance->setValue(v / 10.0);
    });
    connect(m_guidance, qOverload<double>(&QDoubleSpinBox::valueChanged), this, [this](double v) {
        const QSignalBlocker block(m_guidanceSlider);
        m_guidanceSlider->setValue(static_cast<int>(std::lround(v * 10.0)));
    });
    m_jump = new QSpinBox(this);
    m_jump->setObjectName(QStringLiteral("repaintJump"));
    m_jump->setRange(1, 100);
    m_jump->setValue(10);
    m_jump->setToolTip(tr("RePaint jump length: how many steps a resampling jump goes back"));
    m_resamples = new QSpinBox(this);
    m_resamples->setObjectName(QStringLiteral("repaintResamples"));
    m_resamples->setRange(1, 50);
    m_resamples->setValue(5);
    m_resamples->setToolTip(tr("RePaint resamples: passes over each jump (1 = no resampling; more = better blending, slower)"));
    m_members = new QSpinBox(this);
    m_members->setObjectName(QStringLiteral("imageMembers"));
    m_members->setRange(1, 256);
    m_members->setValue(16);
    m_members->setToolTip(tr("Contexts averaged per image (K): more = a steadier fill, slower"));
    m_seed = new QSpinBox(this);
    m_seed->setObjectName(QStringLiteral("imageSeed"));
    m_seed->setRange(0, 999999);
    m_seedMode = new QComboBox(this);
    m_seedMode->setObjectName(QStringLiteral("seedMode"));
    m_seedMode->addItems({tr("Fixed seed"), tr("New seed"), tr("Increment seed")});
    // A label and its fields stay together when the row folds.
    const auto labelled = [&](const QString& text, std::initializer_list<QWidget*> fields) {
        auto* group = new QWidget(this);
        auto* row = new QHBoxLayout(group);
        row->setContentsMargins(0, 0, 0, 0);
        row->addWidget(new QLabel(text, group));
        for (QWidget* f : fields) row->addWidget(f);
        settings->addWidget(group);
        return group;
    };
    m_diffusionOnly << labelled(tr("Sampler"), {m_sampler}) << m_sampler;
    labelled(tr("Steps"), {m_steps});
    QWidget* membersGroup = labelled(tr("Contexts K"), {m_members});
    m_diffusionOnly << labelled(tr("η"), {m_eta}) << m_eta;
    m_diffusionOnly << labelled(tr("Guidance"), {m_guidanceSlider, m_guidance}) << m_guidanceSlider << m_guidance;
    labelled(tr("Seed"), {m_seed, m_seedMode});
    layout->addLayout(settings);
    auto* inpaintRow = new QHBoxLayout;
    auto* jumpLabel = new QLabel(tr("Inpainting (RePaint): jump"), this);
    auto* resamplesLabel = new QLabel(tr("resamples"), this);
    inpaintRow->addWidget(jumpLabel);
    inpaintRow->addWidget(m_jump);
    inpaintRow->addWidget(resamplesLabel);
    inpaintRow->addWidget(m_resamples);
    m_diffusionOnly << jumpLabel << m_jump << resamplesLabel << m_resamples;
    m_ensembleOnly << membersGroup << m_members;
    for (QWidget* w : std::as_const(m_ensembleOnly)) w->setVisible(false);
    inpaintRow->addStretch(1);
    layout->addLayout(inpaintRow);

    m_progress = new QProgressBar(this);
    m_progress->setFormat(tr("step %v / %m"));
    m_progress->setValue(0);
    layout->addWidget(m_progress);
    m_history = new QListWidget(this);
    m_history->setObjectName(QStringLiteral("imageHistory"));
    m_history->setViewMode(QListView::IconMode);
    m_history->setFlow(QListView::LeftToRight);
    m_history->setWrapping(false);
    m_history->setIconSize(QSize(64, 64));
    m_history->setFixedHeight(96);
    m_history->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_history->setToolTip(tr("Double-click: recall. Select two and press Compare."));
    auto* historyRow = new QHBoxLayout;
    auto* compare = new QPushButton(tr("Compare"), this);
    historyRow->addWidget(m_history, 1);
    historyRow->addWidget(compare);
    layout->addLayout(historyRow);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);  // a long message (a path, an error) must not widen the dock
    layout->addWidget(m_status);

    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open image model"), QString(), tr("Image models (*.msi *.mpd)"));
        if (!path.isEmpty()) openModel(path);
    });
    connect(openImage, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open image"), QString(), tr("Images (*.png *.jpg *.bmp)"));
        if (!path.isEmpty()) this->openImage(path);
    });
    connect(saveImage, &QPushButton::clicked, this, [this] {
        if (m_current.isNull()) return;
        const QString path = QFileDialog::getSaveFileName(this, tr("Save image"), QStringLiteral("design.png"), tr("PNG (*.png)"));
        if (!path.isEmpty() && !m_current.save(path, "PNG")) Q_EMIT statusMessage(tr("Could not write %1").arg(path));
    });
    connect(m_generate, &QPushButton::clicked, this, &ImagePanel::generate);
    connect(m_cancel, &QPushButton::clicked, this, &ImagePanel::cancel);
    connect(m_inpaint, &QPushButton::clicked, this, &ImagePanel::inpaint);
    connect(compare, &QPushButton::clicked, this, &ImagePanel::compareSelected);
    connect(m_history, &QListWidget::itemDoubleClicked, this, [this](QListWidgetItem* item) { recall(m_history->row(item)); });
    connect(m_editor, &MaskEditor::liveRegenerateRequested, this, [this] { inpaint(); });
    connect(m_engine, &ImageEngine::modelLoaded, this, [this](const ImageModelInfo& info, quint64 serial) {
        if (serial != m_loadingSerial) return;  // a later load was asked for
        m_loadingSerial = 0;
        m_serial = serial;
        m_info = info;
        m_ready = true;
        m_modelLabel->setText(info.description);
        // A model learned from incomplete images completes by ensemble inference: contexts K and
        // steps (0 = single step, the most likely fill; 2 or more = DDIM, a draw) instead of the
        // sampler, guidance and RePaint settings.
        const bool incomplete = info.learnedFromIncompleteImages;
        for (QWidget* w : std::as_const(m_diffusionOnly)) w->setVisible(!incomplete);
        for (QWidget* w : std::as_const(m_ensembleOnly)) w->setVisible(incomplete);
        m_steps->setMinimum(incomplete ? 0 : 1);
        m_steps->setSpecialValueText(incomplete ? tr("single step") : QString());
        m_steps->setValue(incomplete ? 0 : 20);
        m_steps->setToolTip(incomplete ? tr("0: single step, the most likely fill; 2 or more: DDIM steps, a draw with spread")
                                       : tr("Denoising steps"));
        m_inpaint->setText(incomplete ? tr("Complete masked") : tr("Re-generate masked"));
        m_targetRow->setVisible(info.followsTargetShapes);
        m_editor->setTargetShapeAvailable(info.followsTargetShapes);
        rebuildConceptToggles();
        const bool conceptJustLearnt = !m_conceptToTick.isEmpty();
        if (conceptJustLearnt) setConceptOn(std::exchange(m_conceptToTick, QString()), true);
        {
            const QString shown = m_attentionOverlay->currentText();
            const QSignalBlocker block(m_attentionOverlay);
            m_attentionOverlay->clear();
            m_attentionOverlay->addItem(tr("Attention: off"));
            for (const auto& c : info.schema.categorical) m_attentionOverlay->addItem(QString::fromStdString(c.column));
            for (const auto& c : info.schema.numerical) m_attentionOverlay->addItem(QString::fromStdString(c.column));
            m_attentionOverlay->addItem(QStringLiteral("target shape"));
            m_attentionOverlay->addItems(info.concepts);
            m_attentionOverlay->setCurrentIndex(std::max(0, m_attentionOverlay->findText(shown)));
        }
        setCurrent(QImage(), nullptr, {}, {});  // an image of the previous model is not this one's
        m_targetFromDesign->setEnabled(info.renderFrame.known());
        if (!info.renderFrame.known())
            m_targetFromDesign->setToolTip(tr("This image model does not record the frame its sketches were drawn in "
                                              "(trained on images of its own): paint or load the shape instead"));
        QImage blank(info.size, info.size, QImage::Format_Grayscale8);
        blank.fill(0);  // not uninitialised memory
        m_editor->setBaseImage(blank);
        // A brush an eighth of the image across (a fixed 32 px brush covered a whole 32 px image).
        m_editor->setBrushSize(std::max(1, info.size / 8));
        for (QPushButton* b : {m_generate, m_inpaint}) {
            b->setEnabled(true);
            b->setToolTip(QString());
        }
        if (m_pendingWork && QFileInfo(info.path).absoluteFilePath() == m_pendingWork->modelPath)
            applyWork(*std::exchange(m_pendingWork, std::nullopt));
        Q_EMIT modelReady(info.description);
        if (m_live->isChecked() || conceptJustLearnt) generate();
    });
    connect(m_engine, &ImageEngine::modelLoadFailed, this, [this](const QString& path, const QString& message) {
        // The engine keeps the model it had; so does the panel.
        m_loadingSerial = 0;
        m_modelLabel->setText(hasModel() ? m_info.description : noModelText());
        QString text = hasModel() ? tr("Could not open %1: %2 (the current image model stays loaded)").arg(path, message)
                                  : tr("Could not open %1: %2").arg(path, message);
        if (m_pendingWork && QFileInfo(path).absoluteFilePath() == m_pendingWork->modelPath) {
            m_pendingWork.reset();
            text += tr("; the images of the last session were not restored (they stay in the recovery folder)");
        }
        m_status->setText(text);
        Q_EMIT statusMessage(text);
    });
    connect(m_engine, &ImageEngine::preview, this, [this](quint64 id, int step, int total, const QImage& image) {
        if (id != m_activeJob) return;
        m_progress->setMaximum(total);
        m_progress->setValue(step);
        if (!image.isNull()) m_editor->setBaseImage(image);
    });
    connect(m_engine, &ImageEngine::finished, this, &ImagePanel::onFinished);
    setEnabled(true);
    // Nothing to generate with until a model is open: the buttons say so by their state and tip.
    for (QPushButton* b : {m_generate, m_inpaint}) {
        b->setEnabled(false);
        b->setToolTip(tr("Open an image model first (File > Open image model…)"));
    }
}

void ImagePanel::setConditionNote(const QString& note, const QString& switchLabel, const QString& switchTo) {
    m_conditionNote->setText(note);
    m_conditionNote->setVisible(!note.isEmpty());
    m_switchKeypointModel->setText(switchLabel);
    m_switchKeypointModel->setProperty("path", switchTo);
    m_switchKeypointModel->setVisible(!note.isEmpty() && !switchTo.isEmpty());
}

QString ImagePanel::conditionNote() const {
    return m_conditionNote->isVisible() ? m_conditionNote->text() : QString();
}

QString ImagePanel::noModelText() const {
    return tr("No image model: open one, or train one in the Training dock's Images tab (or with maskstudio-cli image train "
              "or partial train --images)");
}

void ImagePanel::openModel(const QString& path) {
    // The current model stays usable until the new one has loaded (or failed to).
    m_loadingSerial = m_engine->loadModel(path);
    m_modelLabel->setText(tr("Loading %1…").arg(path));
}

void ImagePanel::setConditions(const QStringList& assignments) {
    m_assignments = assignments;
    if (m_live->isChecked() && hasModel()) generate();
}

bool ImagePanel::openImage(const QString& path) {
    QImageReader reader(path);
    const QImage image = reader.read();
    if (image.isNull()) {
        const QString message = tr("%1: %2").arg(path, reader.errorString());
        m_status->setText(message);
        Q_EMIT statusMessage(message);
        return false;
    }
    const int size = hasModel() ? m_info.size : image.width();
    // its attention (when asked for) is read with the conditions, shape and concepts set now
    const QImage scaled = image.scaled(size, size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation).convertToFormat(QImage::Format_Grayscale8);
    if (hasModel()) {
        const ImageJob now = makeJob(false);
        setCurrent(scaled, &now, {}, {});
    } else {
        setCurrent(scaled, nullptr, {}, {});
    }
    m_status->setText(tr("Opened %1 (%2 x %3 → %4 px)").arg(path).arg(image.width()).arg(image.height()).arg(size));
    return true;
}

quint64 ImagePanel::seed() const { return static_cast<quint64>(m_seed->value()); }
void ImagePanel::setSeed(quint64 seed) { m_seed->setValue(static_cast<int>(seed)); }
void ImagePanel::setSeedMode(SeedMode mode) { m_seedMode->setCurrentIndex(static_cast<int>(mode)); }
void ImagePanel::setLive(bool live) { m_live->setChecked(live); }
void ImagePanel::setSteps(int steps) { m_steps->setValue(steps); }
void ImagePanel::setMembers(int members) { m_members->setValue(members); }
void ImagePanel::setGuidance(double scale) { m_guidance->setValue(scale); }
double ImagePanel::guidance() const { return m_guidance->value(); }
int ImagePanel::historyCount() const { return m_history->count(); }
QString ImagePanel::status() const { return m_status->text(); }

ImageJob ImagePanel::makeJob(bool advanceSeed) {
    ImageJob job;
    job.modelSerial = m_serial;
    std::vector<std::string> known;
    for (const QString& a : m_assignments) {
        const QString name = a.section('=', 0, 0).trimmed();
        for (const auto& c : m_info.schema.categorical)
            if (c.column == name.toStdString()) known.push_back(a.toStdString());
        for (const auto& c : m_info.schema.numerical)
            if (c.column == name.toStdString()) known.push_back(a.toStdString());
    }
    try {
        job.request.conditions = parseConditionAssignments(m_info.schema, known);
    } catch (const std::exception& e) {
        // A value the image model has not seen (e.g. a class missing from its data) is left unknown.
        m_status->setText(tr("Some conditions are unknown to the image model (%1); they are left open").arg(e.what()));
        job.request.conditions = ConditionValues::allUnknown(m_info.schema);
    }
    const int mode = m_seedMode->currentIndex();
    if (advanceSeed && mode == static_cast<int>(SeedMode::New))
        m_seed->setValue(static_cast<int>(QRandomGenerator::global()->bounded(1000000)));
    job.request.seed = seed();
    if (advanceSeed && mode == static_cast<int>(SeedMode::Increment)) m_seed->setValue(m_seed->value() + 1);  // the next job's seed
    job.request.sampler = m_sampler->currentText().toStdString();
    job.request.steps = m_steps->value();
    job.request.eta = m_eta->value();
    job.request.guidance = m_guidance->value();
    job.request.previewEvery = std::max(1, m_steps->value() / 10);
    job.request.repaintSteps = std::max(10, m_steps->value());
    job.request.jumpLength = m_jump->value();
    job.request.resamples = m_resamples->value();
    job.request.members = m_members->value();
    if (m_info.learnedFromIncompleteImages && job.request.steps == 1) job.request.steps = 2;  // 1 is no DDIM run
    const MaskDocument* shape = m_editor->document(MaskLayer::TargetShape);
    if (m_info.followsTargetShapes && m_useTargetShape->isChecked() && shape->coverage() > 0.0) job.targetShape = shape->mask();
    for (const QString& c : conceptsOn()) job.request.concepts.push_back(c.toStdString());
    // one more U-Net pass: only while the overlay shows (switching it on later asks for the current image's maps)
    job.withAttention = m_info.followsTargetShapes && m_attentionOverlay->currentIndex() > 0;
    return job;
}

bool ImagePanel::needModel() {
    if (hasModel()) return true;
    m_status->setText(tr("Open an image model first"));
    return false;
}

void ImagePanel::submit(ImageJob job) {
    if (!needModel()) return;
    m_activeJob = m_engine->request(std::move(job));
    m_busy = true;
    m_progress->setValue(0);
}

void ImagePanel::generate() {
    if (!needModel()) return;
    ImageJob job = makeJob();
    job.request.count = m_batch->value();
    submit(std::move(job));
}

void ImagePanel::setBatchSize(int images) { m_batch->setValue(images); }
int ImagePanel::batchSize() const { return m_batch->value(); }

void ImagePanel::inpaint() {
    if (!needModel()) return;
    if (m_current.isNull()) {
        m_status->setText(tr("Generate or open an image first: there is nothing to inpaint"));
        return;
    }
    const MaskDocument* region = m_editor->document(MaskLayer::Inpaint);
    if (region->coverage() <= 0.0) {
        m_status->setText(tr("Paint the region to re-generate first (Layer: Inpaint region)"));
        return;
    }
    ImageJob job = makeJob();
    job.base = m_current;
    job.mask = region->mask();
    submit(std::move(job));
}

void ImagePanel::cancel() { m_engine->cancelJobs(); }

void ImagePanel::onFinished(const ImageJobResult& r) {
    if (r.id != m_activeJob) return;  // superseded
    m_busy = false;
    if (!r.error.isEmpty()) {
        m_status->setText(r.error);
        Q_EMIT statusMessage(r.error);
        return;
    }
    if (r.cancelled) {
        m_status->setText(tr("Cancelled; showing the last preview"));
        if (!m_current.isNull()) m_editor->setBaseImage(m_current);
        return;
    }
    if (r.job.attentionOnly) {  // the current image's maps, asked for when the overlay was switched on
        m_attentionTokens = r.attentionTokens;
        m_attentionMaps = r.attentionMaps;
        for (int i = 0; i < m_history->count(); ++i)  // its history entry keeps them
            if (QListWidgetItem* item = m_history->item(i);
                item->data(kJobRole).value<quint64>() == m_attentionFor && item->data(kIndexRole).toInt() == m_attentionForIndex) {
                item->setData(kTokensRole, r.attentionTokens);
                item->setData(kMapsRole, QVariant::fromValue(r.attentionMaps));
            }
        showAttentionOverlay();
        return;
    }
    setCurrent(r.image, &r.job, r.attentionTokens, r.attentionMaps);  // the batch's first image
    if (m_info.learnedFromIncompleteImages) m_progress->setMaximum(std::max(1, static_cast<int>(r.job.request.steps)));  // no previews
    m_progress->setValue(m_progress->maximum());
    const int made = std::max<int>(1, static_cast<int>(r.images.size()));
    m_status->setText(made > 1 ? tr("Generated %1 images in %2 ms, seed %3").arg(made).arg(r.milliseconds, 0, 'f', 0).arg(r.job.request.seed)
                               : tr("%1 in %2 ms, seed %3").arg(r.job.inpaint() ? tr("Inpainted") : tr("Generated")).arg(r.milliseconds, 0, 'f', 0).arg(r.job.request.seed));
    for (int i = made - 1; i >= 0; --i) addToHistory(r, i, i < r.images.size() ? r.images[i] : r.image);  // the first on top
    Q_EMIT imageReady(m_current);
}

void ImagePanel::setCurrent(const QImage& image, const ImageJob* job, const QStringList& tokens, const QList<QImage>& maps, int batchIndex) {
    m_current = image;
    m_currentIndex = batchIndex;
    if (job) {
        m_currentJob.emplace(*job);
        m_currentJob->base = QImage();
        m_currentJob->mask = QImage();
    } else {
        m_currentJob.reset();
    }
    m_attentionAsked = false;
    if (!image.isNull()) m_editor->setBaseImage(image);
    m_attentionTokens = tokens;
    m_attentionMaps = maps;
    showAttentionOverlay();
}

}  // namespace ms
