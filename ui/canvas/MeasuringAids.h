#pragma once
// The canvas's measuring aids at the current zoom: a scale bar of a round length (1, 2 or 5 x
// 10^k design units) and grid lines that stay readable (a multiple of the snapping step that is
// at least a few pixels apart), labelled in the design's unit.
#include <QPointF>
#include <QSize>
#include <QString>

class QPainter;
class QPalette;

namespace ms {

// The largest 1, 2 or 5 x 10^k that is <= maximum (maximum > 0; 0 otherwise).
double roundLengthAtMost(double maximum);
// The grid lines to draw for a snapping step: step x 1, 2, 5, 10, 20, ... whichever is first at
// least minPixels apart at pixelsPerUnit (0 when step or pixelsPerUnit is not positive).
double visibleGridStep(double step, double pixelsPerUnit, double minPixels = 8.0);
// "100 mm", "0.5 m", "2.5 in": at most 4 significant digits, no trailing zeros.
QString lengthLabel(double length, const QString& unit);

// Painted on a view of `size` where the design point (0, 0) sits at `origin` and one design unit
// is pixelsPerUnit pixels (y up in the design, down on screen):
// grid lines every visibleGridStep(step, pixelsPerUnit), faint, behind the design;
void paintGrid(QPainter& painter, QSize size, QPointF origin, double pixelsPerUnit, double step, const QPalette& palette);
// a scale bar of a round length about 60-140 px long in the bottom-left corner, with its label.
void paintScaleBar(QPainter& painter, QSize size, double pixelsPerUnit, const QString& unit, const QPalette& palette);

}  // namespace ms
