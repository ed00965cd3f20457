#include "ui/image/ImageTrainingPanel.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QDialog>
#include <QDialogButtonBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>

#include "core/io/ImagePack.h"
#include "ui/training/LogAxisTicker.h"
#include "ui/training/RunFolder.h"
#ifdef MASKSTUDIO_HAVE_IMAGING
#include "imaging/ImageFolderReader.h"
#include "imaging/ObservationMasks.h"
#endif

namespace ms {

namespace {
// The learnt prior's draws a studio run trains from. The command line's default (2,048, as in the
// Work II benchmark) takes 85 s to draw on two cores at 32 px (three times that on the studio's one
// training core); a quarter of that is plenty for the small folders the studio trains on (the
// denoiser takes one draw per image and step).
constexpr int64_t kStudioPriorPool = 512;
}  // namespace

ImageTrainingPanel::ImageTrainingPanel(QWidget* parent)
    : QWidget(parent), m_engine(new ImageTrainingEngine(this)), m_launched(new LaunchedImageTraining(this)) {
    auto* layout = new QVBoxLayout(this);
    auto* pick = new QHBoxLayout;
    m_folder = new QLineEdit(this);
    m_folder->setObjectName(QStringLiteral("imageFolder"));
    m_folder->setPlaceholderText(tr("Image folder with conditions.csv, or a .mspack"));
    auto* browse = new QPushButton(tr("Folder…"), this);
    auto* load = new QPushButton(tr("Load"), this);
    pick->addWidget(m_folder, 1);
    pick->addWidget(browse);
    pick->addWidget(load);
    layout->addLayout(pick);
    m_stopOnProblem = new QCheckBox(tr("Stop at the first problem (instead of skipping bad files)"), this);
    layout->addWidget(m_stopOnProblem);
    m_report = new QPlainTextEdit(this);
    m_report->setObjectName(QStringLiteral("imageReport"));
    m_report->setReadOnly(true);
    m_report->setMaximumHeight(90);
    layout->addWidget(m_report);

    auto* form = new QFormLayout;
    m_preset = new QComboBox(this);
    m_preset->addItems({QString(), QStringLiteral("geobiked"), QStringLiteral("bike"), QStringLiteral("car")});
    m_preset->setToolTip(tr("Column roles of the conditions CSV (empty: inferred)"));
    m_start = new QComboBox(this);
    m_start->addItems({tr("New model"), tr("Fine-tune the open image model"), tr("Resume a run…")});
    m_tuneFirstStage = new QCheckBox(tr("also fine-tune its autoencoder (autoencoder epochs)"), this);
    m_aeEpochs = new QSpinBox(this);
    m_aeEpochs->setRange(1, 10000);
    m_aeEpochs->setValue(30);
    m_epochs = new QSpinBox(this);
    m_epochs->setRange(1, 100000);
    m_epochs->setValue(100);
    m_batch = new QSpinBox(this);
    m_batch->setRange(1, 4096);
    m_batch->setValue(32);
    m_lr = new QDoubleSpinBox(this);
    m_lr->setDecimals(5);
    m_lr->setRange(1e-6, 1.0);
    m_lr->setSingleStep(1e-4);
    m_lr->setValue(2e-4);
    m_base = new QSpinBox(this);
    m_base->setRange(8, 512);
    m_base->setSingleStep(8);
    m_base->setValue(64);
    m_mult = new QLineEdit(QStringLiteral("1,2,2,4"), this);
    m_previewEvery = new QSpinBox(this);
    m_previewEvery->setRange(0, 10000);
    m_previewEvery->setValue(5);
    m_device = new QComboBox(this);
    m_device->addItems({QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")});
    m_targetShapes = new QCheckBox(tr("Follow target shapes (cross-attention)"), this);
    m_targetShapes->setObjectName(QStringLiteral("imageCrossAttention"));
    m_targetShapes->setChecked(true);
    m_targetShapes->setToolTip(tr("The model learns to fill a shape you draw (each training image's own silhouette is its "
                                  "shape; suits sketches on a white background). A new model only; about 16 % slower to "
                                  "sample."));
    m_incomplete = new QCheckBox(tr("Learn from incomplete images"), this);
    m_incomplete->setObjectName(QStringLiteral("imageIncomplete"));
    m_incomplete->setEnabled(false);
    m_incomplete->setToolTip(tr("Available when some images have an observation mask (black = not observed): the model "
                                "learns from the observed pixels only and then completes the hidden ones of any image "
                                "of this size (a .mpd; Image dock: Complete masked). Batch applies; the image model's settings do not."));
    m_partition = new QComboBox(this);
    m_partition->setObjectName(QStringLiteral("imagePartition"));
    m_partition->addItem(tr("Automatic"), QStringLiteral("auto"));
    m_partition->addItem(tr("Scattered pixels"), QStringLiteral("iid"));
    m_partition->addItem(tr("Blocks"), QStringLiteral("block"));
    m_partition->addItem(tr("Learnt prior over the masks"), QStringLiteral("prior"));
    m_partition->setToolTip(tr("How training splits each image's observed pixels into what the model sees and what it must "
                               "fill. Automatic: blocks when the masks hide square regions, scattered pixels when the gaps "
                               "are scattered, a prior learnt over the masks when both kinds are mixed (a few minutes more)."));
    m_partition->setEnabled(false);
    m_partialUpdates = new QSpinBox(this);
    m_partialUpdates->setObjectName(QStringLiteral("imagePartialUpdates"));
    m_partialUpdates->setRange(0, 1000000);
    m_partialUpdates->setSingleStep(500);
    m_partialUpdates->setSpecialValueText(tr("automatic"));
    m_partialUpdates->setToolTip(tr("Training updates of the model of incomplete images (automatic: about 30 passes over the "
                                    "images, 2,000 to 20,000 updates)"));
    m_partialUpdates->setEnabled(false);
    m_priorUpdates = new QSpinBox(this);
    m_priorUpdates->setObjectName(QStringLiteral("imagePriorUpdates"));
    m_priorUpdates->setRange(1, 1000000);
    m_priorUpdates->setSingleStep(500);
    m_priorUpdates->setValue(static_cast<int>(api::PartialImageTrainRequest{}.priorUpdates));
    m_priorUpdates->setToolTip(tr("Training updates of the prior learnt over the masks (when the partition is that prior; "
                                  "more draws masks closer to the data's, at a few minutes per thousand on a laptop)"));
    form->addRow(tr("Preset"), m_preset);
    form->addRow(QString(), m_incomplete);
    form->addRow(tr("Partition"), m_partition);
    form->addRow(tr("Updates"), m_partialUpdates);
    form->addRow(tr("Prior updates"), m_priorUpdates);
    m_form = form;
    form->addRow(tr("Start from"), m_start);
    form->addRow(QString(), m_tuneFirstStage);
    form->addRow(tr("Autoencoder epochs"), m_aeEpochs);
    form->addRow(tr("mcLDM epochs"), m_epochs);
    form->addRow(tr("Batch"), m_batch);
    form->addRow(tr("Learning rate"), m_lr);
    form->addRow(tr("U-Net base channels"), m_base);
    form->addRow(tr("Channel multipliers"), m_mult);
    form->addRow(QString(), m_targetShapes);
    form->addRow(tr("Preview every (epochs)"), m_previewEvery);
    form->addRow(tr("Device"), m_device);
    m_processes = new QSpinBox(this);
    m_processes->setObjectName(QStringLiteral("imageProcesses"));
    m_processes->setRange(1, std::max(2, QThread::idealThreadCount()));
    m_processes->setValue(1);
    m_processes->setToolTip(tr("Data parallel: this many training processes on this machine share each batch (the batch is "
                               "the total over them; one CPU thread each when there are as many as cores). 1: the studio's "
                               "own training thread, with preview images."));
    auto* cluster = new QPushButton(tr("Cluster command…"), this);
    m_cluster = cluster;
    cluster->setObjectName(QStringLiteral("imageClusterCommand"));
    cluster->setToolTip(tr("The same training as a command line and a SLURM batch script, to run on a cluster"));
    auto* processRow = new QHBoxLayout;
    processRow->addWidget(m_processes);
    processRow->addWidget(cluster);
    processRow->addStretch(1);
    form->addRow(tr("Processes"), processRow);
    layout->addLayout(form);

    auto* buttons = new QHBoxLayout;
    m_train = new QPushButton(tr("Train"), this);
    m_train->setObjectName(QStringLiteral("trainImages"));
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setEnabled(false);
    buttons->addWidget(m_train);
    buttons->addWidget(m_cancel);
    layout->addLayout(buttons);
    m_progress = new QProgressBar(this);
    layout->addWidget(m_progress);
    // what the run is doing and what it draws, right under its buttons (the curves below may be
    // scrolled out of a small dock)
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("imageTrainingStatus"));
    m_status->setWordWrap(true);
    layout->addWidget(m_status);
    m_preview = new QLabel(this);
    m_preview->setMinimumHeight(72);
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);  // a wide grid never widens the dock
    m_preview->setToolTip(tr("Images of the model in training, for the conditions of the first training images"));
    layout->addWidget(m_preview);
    m_curves = new QCustomPlot(this);
    m_curves->setMinimumHeight(160);
    for (int i = 0; i < 2; ++i) {
        QCPGraph* g = m_curves->addGraph();
        g->setName(i == 0 ? tr("autoencoder loss") : tr("mcLDM loss"));
        g->setPen(QPen(i == 0 ? QColor(120, 120, 120) : QColor(30, 90, 200), 2));
    }
    m_curves->yAxis->setScaleType(QCPAxis::stLogarithmic);
    m_curves->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new LogAxisTicker));
    m_curves->yAxis->setNumberFormat(QStringLiteral("gb"));
    m_curves->xAxis->setLabel(tr("epoch"));
    m_curves->legend->setVisible(true);
    layout->addWidget(m_curves, 1);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Image folder"));
        if (!dir.isEmpty()) {
            m_folder->setText(dir);
            loadImages(dir);
        }
    });
    connect(load, &QPushButton::clicked, this, [this] { loadImages(m_folder->text()); });
    connect(m_train, &QPushButton::clicked, this, [this] {
        QString resume;
        if (!m_incomplete->isChecked() && m_start->currentIndex() == 2) {
            resume = QFileDialog::getOpenFileName(this, tr("Resume a run"), RunFolder::defaultRoot(), tr("Image models (*.msi)"));
            if (resume.isEmpty()) return;
        }
        startTraining(m_start->currentIndex() == 1 ? m_currentModel : QString(), resume);
    });
    connect(m_cancel, &QPushButton::clicked, this, &ImageTrainingPanel::cancel);
    connect(cluster, &QPushButton::clicked, this, [this] {
        QDialog dialog(this);
        dialog.setWindowTitle(tr("Train on a cluster"));
        auto* box = new QVBoxLayout(&dialog);
        auto* intro = new QLabel(tr("A SLURM batch script for this training (2 nodes, 4 ranks each: change --nodes and "
                                    "--ntasks-per-node to your cluster's). The batch size is the total over all ranks."),
                                 &dialog);
        intro->setWordWrap(true);
        box->addWidget(intro);
        auto* text = new QPlainTextEdit(clusterScript(), &dialog);
        text->setObjectName(QStringLiteral("clusterScript"));
        text->setReadOnly(true);
        text->setMinimumSize(640, 260);
        box->addWidget(text);
        auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
        QPushButton* copy = buttons->addButton(tr("Copy"), QDialogButtonBox::ActionRole);
        connect(copy, &QPushButton::clicked, &dialog, [text] { QApplication::clipboard()->setText(text->toPlainText()); });
        connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
        box->addWidget(buttons);
        dialog.exec();
    });
    connect(m_incomplete, &QCheckBox::toggled, this, &ImageTrainingPanel::updateIncompleteControls);
    connect(m_partition, &QComboBox::currentIndexChanged, this, &ImageTrainingPanel::updateIncompleteControls);
    connect(m_engine, &ImageTrainingEngine::partitionChosen, this, &ImageTrainingPanel::onPartitionChosen);
    connect(m_engine, &ImageTrainingEngine::progress, this, &ImageTrainingPanel::onProgress);
    connect(m_engine, &ImageTrainingEngine::finished, this, &ImageTrainingPanel::onFinished);
    connect(m_engine, &ImageTrainingEngine::failed, this, &ImageTrainingPanel::onFailed);
    connect(m_launched, &LaunchedImageTraining::progress, this, &ImageTrainingPanel::onProgress);
    connect(m_launched, &LaunchedImageTraining::finished, this, &ImageTrainingPanel::onFinished);
    connect(m_launched, &LaunchedImageTraining::failed, this, &ImageTrainingPanel::onFailed);
    updateIncompleteControls();
}

void ImageTrainingPanel::onFinished(const QString& path, bool cancelled, const QString& summary) {
    if (m_progress->maximum() == 0) m_progress->setRange(0, 1);  // no longer busy
    m_train->setEnabled(true);
    m_cancel->setEnabled(false);
    m_status->setText(summary);
    if (!cancelled && !path.isEmpty()) Q_EMIT modelTrained(path);
}

void ImageTrainingPanel::onFailed(const QString& message) {
    if (m_progress->maximum() == 0) m_progress->setRange(0, 1);
    m_train->setEnabled(true);
    m_cancel->setEnabled(false);
    m_status->setText(tr("Training failed: %1").arg(message));
}

void ImageTrainingPanel::cancel() {
    m_engine->cancel();
    m_launched->cancel();
}

void ImageTrainingPanel::setProcesses(int processes) { m_processes->setValue(processes); }

bool ImageTrainingPanel::loadImages(const QString& folderOrPack, const QString& csv) {
    m_loaded = false;
    m_report->clear();
    try {
        if (folderOrPack.endsWith(QLatin1String(".mspack"))) {
            m_images = loadImagePack(folderOrPack.toStdString());
            m_report->setPlainText(tr("%1 images of %2 px from %3").arg(m_images.count()).arg(m_images.size).arg(folderOrPack));
        } else {
#ifdef MASKSTUDIO_HAVE_IMAGING
            imaging::ImageFolderOptions o;
            o.policy = m_stopOnProblem->isChecked() ? imaging::ImageProblemPolicy::Stop : imaging::ImageProblemPolicy::Skip;
            const QString table = csv.isEmpty() ? QDir(folderOrPack).filePath(QStringLiteral("conditions.csv")) : csv;
            imaging::ImageFolderData d = imaging::readImageFolder(folderOrPack.toStdString(), table.toStdString(), o);
            QString text = QString::fromStdString(d.report.summary());
            for (const auto& m : d.report.messages) text += QLatin1Char('\n') + QString::fromStdString(m);
            // observation masks beside the images: the incomplete-images option
            m_observedImages = ImageSet();
            m_observed.clear();
            m_imagesWithGaps = 0;
            try {
                imaging::ObservedImages observed = imaging::readObservationMasks(folderOrPack.toStdString(), d.images, o.policy);
                m_imagesWithGaps = static_cast<int>(observed.report.withGaps);
                if (m_imagesWithGaps > 0) {
                    text += QLatin1Char('\n') + tr("Observation masks: %1 of %2 images have gaps (%3)")
                                                    .arg(m_imagesWithGaps).arg(observed.images.count())
                                                    .arg(QString::fromStdString(observed.report.summary()));
                    for (const auto& m : observed.report.messages) text += QLatin1Char('\n') + QString::fromStdString(m);
                    m_observedImages = std::move(observed.images);
                    m_observed = std::move(observed.observed);
                }
            } catch (const std::exception& e) {
                text += QLatin1Char('\n') + tr("Observation masks not usable: %1").arg(QString::fromUtf8(e.what()));
            }
            m_report->setPlainText(text);
            m_images = std::move(d.images);
#else
            throw std::runtime_error("this build reads image folders only with OpenCV; use a .mspack");
#endif
        }
    } catch (const std::exception& e) {
        m_report->setPlainText(QString::fromUtf8(e.what()));
        m_status->setText(tr("Nothing loaded"));
        return false;
    }
    if (folderOrPack.endsWith(QLatin1String(".mspack"))) {  // a pack holds no masks
        m_imagesWithGaps = 0;
        m_observedImages = ImageSet();
        m_observed.clear();
    }
    m_folder->setText(folderOrPack);
    m_conditionsCsv = folderOrPack.endsWith(QLatin1String(".mspack")) ? QString() : csv;
    m_loaded = true;
    m_incomplete->setEnabled(m_imagesWithGaps > 0);
    if (m_imagesWithGaps == 0) m_incomplete->setChecked(false);
    updateIncompleteControls();
    m_status->setText(m_imagesWithGaps > 0 ? tr("%1 images ready, %2 with gaps").arg(m_images.count()).arg(m_imagesWithGaps)
                                           : tr("%1 images ready").arg(m_images.count()));
    return true;
}

bool ImageTrainingPanel::setLearnFromIncompleteImages(bool on, const QString& partition) {
    if (on && m_imagesWithGaps == 0) return false;
    const int index = m_partition->findData(partition);
    if (index < 0) return false;
    m_partition->setCurrentIndex(index);
    m_incomplete->setChecked(on);
    return true;
}

void ImageTrainingPanel::updateIncompleteControls() {
    const bool partial = m_incomplete->isChecked();
    m_partition->setEnabled(partial);
    m_partialUpdates->setEnabled(partial);
    // the rows of a run on incomplete images only while it is chosen
    m_form->setRowVisible(m_partition, partial);
    m_form->setRowVisible(m_partialUpdates, partial);
    const QString partition = m_partition->currentData().toString();
    m_form->setRowVisible(m_priorUpdates, partial && (partition == QLatin1String("auto") || partition == QLatin1String("prior")));
    // the image model's settings; a run on incomplete images takes its own defaults (in the studio's thread)
    for (QWidget* w : std::initializer_list<QWidget*>{m_start, m_tuneFirstStage, m_aeEpochs, m_epochs, m_lr, m_base, m_mult,
                                                      m_targetShapes, m_previewEvery, m_device, m_processes, m_cluster})
        w->setEnabled(!partial);
}

bool ImageTrainingPanel::startPartialTraining() {
    api::PartialImageTrainRequest r;
    r.preset = m_preset->currentText().toStdString();
    r.batchSize = m_batch->value();
    r.context = m_partition->currentData().toString().toStdString();
    r.updates = m_partialUpdates->value();
    r.priorUpdates = m_priorUpdates->value();
    r.priorPool = kStudioPriorPool;
    try {
        r.outPath = QDir(RunFolder::create(RunFolder::defaultRoot(), QStringLiteral("incomplete-images")).dir())
                        .filePath(QStringLiteral("model.mpd")).toStdString();
    } catch (const std::exception& e) {
        m_status->setText(QString::fromUtf8(e.what()));
        return false;
    }
    showLossCurves(false);
    m_preview->clear();
    m_progress->setRange(0, 0);  // busy until the partition is chosen and the first epoch reports
    if (!m_engine->startPartial(m_observedImages, m_observed, r)) return false;
    m_train->setEnabled(false);
    m_cancel->setEnabled(true);
    m_status->setText(r.context == "prior" || r.context == "auto"
                          ? tr("Choosing the partition (a prior over the masks is learnt first when they mix kinds of gaps)…")
                          : tr("Training into %1").arg(QString::fromStdString(r.outPath)));
    return true;
}

void ImageTrainingPanel::showLossCurves(bool imageModel) {
    for (int i = 0; i < 2; ++i) m_curves->graph(i)->data()->clear();
    // an image model: the autoencoder's and the mcLDM's; a model of incomplete images: a learnt
    // mask prior's (shown once it reports) and its denoiser's
    showFirstCurve(imageModel, imageModel ? tr("autoencoder loss") : tr("mask prior loss"));
    m_curves->graph(1)->setName(imageModel ? tr("mcLDM loss") : tr("denoiser loss"));
    m_curves->replot();
}

void ImageTrainingPanel::showFirstCurve(bool visible, const QString& name) {
    QCPGraph* first = m_curves->graph(0);
    if (!name.isEmpty()) first->setName(name);
    first->setVisible(visible);
    if (visible) first->addToLegend();
    else first->removeFromLegend();
}

void ImageTrainingPanel::onPartitionChosen(const QString& context, const QImage& masks, bool drawnFromPrior, int epochs) {
    m_status->setText(tr("Partition: %1. Training the denoiser: %2 epochs.").arg(context).arg(epochs));
    if (!masks.isNull()) {
        m_lastPreview = masks;
        // as large as the dock's width allows, at most 2 x (masks are small; no smoothing: pixels stay pixels)
        const QSize room(std::max(masks.width(), m_preview->width()), 2 * masks.height());
        m_preview->setPixmap(QPixmap::fromImage(masks.scaled(room, Qt::KeepAspectRatio, Qt::FastTransformation)));
    }
    m_preview->setToolTip(drawnFromPrior ? tr("Top: masks of your images (white: observed). Below: draws of the prior learnt over them.")
                                         : tr("Top: masks of your images (white: observed). Below: what the model sees of those "
                                              "images in training (the rest of the observed pixels is what it learns to fill)."));
}

void ImageTrainingPanel::setEpochs(int autoencoder, int mcldm, int previewEvery) {
    m_aeEpochs->setValue(autoencoder);
    m_epochs->setValue(mcldm);
    m_previewEvery->setValue(previewEvery);
}

void ImageTrainingPanel::setArchitecture(int baseChannels, const QString& channelMult) {
    m_base->setValue(baseChannels);
    m_mult->setText(channelMult);
}

int ImageTrainingPanel::curvePoints() const { return m_curves->graph(0)->dataCount() + m_curves->graph(1)->dataCount(); }
QString ImageTrainingPanel::report() const { return m_report->toPlainText() + QLatin1Char('\n') + m_status->text(); }

bool ImageTrainingPanel::startTraining(const QString& fineTuneFrom, const QString& resumeFrom) {
    if (!m_loaded) {
        m_status->setText(tr("Load an image folder first"));
        return false;
    }
    if (running()) return false;
    if (m_incomplete->isChecked()) return startPartialTraining();
    api::ImageTrainRequest r = request(fineTuneFrom, resumeFrom);
    try {
        r.outPath = resumeFrom.isEmpty()
                        ? QDir(RunFolder::create(RunFolder::defaultRoot(), QStringLiteral("images")).dir()).filePath(QStringLiteral("model.msi")).toStdString()
                        : resumeFrom.toStdString();
    } catch (const std::exception& e) {
        m_status->setText(QString::fromUtf8(e.what()));
        return false;
    }
    showLossCurves(true);
    const int processes = m_processes->value();
    if (processes > 1) {
        ImageTrainCommand c = command(QString::fromStdString(r.outPath));
        c.request = r;  // a resumed run's --resume too
        if (!m_launched->start(m_cliPath, c.launchArguments(processes), QString::fromStdString(r.outPath))) {
            m_status->setText(tr("Could not start %1").arg(m_cliPath));
            return false;
        }
    } else {
        m_engine->start(m_images, r);
    }
    m_train->setEnabled(false);
    m_cancel->setEnabled(true);
    m_status->setText(processes > 1 ? tr("Training on %1 processes into %2 (no previews until it ends)").arg(processes).arg(QString::fromStdString(r.outPath))
                                    : tr("Training into %1").arg(QString::fromStdString(r.outPath)));
    return true;
}

ImageTrainCommand ImageTrainingPanel::command(const QString& outPath) const {
    ImageTrainCommand c;
    c.images = m_folder->text();
    c.conditions = m_conditionsCsv;
    c.request = request(m_start->currentIndex() == 1 ? m_currentModel : QString(), QString());
    c.request.outPath = outPath.toStdString();
    c.threadsPerRank = std::max(1, QThread::idealThreadCount() / std::max(1, m_processes->value()));
    c.progressEvery = 1;
    return c;
}

QString ImageTrainingPanel::clusterScript() const {
    ImageTrainCommand c = command(QStringLiteral("model.msi"));
    c.threadsPerRank = 8;
    return slurmScript(c, 2, 4);
}

api::ImageTrainRequest ImageTrainingPanel::request(const QString& fineTuneFrom, const QString& resumeFrom) const {
    api::ImageTrainRequest r;
    r.preset = m_preset->currentText().toStdString();
    r.aeEpochs = m_aeEpochs->value();
    r.epochs = m_epochs->value();
    r.batchSize = m_batch->value();
    r.lr = m_lr->value();
    r.baseChannels = m_base->value();
    r.channelMult.clear();
    for (const QString& part : m_mult->text().split(QLatin1Char(','), Qt::SkipEmptyParts)) r.channelMult.push_back(part.trimmed().toLongLong());
    r.previewEvery = m_previewEvery->value();
    r.crossAttention = m_targetShapes->isChecked();
    r.device = m_device->currentText().toStdString();
    r.fineTuneFrom = fineTuneFrom.toStdString();
    r.fineTuneFirstStage = !fineTuneFrom.isEmpty() && m_tuneFirstStage->isChecked();
    r.resumeFrom = resumeFrom.toStdString();
    return r;
}

void ImageTrainingPanel::onProgress(const QString& stage, int epoch, int epochs, double loss, double seconds, const QImage& preview) {
    const int graph = stage == QLatin1String("autoencoder") || stage == QLatin1String("mask prior") ? 0 : 1;
    if (stage == QLatin1String("mask prior"))
        m_status->setText(epoch < epochs ? tr("Learning which pixels go missing together (a prior over the masks)…")
                                         : tr("Drawing the training contexts from the learnt prior (%1 masks)…").arg(kStudioPriorPool));
    if (graph == 0 && !m_curves->graph(0)->visible()) showFirstCurve(true);
    m_curves->graph(graph)->addData(epoch, loss);
    m_curves->rescaleAxes();
    // Early in a run one or two points would give an axis a degenerate range (negative epochs,
    // labels stacked over a sliver of loss): the stage's epochs across, at least a factor 3 up.
    m_curves->xAxis->setRange(0, std::max(m_curves->xAxis->range().upper, static_cast<double>(std::max(1, epochs))));
    const QCPRange y = m_curves->yAxis->range();
    if (y.lower > 0 && y.upper < 3 * y.lower) m_curves->yAxis->setRange(std::sqrt(y.lower * y.upper) / 1.8, std::sqrt(y.lower * y.upper) * 1.8);
    m_curves->replot(QCustomPlot::rpQueuedReplot);
    m_progress->setMaximum(epochs);
    m_progress->setValue(epoch);
    m_progress->setFormat(tr("%1 epoch %2 / %3 (%4 s)").arg(stage).arg(epoch).arg(epochs).arg(seconds, 0, 'f', 0));
    if (!preview.isNull()) {
        m_lastPreview = preview;
        m_preview->setPixmap(QPixmap::fromImage(preview.scaledToHeight(72, Qt::SmoothTransformation)));
    }
}

}  // namespace ms
