#include "ui/training/TuneMonitor.h"

#include <QLabel>
#include <QProgressBar>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>
#include <limits>

#include <qcustomplot.h>

#include "ui/training/LogAxisTicker.h"

namespace ms {

namespace {
constexpr int kRungGraphs = 5;  // rungs 0..3, then the cross-validation runs
const QColor kRungColours[kRungGraphs] = {QColor(189, 195, 199), QColor(93, 173, 226), QColor(41, 128, 185), QColor(21, 67, 96),
                                          QColor(230, 126, 34)};
}  // namespace

TuneMonitor::TuneMonitor(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_progress = new QProgressBar(this);
    m_progress->setFormat(tr("%p % of the time budget"));
    m_status = new QLabel(tr("No search yet. Find settings tries many settings on parts of your training data and keeps the best."), this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumHeight(180);
    const QString names[kRungGraphs] = {tr("short runs"), tr("longer (best third)"), tr("longer (best ninth)"), tr("full runs"),
                                        tr("cross-validation")};
    for (int i = 0; i < kRungGraphs; ++i) {
        QCPGraph* g = m_plot->addGraph();
        g->setName(names[i]);
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, kRungColours[i], i == 0 ? 4 : 6));
    }
    QCPGraph* best = m_plot->addGraph();
    best->setName(tr("best so far"));
    best->setLineStyle(QCPGraph::lsStepLeft);
    best->setPen(QPen(QColor(192, 57, 43), 2.0));
    m_plot->xAxis->setLabel(tr("time (s)"));
    m_plot->yAxis->setLabel(tr("validation MSE (z = 0)"));
    m_plot->yAxis->setScaleType(QCPAxis::stLogarithmic);
    m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new LogAxisTicker));
    m_plot->yAxis->setNumberFormat(QStringLiteral("gb"));
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(QFont(font().family(), 7));
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    m_tick = new QTimer(this);
    m_tick->setInterval(500);
    connect(m_tick, &QTimer::timeout, this, [this] {
        if (m_budget > 0) m_progress->setValue(std::min(100, static_cast<int>(100.0 * m_clock.elapsed() / 1000.0 / m_budget)));
    });
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addWidget(m_plot, 1);
}

void TuneMonitor::start(double budgetSeconds) {
    for (int i = 0; i < m_plot->graphCount(); ++i) m_plot->graph(i)->data()->clear();
    m_budget = budgetSeconds;
    m_best = std::numeric_limits<double>::infinity();
    m_results = 0;
    m_bestSettings.clear();
    m_progress->setRange(0, 100);
    m_progress->setValue(0);
    m_progress->setVisible(budgetSeconds > 0);
    m_status->setText(tr("Searching… the first results arrive within seconds."));
    m_status->setStyleSheet(QString());
    m_plot->replot();
    m_clock.start();
    if (budgetSeconds > 0) m_tick->start();
}

void TuneMonitor::fitAxes() {
    m_plot->rescaleAxes();
    // Room around the points, so that the best (the lowest) is never on the frame.
    const QCPRange y = m_plot->yAxis->range();
    m_plot->yAxis->setRange(y.lower / 1.1, y.upper * 1.1);
    const QCPRange x = m_plot->xAxis->range();
    m_plot->xAxis->setRange(0.0, std::max(1.0, x.upper * 1.03));
}

void TuneMonitor::addReport(const mcvae::TuningTrialReport& r) {
    if (m_budget > 0) m_progress->setValue(std::min(100, static_cast<int>(100.0 * r.seconds / m_budget)));
    if (!std::isfinite(r.score)) return;
    ++m_results;
    const int graph = r.rung < 0 ? kRungGraphs - 1 : std::min(r.rung, kRungGraphs - 2);
    m_plot->graph(graph)->addData(r.seconds, r.score);
    // The best so far among full-budget results once there are any, else among all (short runs
    // score worse than they will end, so the line only drops as the search learns).
    if (r.score < m_best) {
        m_best = r.score;
        m_bestSettings = QString::fromStdString(r.settings);
        m_plot->graph(kRungGraphs)->addData(r.seconds, r.score);
    }
    fitAxes();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    m_status->setText(tr("%1 results; best validation MSE so far %2 (%3)")
                          .arg(m_results)
                          .arg(m_best, 0, 'f', 4)
                          .arg(m_bestSettings));
}

void TuneMonitor::showOutcome(const api::TuneOutcome& o, const QString& baseName) {
    const mcvae::McVaeTuningResult& r = o.result;
    m_tick->stop();
    if (!r.cancelled) m_progress->setValue(100);
    m_status->setStyleSheet(QString());
    const QString best = QString::fromStdString(r.finalists.empty() ? std::string() : r.finalists.front().settings);
    QString text = tr("%1 trials in %2 s%3. ").arg(r.trials).arg(r.seconds, 0, 'f', 0).arg(r.cancelled ? tr(" (stopped: best so far)") : QString());
    if (r.fromHalving) {
        text += tr("Best: %1 (%2), the leader of the longest runs compared when the search %3; a longer search "
                   "compares the finalists at full length.")
                    .arg(r.bestScore, 0, 'f', 4)
                    .arg(best)
                    .arg(r.cancelled ? tr("was stopped") : tr("ran out of time"));
    } else {
        const QString folds = r.foldsCompared > 0 ? tr("cross-validated on %n fold(s)", nullptr, r.foldsCompared)
                                                  : tr("on the folds each finished");
        text += tr("Best at full length, %1: %2 (%3); %4 settings: %5.")
                    .arg(folds)
                    .arg(r.bestScore, 0, 'f', 4)
                    .arg(best)
                    .arg(baseName)
                    .arg(std::isfinite(r.baseScore) ? QString::number(r.baseScore, 'f', 4) : tr("not reached in the time given"));
    }
    if (!o.presetPath.empty()) text += ' ' + tr("Saved as %1 and selected.").arg(QString::fromStdString(o.presetPath));
    m_status->setText(text);
}

void TuneMonitor::showFailure(const QString& message) {
    m_tick->stop();
    m_status->setText(message);
    m_status->setStyleSheet(QStringLiteral("color: #c0392b;"));
}

int TuneMonitor::points() const {
    int n = 0;
    for (int i = 0; i < kRungGraphs; ++i) n += m_plot->graph(i)->dataCount();
    return n;
}

QString TuneMonitor::statusText() const { return m_status->text(); }

}  // namespace ms
