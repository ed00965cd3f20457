#include "ui/training/TrainingMonitor.h"

#include "ui/training/GapPreviewView.h"

#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QVBoxLayout>

#include <cmath>

#include <qcustomplot.h>

#include "ui/training/LogAxisTicker.h"

namespace ms {

namespace {
enum Curve { TrainRec = 0, ValRec = 1, Kl = 2, Sparsity = 3 };

QString duration(double seconds) {
    if (!(seconds >= 0) || !std::isfinite(seconds)) return QStringLiteral("–");
    const int s = static_cast<int>(std::lround(seconds));
    return s >= 60 ? QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QChar('0')) : QStringLiteral("%1 s").arg(s);
}
}  // namespace

TrainingMonitor::TrainingMonitor(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_progress = new QProgressBar(this);
    m_status = new QLabel(tr("No run yet."), this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_curves = new QCustomPlot(this);
    m_curves->setMinimumHeight(160);
    const QList<QPair<QString, QColor>> curves = {{tr("reconstruction (train)"), QColor(41, 128, 185)},
                                                  {tr("reconstruction (validation)"), QColor(192, 57, 43)},
                                                  {tr("KL"), QColor(39, 174, 96)},
                                                  {tr("sparsity p"), QColor(127, 140, 141)}};
    for (int i = 0; i < curves.size(); ++i) {
        QCPGraph* g = m_curves->addGraph(m_curves->xAxis, i == Sparsity ? m_curves->yAxis2 : m_curves->yAxis);
        g->setName(curves[i].first);
        g->setPen(QPen(curves[i].second, i == Sparsity ? 1.0 : 1.6, i == Sparsity ? Qt::DashLine : Qt::SolidLine));
        if (i == ValRec) {
            g->setLineStyle(QCPGraph::lsLine);
            g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 4));
        }
    }
    m_curves->xAxis->setLabel(tr("epoch"));
    m_curves->yAxis->setLabel(tr("loss per design"));
    m_curves->yAxis->setScaleType(QCPAxis::stLogarithmic);
    m_curves->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new LogAxisTicker));
    m_curves->yAxis->setNumberFormat(QStringLiteral("gb"));
    m_curves->yAxis2->setVisible(true);
    m_curves->yAxis2->setLabel(tr("p"));
    m_curves->yAxis2->setRange(0, 1);
    m_curves->legend->setVisible(true);
    m_curves->legend->setFont(QFont(font().family(), 7));
    // The legend in a row of its own under the plot: inside, it covered the KL curve.
    m_curves->plotLayout()->addElement(1, 0, m_curves->legend);
    m_curves->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_curves->plotLayout()->setRowStretchFactor(1, 0.001);
    m_result = new QCustomPlot(this);
    m_result->setMinimumHeight(120);
    auto* bars = new QCPBars(m_result->xAxis, m_result->yAxis);
    bars->setName(tr("held-out MSE (z = 0)"));
    bars->setWidth(0.07);
    m_result->xAxis->setLabel(tr("inference sparsity (share of conditions unknown)"));
    m_result->yAxis->setLabel(tr("MSE"));
    m_result->setVisible(false);
    m_partition = new QLabel(this);
    m_partition->setWordWrap(true);
    m_partition->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_partition->setVisible(false);
    m_gaps = new GapPreviewView(this);
    m_gaps->setToolTip(tr("Which keypoints each row has (dark: missing). The contexts hide what these masks hide."));
    m_gaps->setVisible(false);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(m_partition);
    layout->addWidget(m_gaps);
    layout->addWidget(m_curves, 2);
    layout->addWidget(m_result, 1);
}

void TrainingMonitor::start(int64_t epochs, const std::vector<EpochRecord>& earlier) {
    showCurves(false);
    for (int i = 0; i < m_curves->graphCount(); ++i) m_curves->graph(i)->data()->clear();
    m_progress->setRange(0, static_cast<int>(epochs));
    m_progress->setValue(0);
    m_status->setText(tr("Starting…"));
    m_status->setStyleSheet(QString());
    m_result->setVisible(false);
    m_partition->setVisible(false);
    m_gaps->setVisible(false);
    addProgress(TrainingProgress{}, earlier);
}

void TrainingMonitor::startPartial(int64_t epochs, bool learnsPrior) {
    start(epochs);
    showCurves(true);
    if (learnsPrior)
        m_status->setText(tr("Learning which keypoints go missing together (a prior over the rows' gaps, about a minute)…"));
}

void TrainingMonitor::showGapPreview(const api::GapPreview& preview) {
    m_partition->setText(tr("Contexts: %1.").arg(QString::fromStdString(preview.context)));
    m_partition->setVisible(true);
    m_gaps->setPreview(preview);
    m_gaps->setVisible(preview.dataRows() > 0 || preview.priorRows() > 0);
    m_status->setText(tr("Training the model on the rows as they are…"));
}

void TrainingMonitor::showCurves(bool partial) {
    m_curves->graph(TrainRec)->setName(partial ? tr("loss on the entries left out of the context") : tr("reconstruction (train)"));
    for (int i : {ValRec, Kl, Sparsity}) {
        m_curves->graph(i)->setVisible(!partial);
        if (partial)
            m_curves->graph(i)->removeFromLegend();
        else
            m_curves->graph(i)->addToLegend();
    }
    m_curves->yAxis->setLabel(partial ? tr("mean squared error") : tr("loss per design"));
    m_curves->yAxis2->setVisible(!partial);
}

void TrainingMonitor::addProgress(const TrainingProgress& p, const std::vector<EpochRecord>& records) {
    for (const EpochRecord& r : records) {
        const auto x = static_cast<double>(r.epoch);
        m_curves->graph(TrainRec)->addData(x, r.reconstruction);
        m_curves->graph(Kl)->addData(x, r.kl);
        m_curves->graph(Sparsity)->addData(x, r.sparsity);
        if (!std::isnan(r.validation)) m_curves->graph(ValRec)->addData(x, r.validation);
    }
    if (p.epochs > 0) {
        m_progress->setRange(0, static_cast<int>(p.epochs));
        m_progress->setValue(static_cast<int>(p.epoch));
        const double perEpoch = p.epoch > 0 ? p.elapsedSeconds / static_cast<double>(p.epoch) : 0.0;
        m_status->setText(tr("Epoch %1 of %2 · %3 designs/s · elapsed %4 · about %5 left")
                              .arg(p.epoch)
                              .arg(p.epochs)
                              .arg(std::lround(p.samplesPerSecond))
                              .arg(duration(p.elapsedSeconds))
                              .arg(duration(perEpoch * static_cast<double>(p.epochs - p.epoch))));
    }
    m_curves->rescaleAxes();
    m_curves->yAxis2->setRange(0, 1);
    m_curves->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingMonitor::showOutcome(const api::TrainRunOutcome& o) {
    QString text = o.cancelled ? tr("Cancelled after %1 epochs; the checkpoint is usable.").arg(o.completedEpochs)
                               : tr("Finished %1 epochs in %2 on %3.")
                                     .arg(o.completedEpochs)
                                     .arg(duration(o.seconds))
                                     .arg(QString::fromStdString(o.deviceName));
    if (!o.mseZ0.empty()) text += ' ' + tr("Held-out mean MSE (z = 0): %1.").arg(o.meanMseZ0, 0, 'f', 4);
    m_status->setText(text);
    m_status->setStyleSheet(QString());
    auto* bars = static_cast<QCPBars*>(m_result->plottable(0));
    bars->setData(QVector<double>(o.sparsities.begin(), o.sparsities.end()), QVector<double>(o.mseZ0.begin(), o.mseZ0.end()));
    m_result->setVisible(!o.mseZ0.empty());
    m_result->rescaleAxes();
    m_result->xAxis->setRange(-0.05, 0.95);
    m_result->yAxis->setRangeLower(0);
    m_result->replot(QCustomPlot::rpQueuedReplot);
}

void TrainingMonitor::showPartialOutcome(const api::PartialTrainResult& r) {
    const QLocale locale;
    QString text = tr("Learned from %1 designs, %2 of them incomplete (%3 % of keypoint and output cells observed): "
                      "%4 updates in %5, final loss %6.")
                       .arg(locale.toString(static_cast<qlonglong>(r.rows)))
                       .arg(locale.toString(static_cast<qlonglong>(r.rowsWithGaps)))
                       .arg(100.0 * r.observedFraction, 0, 'f', 1)
                       .arg(locale.toString(static_cast<qlonglong>(r.updates)))
                       .arg(duration(r.seconds))
                       .arg(r.finalLoss, 0, 'f', 4);
    if (!r.skippedLines.empty())
        text += ' ' + tr("%n row(s) without any keypoint value skipped.", nullptr, static_cast<int>(r.skippedLines.size()));
    m_status->setText(text);
    m_status->setStyleSheet(QString());
    m_result->setVisible(false);
}

void TrainingMonitor::showFailure(const QString& message) {
    m_status->setText(message);
    m_status->setStyleSheet(QStringLiteral("color: #c0392b;"));
}

int TrainingMonitor::curvePoints() const { return m_curves->graph(TrainRec)->dataCount(); }

int TrainingMonitor::resultBars() const { return static_cast<QCPBars*>(m_result->plottable(0))->dataCount(); }

QString TrainingMonitor::statusText() const { return m_status->text(); }

}  // namespace ms
