#include "ui/image/ImageTrainingPanel.h"

#include <QCheckBox>
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
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

#include "core/io/ImagePack.h"
#include "ui/training/LogAxisTicker.h"
#include "ui/training/RunFolder.h"
#ifdef MASKSTUDIO_HAVE_IMAGING
#include "imaging/ImageFolderReader.h"
#endif

namespace ms {

ImageTrainingPanel::ImageTrainingPanel(QWidget* parent) : QWidget(parent), m_engine(new ImageTrainingEngine(this)) {
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
    form->addRow(tr("Preset"), m_preset);
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
    m_preview = new QLabel(this);
    m_preview->setMinimumHeight(72);
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setToolTip(tr("Images of the model in training, for the conditions of the first training images"));
    layout->addWidget(m_preview);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

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
        if (m_start->currentIndex() == 2) {
            resume = QFileDialog::getOpenFileName(this, tr("Resume a run"), RunFolder::defaultRoot(), tr("Image models (*.msi)"));
            if (resume.isEmpty()) return;
        }
        startTraining(m_start->currentIndex() == 1 ? m_currentModel : QString(), resume);
    });
    connect(m_cancel, &QPushButton::clicked, this, &ImageTrainingPanel::cancel);
    connect(m_engine, &ImageTrainingEngine::progress, this, &ImageTrainingPanel::onProgress);
    connect(m_engine, &ImageTrainingEngine::finished, this, [this](const QString& path, bool cancelled, const QString& summary) {
        m_train->setEnabled(true);
        m_cancel->setEnabled(false);
        m_status->setText(summary);
        if (!cancelled && !path.isEmpty()) Q_EMIT modelTrained(path);
    });
    connect(m_engine, &ImageTrainingEngine::failed, this, [this](const QString& message) {
        m_train->setEnabled(true);
        m_cancel->setEnabled(false);
        m_status->setText(tr("Training failed: %1").arg(message));
    });
}

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
    m_folder->setText(folderOrPack);
    m_loaded = true;
    m_status->setText(tr("%1 images ready").arg(m_images.count()));
    return true;
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
    if (m_engine->isRunning()) return false;
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
    try {
        r.outPath = resumeFrom.isEmpty()
                        ? QDir(RunFolder::create(RunFolder::defaultRoot(), QStringLiteral("images")).dir()).filePath(QStringLiteral("model.msi")).toStdString()
                        : resumeFrom.toStdString();
    } catch (const std::exception& e) {
        m_status->setText(QString::fromUtf8(e.what()));
        return false;
    }
    for (int i = 0; i < 2; ++i) m_curves->graph(i)->data()->clear();
    m_engine->start(m_images, r);
    m_train->setEnabled(false);
    m_cancel->setEnabled(true);
    m_status->setText(tr("Training into %1").arg(QString::fromStdString(r.outPath)));
    return true;
}

void ImageTrainingPanel::onProgress(const QString& stage, int epoch, int epochs, double loss, double seconds, const QImage& preview) {
    const int graph = stage == QLatin1String("autoencoder") ? 0 : 1;
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
