#pragma once
// The live drawing of generated designs as objects (wheels, tubes, outlines), several samples
// overlaid translucently so their spread is visible, an optional dashed reference design, zoom
// (wheel, +/-), pan (drag) and fit (double click, F). Design y is up; the view flips it.
#include <QImage>
#include <QPointF>
#include <QWidget>

#include <vector>

#include "geometry/Drawing.h"

namespace ms {

class DesignCanvas : public QWidget {
    Q_OBJECT
public:
    explicit DesignCanvas(QWidget* parent = nullptr);

    void setDesigns(std::vector<Drawing> drawings, Drawing reference = {});
    const std::vector<Drawing>& designs() const { return m_drawings; }
    bool hasReference() const { return !m_reference.polylines.empty() || !m_reference.circles.empty(); }
    void setMessage(const QString& message);  // shown when there is nothing to draw (or an error)

    void fitView();
    void zoomBy(double factor, QPointF anchor);
    double zoom() const { return m_zoom; }
    // The current view rendered off-screen (PNG export, headless mode).
    QImage renderImage(QSize size) const;

    QSize sizeHint() const override { return {720, 480}; }

Q_SIGNALS:
    void painted();  // after every paint (the edit -> redraw benchmark listens)

protected:
    void paintEvent(QPaintEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void paint(QPainter& painter, QSize size) const;
    QPointF toScreen(Point2 p, QSize size) const;

    std::vector<Drawing> m_drawings;
    Drawing m_reference;
    QString m_message;
    Bounds m_fitBounds;      // what "fit" shows; refreshed while the user has not zoomed
    bool m_userView = false;
    double m_zoom = 1.0;
    QPointF m_pan;           // screen offset in pixels
    QPointF m_dragStart;
    bool m_dragging = false;
};

}  // namespace ms
