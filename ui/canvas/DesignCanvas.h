#pragma once
// The live drawing of generated designs as objects (wheels, tubes, outlines), several samples
// overlaid translucently so their spread is visible, an optional dashed reference design, zoom
// (wheel, +/-), pan (drag) and fit (double click, F). Design y is up; the view flips it.
// Keypoint handles sit on the keypoints' mean positions with a shaded 2-sigma ellipse of their
// spread over the samples; dragging a handle pins that keypoint (keypointDragged, live while the
// mouse moves), double-clicking a handle asks for its coordinates (keypointEditRequested: type a
// pin, or release one). For CAD work: a scale bar in the design's unit, and a grid that dragged
// handles snap to.
#include <QImage>
#include <QPointF>
#include <QWidget>

#include <vector>

#include "core/geometry/Drawing.h"
#include "core/geometry/KeypointSpread.h"

namespace ms {

class DesignCanvas : public QWidget {
    Q_OBJECT
public:
    explicit DesignCanvas(QWidget* parent = nullptr);

    void setDesigns(std::vector<Drawing> drawings, Drawing reference = {});
    const std::vector<Drawing>& designs() const { return m_drawings; }
    bool hasReference() const { return !m_reference.polylines.empty() || !m_reference.circles.empty(); }
    void setMessage(const QString& message);  // shown when there is nothing to draw (or an error)
    // Handles and spread shading, one entry per keypoint (empty: none); pinned ones drawn as pins.
    void setKeypoints(std::vector<KeypointSpread> spread, std::vector<bool> pinned);
    void setSpreadVisible(bool visible);
    // Snapping: dragged handles land on multiples of `step` design units and the grid is drawn
    // (snap false or step <= 0: free, no grid).
    void setGrid(double step, bool snap);
    double gridStep() const { return m_gridStep; }
    bool snapsToGrid() const { return m_snap && m_gridStep > 0.0; }
    // The design's unit ("mm") for the scale bar.
    void setUnit(const QString& symbol);
    const QString& unit() const { return m_unit; }
    bool spreadVisible() const { return m_spreadVisible; }
    const std::vector<KeypointSpread>& keypoints() const { return m_keypoints; }
    // Widget coordinates of keypoint `index`'s handle (tests, automation).
    QPointF keypointHandlePosition(int index) const;

    void fitView();
    // Fit the view to the next designs that arrive (a model switch: the old model's drawings
    // say nothing about the new one's size). Otherwise the view changes only when asked
    // (double click, F), never by itself while exploring.
    void fitOnNextDesigns();
    // Widget coordinates of a design point in the current view (tests, automation).
    QPointF designToWidget(Point2 p) const { return toScreen(p, size()); }
    void zoomBy(double factor, QPointF anchor);
    double zoom() const { return m_zoom; }
    // The current view rendered off-screen (PNG export, headless mode).
    QImage renderImage(QSize size) const;

    QSize sizeHint() const override { return {720, 480}; }

Q_SIGNALS:
    void painted();  // after every paint (the edit -> redraw benchmark listens)
    void keypointGrabbed(int index);  // a handle drag starts
    void keypointDragged(int index, double x, double y);  // design units, while dragging and on release
    void keypointEditRequested(int index);  // a handle double-clicked

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
    Point2 toDesign(QPointF screen) const;  // inverse of toScreen for the widget's size
    int handleAt(QPointF screen) const;     // -1 when no handle is within reach
    void paintKeypoints(QPainter& painter, QSize size) const;

    std::vector<Drawing> m_drawings;
    Drawing m_reference;
    QString m_message;
    Bounds m_fitBounds;      // what "fit" shows
    bool m_fitPending = true;  // fit to the next designs (first designs, model switch)
    double m_zoom = 1.0;
    QPointF m_pan;           // screen offset in pixels
    QPointF m_dragStart;
    bool m_dragging = false;
    std::vector<KeypointSpread> m_keypoints;
    std::vector<bool> m_pinned;
    bool m_spreadVisible = true;
    int m_draggedKeypoint = -1;
    Point2 m_dragPosition;
    double m_gridStep = 10.0;
    bool m_snap = false;
    QString m_unit = QStringLiteral("mm");
};

}  // namespace ms
