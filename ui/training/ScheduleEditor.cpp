#include "ui/training/ScheduleEditor.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QVBoxLayout>

#include <qcustomplot.h>

namespace ms {

namespace {
constexpr int kPlotSteps = 200;
const ScheduleKind kKinds[] = {ScheduleKind::Constant, ScheduleKind::Step, ScheduleKind::Linear,
                               ScheduleKind::Exponential, ScheduleKind::Cosine};
}  // namespace

ScheduleEditor::ScheduleEditor(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* form = new QFormLayout;
    m_kind = new QComboBox(this);
    for (ScheduleKind k : kKinds) m_kind->addItem(QString::fromStdString(SparsitySchedule::kindName(k)));
    m_kind->setToolTip(tr("How the probability of masking a condition changes over training"));
    m_start = new QDoubleSpinBox(this);
    m_end = new QDoubleSpinBox(this);
    for (QDoubleSpinBox* box : {m_start, m_end}) {
        box->setRange(0.0, 1.0);
        box->setSingleStep(0.05);
        box->setDecimals(3);
    }
    m_segments = new QSpinBox(this);
    m_segments->setRange(1, 100);
    form->addRow(tr("Sparsity schedule"), m_kind);
    form->addRow(tr("Start p"), m_start);
    form->addRow(tr("End p"), m_end);
    form->addRow(tr("Segments (step)"), m_segments);
    layout->addLayout(form);
    m_plot = new QCustomPlot(this);
    m_plot->setMinimumHeight(120);
    m_plot->addGraph();
    m_plot->xAxis->setLabel(tr("training progress (%)"));
    m_plot->yAxis->setLabel(tr("p (masked)"));
    m_plot->xAxis->setRange(0, 100);
    m_plot->yAxis->setRange(0, 1);
    layout->addWidget(m_plot);
    m_problem = new QLabel(this);
    m_problem->setStyleSheet(QStringLiteral("color: #c0392b;"));
    layout->addWidget(m_problem);

    auto onEdit = [this] {
        replot();
        Q_EMIT changed();
    };
    connect(m_kind, qOverload<int>(&QComboBox::currentIndexChanged), this, onEdit);
    connect(m_start, qOverload<double>(&QDoubleSpinBox::valueChanged), this, onEdit);
    connect(m_end, qOverload<double>(&QDoubleSpinBox::valueChanged), this, onEdit);
    connect(m_segments, qOverload<int>(&QSpinBox::valueChanged), this, onEdit);
    setSchedule(SparsitySchedule{});
}

void ScheduleEditor::setSchedule(const SparsitySchedule& s) {
    {
        const QSignalBlocker b1(m_kind), b2(m_start), b3(m_end), b4(m_segments);
        m_kind->setCurrentText(QString::fromStdString(SparsitySchedule::kindName(s.kind)));
        m_start->setValue(s.start);
        m_end->setValue(s.end);
        m_segments->setValue(s.segments);
    }
    replot();
    Q_EMIT changed();
}

SparsitySchedule ScheduleEditor::schedule() const {
    SparsitySchedule s;
    s.kind = kKinds[std::max(0, m_kind->currentIndex())];
    s.start = m_start->value();
    s.end = s.kind == ScheduleKind::Constant ? s.start : m_end->value();
    s.segments = m_segments->value();
    return s;
}

bool ScheduleEditor::isValid() const { return schedule().validate().empty(); }

int ScheduleEditor::plottedPoints() const { return m_plot->graph(0)->dataCount(); }

void ScheduleEditor::replot() {
    const SparsitySchedule s = schedule();
    m_end->setEnabled(s.kind != ScheduleKind::Constant);
    m_segments->setEnabled(s.kind == ScheduleKind::Step);
    const std::string problem = s.validate();
    m_problem->setText(QString::fromStdString(problem));
    QVector<double> x, y;
    if (problem.empty()) {
        for (int i = 0; i <= kPlotSteps; ++i) {
            x << 100.0 * i / kPlotSteps;
            y << s.at(i, kPlotSteps);
        }
    }
    m_plot->graph(0)->setData(x, y, true);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace ms
