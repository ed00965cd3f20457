#pragma once
// The mask editor's painting surface: the base image fitted with its aspect ratio, then zoomed
// (wheel, anchored at the cursor) and panned (middle-button drag); Home or 0 fits it again. The
// attention heat map and the mask overlay (the layer's colour at the editor's opacity) over it,
// the brush outline at the cursor; left-button strokes go to the document in image pixels.
#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QWidget>

namespace ms {

class MaskEditor;

class MaskCanvas : public QWidget {
    Q_OBJECT
public:
    explicit MaskCanvas(MaskEditor* editor);

    QSize sizeHint() const override { return {640, 480}; }

    // Where the image lies on the canvas at the current zoom and pan.
    QRectF imageRect() const;
    double scale() const;  // canvas pixels per image pixel
    QPointF toImage(QPointF p) const { return (p - imageRect().topLeft()) / scale(); }
    QPointF toCanvas(QPointF p) const { return imageRect().topLeft() + p * scale(); }

    double zoom() const { return m_zoom; }  // 1 = fitted
    // Zoom by `factor` keeping the image point under `anchor` (canvas coordinates) in place;
    // the zoom stays within 0.25 x and 32 x of fitted.
    void zoomBy(double factor, QPointF anchor);
    void fitView();

    void layerChanged();      // the active layer (and so the overlay) is another one
    void overlayChanged();    // colour or opacity
    void baseImageChanged();

Q_SIGNALS:
    void viewChanged(double zoom);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent*) override;
    void resizeEvent(QResizeEvent*) override;

private:
    void moveCursorTo(QPointF position);
    void rebuildOverlay();

    MaskEditor* m_editor;
    QImage m_scaledBase;  // the base image at the size it is drawn
    QImage m_overlay;
    bool m_overlayDirty = true;
    QPointF m_hover;
    bool m_hovering = false;
    double m_zoom = 1.0;
    QPointF m_pan;        // offset of the image's centre from the canvas's, in canvas pixels
    bool m_panning = false;
    QPointF m_panFrom;
};

}  // namespace ms
