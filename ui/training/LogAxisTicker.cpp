#include "ui/training/LogAxisTicker.h"

#include <cmath>

namespace ms {

namespace {
// Every multiple m * 10^e (m in `mantissas`) inside [lower, upper], one decade below and above
// as well so that a tick just outside the range keeps the axis readable at its ends.
QVector<double> decadeMultiples(const QCPRange& range, std::initializer_list<int> mantissas) {
    QVector<double> ticks;
    if (!(range.lower > 0.0) || !(range.upper > range.lower)) return ticks;
    const int first = static_cast<int>(std::floor(std::log10(range.lower))) - 1;
    const int last = static_cast<int>(std::ceil(std::log10(range.upper))) + 1;
    for (int e = first; e <= last; ++e)
        for (int m : mantissas) {
            const double v = m * std::pow(10.0, e);
            if (v >= range.lower * (1 - 1e-9) && v <= range.upper * (1 + 1e-9)) ticks.push_back(v);
        }
    return ticks;
}
}  // namespace

QVector<double> LogAxisTicker::createTickVector(double tickStep, const QCPRange& range) {
    QVector<double> ticks = decadeMultiples(range, {1, 2, 5});
    // Over many decades 1-2-5 crowds the axis: the powers of ten alone.
    if (ticks.size() > 12) return QCPAxisTickerLog::createTickVector(tickStep, range);
    return ticks;
}

QVector<double> LogAxisTicker::createSubTickVector(int subTickCount, const QVector<double>& ticks) {
    if (ticks.size() < 2) return QCPAxisTickerLog::createSubTickVector(subTickCount, ticks);
    QCPRange span(ticks.front() / 10.0, ticks.back() * 10.0);
    QVector<double> sub;
    for (double v : decadeMultiples(span, {3, 4, 6, 7, 8, 9}))
        if (v > ticks.front() && v < ticks.back()) sub.push_back(v);
    return sub;
}

}  // namespace ms
