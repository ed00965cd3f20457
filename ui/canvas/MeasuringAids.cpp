#include "ui/canvas/MeasuringAids.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QPalette>

#include <cmath>

namespace ms {

double roundLengthAtMost(double maximum) {
    if (!(maximum > 0.0) || !std::isfinite(maximum)) return 0.0;
    const double decade = std::pow(10.0, std::floor(std::log10(maximum)));
    for (const double m : {5.0, 2.0, 1.0})
        if (m * decade <= maximum * (1.0 + 1e-12)) return m * decade;
    return decade;
}

double visibleGridStep(double step, double pixelsPerUnit, double minPixels) {
    if (!(step > 0.0) || !(pixelsPerUnit > 0.0)) return 0.0;
    for (double decade = 1.0; decade < 1e12; decade *= 10.0)
        for (const double m : {1.0, 2.0, 5.0})
            if (step * m * decade * pixelsPerUnit >= minPixels) return step * m * decade;
    return 0.0;
}

QString lengthLabel(double length, const QString& unit) {
    return QString::number(length, 'g', 4) + QLatin1Char(' ') + unit;
}

void paintGrid(QPainter& painter, QSize size, QPointF origin, double pixelsPerUnit, double step, const QPalette& palette) {
    const double g = visibleGridStep(step, pixelsPerUnit);
    if (!(g > 0.0)) return;
    const double px = g * pixelsPerUnit;
    if (size.width() / px > 2000 || size.height() / px > 2000) return;
    QColor line = palette.color(QPalette::Mid);
    line.setAlphaF(0.35);
    painter.save();
    painter.setPen(QPen(line, 0.8));
    // Lines at whole multiples of g in design units, so they pass through the design's origin.
    for (double x = origin.x() - std::floor(origin.x() / px) * px; x <= size.width(); x += px) painter.drawLine(QPointF(x, 0), QPointF(x, size.height()));
    for (double y = origin.y() - std::floor(origin.y() / px) * px; y <= size.height(); y += px) painter.drawLine(QPointF(0, y), QPointF(size.width(), y));
    painter.restore();
}

void paintScaleBar(QPainter& painter, QSize size, double pixelsPerUnit, const QString& unit, const QPalette& palette) {
    if (!(pixelsPerUnit > 0.0)) return;
    const double length = roundLengthAtMost(140.0 / pixelsPerUnit);
    const double px = length * pixelsPerUnit;
    if (!(px >= 20.0)) return;
    const QPointF left(12.0, size.height() - 12.0), right(12.0 + px, size.height() - 12.0);
    painter.save();
    painter.setPen(QPen(palette.color(QPalette::Text), 1.4));
    painter.drawLine(left, right);
    painter.drawLine(left, left - QPointF(0, 6));
    painter.drawLine(right, right - QPointF(0, 6));
    const QString text = lengthLabel(length, unit);
    const QFontMetricsF metrics(painter.font());
    painter.drawText(QPointF(left.x() + (px - metrics.horizontalAdvance(text)) / 2.0, left.y() - 8.0), text);
    painter.restore();
}

}  // namespace ms
