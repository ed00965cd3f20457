#pragma once
// A log-scale axis ticker that labels 1, 2 and 5 of every decade in range (0.05, 0.1, 0.2, 0.5,
// 1, 2, ...), so a loss curve below 1 can be read; QCustomPlot's own log ticker labels only the
// powers of the base, and a curve between 0.1 and 0.9 then has no label at all. Sub-ticks at the
// other integers of each decade.
#include <qcustomplot.h>

namespace ms {

class LogAxisTicker : public QCPAxisTickerLog {
protected:
    QVector<double> createTickVector(double tickStep, const QCPRange& range) override;
    QVector<double> createSubTickVector(int subTickCount, const QVector<double>& ticks) override;
};

}  // namespace ms
