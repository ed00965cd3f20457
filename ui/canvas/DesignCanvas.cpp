#include "ui/canvas/DesignCanvas.h"

#include <QFontMetricsF>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

#include "ui/canvas/LabelPlacement.h"
#include "ui/canvas/MeasuringAids.h"

namespace ms {

namespace {
constexpr double kMargin = 0.06;  // of the larger side
constexpr double kHandleRadius = 4.5;
constexpr double kHandleReach = 10.0;  // pixels around a handle that grab it
constexpr double kSpreadSigmas = 2.0;

QColor designColor(const QPalette& palette, std::size_t index, std::size_t count) {
    QColor c = index == 0 ? palette.color(QPalette::Highlight) : palette.color(QPalette::Text);
    if (count > 1) c.setAlphaF(index == 0 ? 0.95 : std::max(0.18, 1.6 / static_cast<double>(count)));
    return c;
}
}  // namespace

DesignCanvas::DesignCanvas(QWidget* parent) : QWidget(parent) {
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(320, 240);
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    setToolTip(tr("Wheel: zoom · drag: pan · double click or F: fit\n"
                  "Drag a keypoint handle to pin it (the rest of the design follows); double-click a handle to type its "
                  "coordinates or release its pin"));
    m_message = tr("Loading model…");
}

void DesignCanvas::setDesigns(std::vector<Drawing> drawings, Drawing reference) {
    m_drawings = std::move(drawings);
    m_reference = std::move(reference);
    m_message.clear();
    // The view changes only when asked or for a new model's first designs: a design that jumps
    // away from the cursor after an edit (a released pin, a new condition) is worse than one that
    // runs past the edge until the user presses F.
    if (m_fitPending && m_draggedKeypoint < 0 && !m_drawings.empty()) fitView();
    update();
}

void DesignCanvas::setMessage(const QString& message) {
    m_message = message;
    update();
}

void DesignCanvas::fitOnNextDesigns() {
    m_fitPending = true;
}

void DesignCanvas::fitView() {
    m_fitPending = false;
    m_zoom = 1.0;
    m_pan = {};
    m_fitBounds = boundsOf(m_drawings);
    m_fitBounds.include(m_reference.bounds());
    update();
}

void DesignCanvas::zoomBy(double factor, QPointF anchor) {
    const double next = std::clamp(m_zoom * factor, 0.05, 50.0);
    const double applied = next / m_zoom;
    // Keep the design point under the anchor fixed.
    const QPointF centre(width() / 2.0, height() / 2.0);
    m_pan = anchor - centre - (anchor - centre - m_pan) * applied;
    m_zoom = next;
    update();
}

void DesignCanvas::setKeypoints(std::vector<KeypointSpread> spread, std::vector<bool> pinned) {
    pinned.resize(spread.size(), false);
    m_keypoints = std::move(spread);
    m_pinned = std::move(pinned);
    if (m_draggedKeypoint >= static_cast<int>(m_keypoints.size())) m_draggedKeypoint = -1;
    if (m_draggedKeypoint >= 0) {  // an answer to an older position must not pull the handle back
        m_keypoints[static_cast<std::size_t>(m_draggedKeypoint)] = KeypointSpread{m_dragPosition};
        m_pinned[static_cast<std::size_t>(m_draggedKeypoint)] = true;
    }
    update();
}

void DesignCanvas::setSpreadVisible(bool visible) {
    m_spreadVisible = visible;
    update();
}

void DesignCanvas::setGrid(double step, bool snap) {
    m_gridStep = step;
    m_snap = snap;
    update();
}

void DesignCanvas::setUnit(const QString& symbol) {
    m_unit = symbol;
    update();
}

QPointF DesignCanvas::keypointHandlePosition(int index) const {
    if (index < 0 || index >= static_cast<int>(m_keypoints.size())) return {};
    return toScreen(m_keypoints[static_cast<std::size_t>(index)].mean, size());
}

Point2 DesignCanvas::toDesign(QPointF screen) const {
    const QPointF origin = toScreen({0, 0}, size()), unitX = toScreen({1, 0}, size());
    const double scale = unitX.x() - origin.x();
    if (!(std::abs(scale) > 0)) return {};
    return {(screen.x() - origin.x()) / scale, -(screen.y() - origin.y()) / scale};
}

int DesignCanvas::handleAt(QPointF screen) const {
    int best = -1;
    double bestDistance = kHandleReach;
    for (std::size_t k = 0; k < m_keypoints.size(); ++k) {
        const QPointF d = toScreen(m_keypoints[k].mean, size()) - screen;
        const double distance = std::hypot(d.x(), d.y());
        if (distance <= bestDistance) {
            bestDistance = distance;
            best = static_cast<int>(k);
        }
    }
    return best;
}

void DesignCanvas::paintKeypoints(QPainter& painter, QSize size) const {
    if (m_keypoints.empty() || m_drawings.empty()) return;
    const QPalette pal = palette();
    const double unit = std::abs(toScreen({1, 0}, size).x() - toScreen({0, 0}, size).x());
    if (m_spreadVisible) {
        QColor shade = pal.color(QPalette::Highlight);
        shade.setAlphaF(0.22);
        painter.setPen(Qt::NoPen);
        painter.setBrush(shade);
        for (std::size_t k = 0; k < m_keypoints.size(); ++k) {
            if (m_pinned[k]) continue;
            double a = 0, b = 0, angle = 0;
            m_keypoints[k].ellipse(kSpreadSigmas, a, b, angle);
            if (a * unit < 1.0) continue;
            painter.save();
            painter.translate(toScreen(m_keypoints[k].mean, size));
            painter.rotate(-angle * 180.0 / M_PI);  // the view flips y
            painter.drawEllipse(QPointF(0, 0), std::max(a * unit, 1.0), std::max(b * unit, 1.0));
            painter.restore();
        }
    }
    const QColor pin(230, 120, 20);
    for (std::size_t k = 0; k < m_keypoints.size(); ++k) {
        const QPointF at = toScreen(m_keypoints[k].mean, size);
        if (m_pinned[k]) {
            painter.setPen(QPen(pal.color(QPalette::Base), 1.5));
            painter.setBrush(pin);
            painter.drawEllipse(at, kHandleRadius + 1.5, kHandleRadius + 1.5);
        } else {
            painter.setPen(QPen(pal.color(QPalette::Highlight), 1.2));
            painter.setBrush(pal.color(QPalette::Base));
            painter.drawEllipse(at, kHandleRadius, kHandleRadius);
        }
    }
}

QPointF DesignCanvas::toScreen(Point2 p, QSize size) const {
    const Bounds& b = m_fitBounds;
    if (!b.valid()) return {};
    const double side = std::max(b.width(), b.height());
    const double scale = std::min(size.width() / std::max(b.width() + 2 * kMargin * side, 1e-9),
                                  size.height() / std::max(b.height() + 2 * kMargin * side, 1e-9)) * m_zoom;
    const double cx = 0.5 * (b.minX + b.maxX), cy = 0.5 * (b.minY + b.maxY);
    return {size.width() / 2.0 + (p.x - cx) * scale + m_pan.x(), size.height() / 2.0 - (p.y - cy) * scale + m_pan.y()};
}

void DesignCanvas::paint(QPainter& painter, QSize size) const {
    painter.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    if (m_drawings.empty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(QRect(QPoint(0, 0), size), Qt::AlignCenter | Qt::TextWordWrap, m_message);
        return;
    }
    const double unit = std::abs(toScreen({1, 0}, size).x() - toScreen({0, 0}, size).x());
    if (snapsToGrid()) paintGrid(painter, size, toScreen({0, 0}, size), unit, m_gridStep, pal);
    auto drawOne = [&](const Drawing& d, const QPen& pen, bool labels) {
        painter.setPen(pen);
        painter.setBrush(Qt::NoBrush);
        for (const Polyline& pl : d.polylines) {
            if (pl.points.size() < 2) continue;
            QPainterPath path(toScreen(pl.points[0], size));
            for (std::size_t i = 1; i < pl.points.size(); ++i) path.lineTo(toScreen(pl.points[i], size));
            if (pl.closed) path.closeSubpath();
            painter.drawPath(path);
        }
        for (const Circle& c : d.circles) {
            if (!std::isfinite(c.radius)) continue;
            const double r = std::abs(c.radius) * unit;
            painter.drawEllipse(toScreen(c.center, size), r, r);
        }
        if (!labels) return;
        QPen textPen(pal.color(QPalette::Text));
        painter.setPen(textPen);
        QFont f = painter.font();
        f.setPointSizeF(std::max(6.0, f.pointSizeF() * 0.8));
        painter.setFont(f);
        // Placed so that they do not pile up (keypoints of a design often sit a few pixels apart).
        const QFontMetricsF metrics(f);
        std::vector<QPointF> points;
        std::vector<QSizeF> sizes;
        for (const Label& l : d.labels) {
            points.push_back(toScreen(l.at, size));
            sizes.push_back(metrics.size(0, QString::fromStdString(l.text)));
        }
        const std::vector<PlacedLabel> placed = placeLabels(points, sizes);
        for (std::size_t i = 0; i < d.labels.size(); ++i) {
            painter.drawEllipse(points[i], 2.0, 2.0);
            if (placed[i].displaced) {
                QPen leader(pal.color(QPalette::Mid), 0.8);
                painter.setPen(leader);
                const QRectF& b = placed[i].box;
                const QPointF nearest(std::clamp(points[i].x(), b.left(), b.right()), std::clamp(points[i].y(), b.top(), b.bottom()));
                painter.drawLine(points[i], nearest);
                painter.setPen(textPen);
            }
            painter.drawText(placed[i].box, Qt::AlignLeft | Qt::AlignVCenter, QString::fromStdString(d.labels[i].text));
        }
    };
    if (hasReference()) {
        QPen pen(pal.color(QPalette::Mid), 1.5, Qt::DashLine);
        drawOne(m_reference, pen, false);
    }
    // Back to front, so the first (highlighted) design is drawn on top.
    for (std::size_t i = m_drawings.size(); i-- > 0;) {
        QPen pen(designColor(pal, i, m_drawings.size()), i == 0 ? 2.2 : 1.4);
        pen.setCapStyle(Qt::RoundCap);
        pen.setJoinStyle(Qt::RoundJoin);
        drawOne(m_drawings[i], pen, i == 0);
    }
    paintKeypoints(painter, size);
    paintScaleBar(painter, size, unit, m_unit, pal);
}

void DesignCanvas::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    paint(painter, size());
    painter.end();
    Q_EMIT painted();
}

QImage DesignCanvas::renderImage(QSize size) const {
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(palette().color(QPalette::Base));
    QPainter painter(&image);
    paint(painter, size);
    return image;
}

void DesignCanvas::wheelEvent(QWheelEvent* event) {
    const double steps = event->angleDelta().y() / 120.0;
    if (steps != 0) zoomBy(std::pow(1.15, steps), event->position());
    event->accept();
}

void DesignCanvas::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::LeftButton) {
        m_draggedKeypoint = handleAt(event->position());
        if (m_draggedKeypoint >= 0) {
            setCursor(Qt::CrossCursor);
            Q_EMIT keypointGrabbed(m_draggedKeypoint);
            return;
        }
    }
    if (event->button() == Qt::LeftButton || event->button() == Qt::MiddleButton) {
        m_dragging = true;
        m_dragStart = event->position();
        setCursor(Qt::ClosedHandCursor);
    }
}

void DesignCanvas::mouseMoveEvent(QMouseEvent* event) {
    if (m_draggedKeypoint >= 0) {
        // The handle follows the mouse at once; the design follows when the engine answers.
        Point2 p = toDesign(event->position());
        if (snapsToGrid()) p = {std::round(p.x / m_gridStep) * m_gridStep, std::round(p.y / m_gridStep) * m_gridStep};
        m_dragPosition = p;
        m_keypoints[static_cast<std::size_t>(m_draggedKeypoint)] = KeypointSpread{p};
        m_pinned[static_cast<std::size_t>(m_draggedKeypoint)] = true;
        update();
        Q_EMIT keypointDragged(m_draggedKeypoint, p.x, p.y);
        return;
    }
    if (!m_dragging) return;
    m_pan += event->position() - m_dragStart;
    m_dragStart = event->position();
    update();
}

void DesignCanvas::mouseReleaseEvent(QMouseEvent* event) {
    if (m_draggedKeypoint >= 0) {
        const int index = m_draggedKeypoint;
        m_draggedKeypoint = -1;
        unsetCursor();
        // A click without a move does not pin.
        if (m_pinned[static_cast<std::size_t>(index)]) {
            const Point2 p = m_keypoints[static_cast<std::size_t>(index)].mean;
            Q_EMIT keypointDragged(index, p.x, p.y);
        }
        return;
    }
    m_dragging = false;
    unsetCursor();
}

void DesignCanvas::mouseDoubleClickEvent(QMouseEvent* event) {
    const int handle = handleAt(event->position());
    if (handle >= 0) {
        Q_EMIT keypointEditRequested(handle);
        return;
    }
    fitView();
}

void DesignCanvas::keyPressEvent(QKeyEvent* event) {
    const QPointF centre(width() / 2.0, height() / 2.0);
    switch (event->key()) {
    case Qt::Key_F: fitView(); break;
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomBy(1.25, centre); break;
    case Qt::Key_Minus: zoomBy(0.8, centre); break;
    default: QWidget::keyPressEvent(event);
    }
}

}  // namespace ms
