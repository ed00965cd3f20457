#include "ui/image/MaskCanvas.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

#include "ui/image/MaskDocument.h"
#include "ui/image/MaskEditor.h"

namespace ms {

namespace {
const QColor kBackdrop(48, 48, 48);
const QColor kNoImage(128, 128, 128);
constexpr double kMinZoom = 0.25;
constexpr double kMaxZoom = 32.0;
}  // namespace

MaskCanvas::MaskCanvas(MaskEditor* editor) : QWidget(editor), m_editor(editor) {
    setObjectName(QStringLiteral("maskCanvas"));
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setCursor(Qt::CrossCursor);
    setMinimumSize(200, 150);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setToolTip(tr("Left button: paint · wheel: zoom · middle button: pan · Home or 0: fit"));
    for (MaskLayer layer : {MaskLayer::Inpaint, MaskLayer::TargetShape})
        connect(editor->document(layer), &MaskDocument::changed, this, [this] {
            m_overlayDirty = true;
            update();
        });
}

QRectF MaskCanvas::imageRect() const {
    const QSize image = m_editor->document()->size();
    if (image.isEmpty()) return {};
    const QSizeF fitted = QSizeF(image).scaled(QSizeF(size()), Qt::KeepAspectRatio) * m_zoom;
    const QPointF centre = QPointF(width() / 2.0, height() / 2.0) + m_pan;
    return QRectF(centre - QPointF(fitted.width() / 2.0, fitted.height() / 2.0), fitted);
}

double MaskCanvas::scale() const {
    const QSize image = m_editor->document()->size();
    return image.isEmpty() ? 1.0 : imageRect().width() / image.width();
}

void MaskCanvas::zoomBy(double factor, QPointF anchor) {
    const QPointF imagePoint = toImage(anchor);
    m_zoom = std::clamp(m_zoom * factor, kMinZoom, kMaxZoom);
    m_pan += anchor - toCanvas(imagePoint);
    m_scaledBase = QImage();
    update();
    Q_EMIT viewChanged(m_zoom);
}

void MaskCanvas::fitView() {
    m_zoom = 1.0;
    m_pan = {};
    m_scaledBase = QImage();
    update();
    Q_EMIT viewChanged(m_zoom);
}

void MaskCanvas::layerChanged() {
    m_overlayDirty = true;
    update();
}

void MaskCanvas::overlayChanged() {
    m_overlayDirty = true;
    update();
}

void MaskCanvas::baseImageChanged() {
    m_scaledBase = QImage();
    update();
}

void MaskCanvas::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.fillRect(rect(), kBackdrop);
    const QRectF target = imageRect();
    if (target.isEmpty()) return;
    const QImage& base = m_editor->baseImage();
    if (base.isNull()) {
        painter.fillRect(target, kNoImage);
    } else if (m_zoom <= 4.0) {
        const QSize targetSize = target.size().toSize();
        if (m_scaledBase.size() != targetSize && !targetSize.isEmpty())
            m_scaledBase = base.scaled(targetSize, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
        painter.drawImage(target, m_scaledBase);
    } else {
        painter.drawImage(target, base);  // close up: the image's own pixels, as squares
    }
    if (!m_editor->heatOverlay().isNull()) {
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        painter.drawImage(target, m_editor->heatOverlay());
        painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    }
    if (m_editor->isOverlayShown()) {
        if (m_overlayDirty) rebuildOverlay();
        painter.setOpacity(m_editor->overlayOpacity());
        painter.drawImage(target, m_overlay);
        painter.setOpacity(1.0);
    }
    if (m_hovering && !m_panning) {
        const double radius = std::max(1.0, m_editor->brushSize() / 2.0 * scale());
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(Qt::black, 1.0));
        painter.drawEllipse(m_hover, radius, radius);
        painter.setPen(QPen(Qt::white, 1.0, Qt::DashLine));
        painter.drawEllipse(m_hover, radius, radius);
    }
}

void MaskCanvas::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::MiddleButton) {
        m_panning = true;
        m_panFrom = event->position();
        setCursor(Qt::ClosedHandCursor);
        return;
    }
    if (event->button() != Qt::LeftButton || imageRect().isEmpty()) return QWidget::mousePressEvent(event);
    m_editor->document()->beginStroke(toImage(event->position()), m_editor->tool(), m_editor->brushSize(), m_editor->hardness());
    moveCursorTo(event->position());
}

void MaskCanvas::mouseMoveEvent(QMouseEvent* event) {
    if (m_panning) {
        m_pan += event->position() - m_panFrom;
        m_panFrom = event->position();
        update();
        return;
    }
    if (m_editor->document()->isStroking()) m_editor->document()->continueStroke(toImage(event->position()));
    moveCursorTo(event->position());
}

void MaskCanvas::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() == Qt::MiddleButton && m_panning) {
        m_panning = false;
        setCursor(Qt::CrossCursor);
        return;
    }
    if (event->button() != Qt::LeftButton || !m_editor->document()->isStroking()) return QWidget::mouseReleaseEvent(event);
    m_editor->document()->continueStroke(toImage(event->position()));
    m_editor->document()->endStroke();
}

void MaskCanvas::wheelEvent(QWheelEvent* event) {
    const double steps = event->angleDelta().y() / 120.0;
    if (steps != 0.0) zoomBy(std::pow(1.25, steps), event->position());
    event->accept();
}

void MaskCanvas::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Home || event->key() == Qt::Key_0) {
        fitView();
        return;
    }
    QWidget::keyPressEvent(event);
}

void MaskCanvas::leaveEvent(QEvent*) {
    m_hovering = false;
    update();
}

void MaskCanvas::resizeEvent(QResizeEvent*) {
    m_scaledBase = QImage();
}

void MaskCanvas::moveCursorTo(QPointF position) {
    m_hover = position;
    m_hovering = true;
    update();
}

void MaskCanvas::rebuildOverlay() {
    const QImage& mask = m_editor->document()->mask();
    m_overlay = QImage(mask.size(), QImage::Format_ARGB32_Premultiplied);
    m_overlay.fill(m_editor->overlayColor(m_editor->layer()));
    m_overlay.setAlphaChannel(mask);
    m_overlayDirty = false;
}

}  // namespace ms
