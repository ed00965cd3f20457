#pragma once
// Edit a sparsity schedule (kind, start, end, segments) with a live plot of p over training.
#include <QWidget>

#include "core/conditioning/SparsitySchedule.h"

class QComboBox;
class QCustomPlot;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;

namespace ms {

class ScheduleEditor : public QWidget {
    Q_OBJECT
public:
    explicit ScheduleEditor(QWidget* parent = nullptr);
    void setSchedule(const SparsitySchedule& schedule);
    SparsitySchedule schedule() const;
    bool isValid() const;
    int plottedPoints() const;

Q_SIGNALS:
    void changed();

private:
    void replot();

    QComboBox* m_kind;
    QDoubleSpinBox* m_start;
    QDoubleSpinBox* m_end;
    QSpinBox* m_segments;
    QCustomPlot* m_plot;
    QLabel* m_problem;
};

}  // namespace ms
