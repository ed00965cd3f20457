#pragma once
// The inpainting mask editor: a base image (generated or opened, any size) scaled to fit with
// its aspect ratio, the mask over it as a translucent red overlay, painted with the mouse in
// image pixel coordinates (brush or eraser, size, hardness, a brush-outline cursor), and a tool
// row: Brush, Eraser, Size, Hardness, Invert, Clear, Grow, Shrink, Feather (by "Amount" px),
// Undo, Redo, Load mask…, Save mask…, Live, Show overlay. Keys: Ctrl+Z / Ctrl+Shift+Z, B / E,
// [ / ] (size). maskEdited fires after every completed step (stroke end, invert, undo, ...),
// liveRegenerateRequested additionally while Live is on.
// Two layers share the tools: the inpainting region (red) and, for image models that follow
// target shapes, the Target shape (blue: where the design should go); a Layer choice switches
// which one the tools edit, each with its own undo history. Edits of the target shape send
// targetShapeEdited instead of maskEdited.
#include <QColor>
#include <QImage>
#include <QPointF>
#include <QString>
#include <QWidget>

#include "ui/image/MaskDocument.h"

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QSpinBox;
class QToolButton;

namespace ms {

class MaskCanvas;

enum class MaskLayer { Inpaint = 0, TargetShape = 1 };

class MaskEditor : public QWidget {
    Q_OBJECT
public:
    // Embedded in a window that routes Ctrl+Z / Ctrl+Shift+Z itself (e.g. through a QUndoGroup):
    // drop the editor's own undo/redo key bindings so the two do not make the keys ambiguous.
    // The undo/redo buttons stay.
    void setUndoShortcutsEnabled(bool enabled);
    // Starts with an empty 512 x 512 mask and no base image.
    explicit MaskEditor(QWidget* parent = nullptr);

    MaskDocument* document() const { return m_document; }  // the layer being edited
    MaskDocument* document(MaskLayer layer) const { return m_documents[static_cast<int>(layer)]; }
    MaskLayer layer() const { return m_document == m_documents[0] ? MaskLayer::Inpaint : MaskLayer::TargetShape; }
    void setLayer(MaskLayer layer);
    // Shows the Layer choice (an image model that follows target shapes is open); hiding it
    // goes back to the inpainting layer.
    void setTargetShapeAvailable(bool available);

    // The image under the mask. A size other than the mask's starts a new empty mask of that
    // size (and a new history, without maskEdited); a null image keeps the mask.
    void setBaseImage(const QImage& image);
    const QImage& baseImage() const { return m_baseImage; }
    // A picture drawn over the base image, stretched to it, under the masks (e.g. where a model's
    // attention lies, as a translucent heat map); null: none.
    void setHeatOverlay(const QImage& overlay);
    const QImage& heatOverlay() const { return m_heatOverlay; }

    MaskTool tool() const;
    void setTool(MaskTool tool);
    int brushSize() const;  // image pixels across
    void setBrushSize(int pixels);
    double hardness() const;  // 0 (soft) .. 1 (hard)
    void setHardness(double hardness);
    int amount() const;  // pixels for Grow, Shrink and Feather
    void setAmount(int pixels);
    bool isLive() const;
    void setLive(bool live);
    bool isOverlayShown() const;
    void setOverlayShown(bool shown);
    // How a layer's mask is shown over the image (the overlay button's menu): its colour (the
    // inpaint region red, the target shape blue at first) and one opacity for both.
    QColor overlayColor(MaskLayer layer) const { return m_overlayColors[static_cast<int>(layer)]; }
    void setOverlayColor(MaskLayer layer, const QColor& color);
    double overlayOpacity() const { return m_overlayOpacity; }
    void setOverlayOpacity(double opacity);  // clamped to 0.1 .. 1
    // The view of the image: 1 = fitted; wheel zooms at the cursor, middle button pans.
    double zoom() const;
    void fitView();

    // Without dialogs (the Load mask… / Save mask… buttons ask for the path, then call these);
    // the outcome is shown in the status label and sent as statusMessage.
    MaskFileResult loadMask(const QString& path);
    MaskFileResult saveMask(const QString& path);

    // The painting surface and its mapping between image pixels and canvas coordinates.
    QWidget* canvas() const;
    QPointF imageToCanvas(QPointF imagePoint) const;
    QPointF canvasToImage(QPointF canvasPoint) const;

public Q_SLOTS:
    void chooseAndLoadMask();
    void chooseAndSaveMask();

Q_SIGNALS:
    void maskEdited(const QImage& mask);
    void targetShapeEdited(const QImage& mask);
    void layerChanged(ms::MaskLayer layer);
    void liveRegenerateRequested(const QImage& mask);
    void statusMessage(const QString& message);

private:
    void buildToolRow();
    QToolButton* addButton(QAction* action, const QString& objectName);
    QAction* addShortcut(const QString& text, const QKeySequence& key, const QString& objectName);
    void onEdited(MaskDocument* document);
    void updateUndoActions();
    void showStatus(const QString& message, bool isError);
    void updateCoverage();

    MaskDocument* m_documents[2] = {nullptr, nullptr};  // MaskLayer order
    MaskDocument* m_document = nullptr;                  // the active one
    MaskCanvas* m_canvas = nullptr;
    QImage m_baseImage;
    QImage m_heatOverlay;
    QString m_lastFolder;

    QAction* m_brushAction = nullptr;
    QAction* m_eraserAction = nullptr;
    QAction* m_undoAction = nullptr;
    QAction* m_redoAction = nullptr;
    QSpinBox* m_sizeSpin = nullptr;
    QSlider* m_hardnessSlider = nullptr;
    QSpinBox* m_amountSpin = nullptr;
    QCheckBox* m_liveCheck = nullptr;
    QToolButton* m_overlayButton = nullptr;
    QLabel* m_statusLabel = nullptr;
    QLabel* m_coverageLabel = nullptr;
    QComboBox* m_layerCombo = nullptr;
    QLabel* m_layerLabel = nullptr;
    QToolButton* m_zoomButton = nullptr;
    QColor m_overlayColors[2] = {QColor(255, 0, 0), QColor(40, 110, 255)};  // MaskLayer order
    double m_overlayOpacity = 0.45;
};

}  // namespace ms
