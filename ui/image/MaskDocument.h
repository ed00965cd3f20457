#pragma once
// An inpainting mask being edited: an 8-bit grayscale image (255 = region to re-generate,
// 0 = keep) with its undo history. Every operation (one whole brush stroke, invert, grow, a
// loaded file, ...) is one undoable step that stores the image before and after it, which is
// fine for masks up to about 1024 px a side. No widgets: MaskEditor is the view on it.
#include <QImage>
#include <QObject>
#include <QPointF>
#include <QSize>
#include <QString>
#include <QUndoStack>
#include <QVector>

namespace ms {

enum class MaskTool { Brush, Eraser };

// What load() and save() report: an error (nothing was changed) or, on success, an optional
// warning (e.g. the file was scaled to the document's size).
struct MaskFileResult {
    QString error;
    QString warning;
    bool ok() const { return error.isEmpty(); }
};

class MaskDocument : public QObject {
    Q_OBJECT
public:
    // An empty (all keep) mask of `size`; an empty size is allowed (nothing to paint on).
    explicit MaskDocument(QSize size = {}, QObject* parent = nullptr);

    const QImage& mask() const { return m_mask; }  // Format_Grayscale8
    QSize size() const { return m_mask.size(); }
    // A new empty mask of `size` when it differs from the current one; the undo history is
    // cleared (its images have the old size). Not undoable. No-op for the same size.
    void setSize(QSize size);
    double coverage() const;  // fraction of pixels > 127 (0 for an empty document)
    QUndoStack* undoStack() { return &m_undo; }

    // One brush stroke, painted while it goes (changed() each time) and committed as one undo
    // step by endStroke(). The brush is round, `sizePx` across; its strength falls off linearly
    // from full inside hardness * radius to nothing at the radius (hardness 1 = hard edge,
    // 0 = linear from the centre). Successive points are joined by the swept brush, so fast
    // drags leave no gaps. Brush: max(mask, value); eraser: min(mask, 255 - value).
    // Points are in image pixel coordinates: pixel (x, y) covers [x, x+1) x [y, y+1).
    void beginStroke(QPointF start, MaskTool tool, double sizePx, double hardness);
    void continueStroke(QPointF to);
    void endStroke();
    bool isStroking() const { return m_stroking; }
    // A whole stroke at once (begin at the first point, continue through the rest, end).
    void stroke(const QVector<QPointF>& points, MaskTool tool, double sizePx, double hardness);

    // Each is one undoable step (none is recorded when the mask does not change).
    void invert();
    void clear();                   // all 0
    void fill();                    // all 255
    void grow(int pixels);          // dilation by a (2n+1) x (2n+1) square
    void shrink(int pixels);        // erosion by a (2n+1) x (2n+1) square; outside the image is neutral
    void feather(double radiusPx);  // three box blurs, reaching about radiusPx from an edge

    // The whole mask replaced by `image` (any format, converted to grayscale, scaled to the
    // document's size; an empty document takes its size) as one undoable step.
    void replace(const QImage& image, const QString& description);

    // Any image format, converted to grayscale; another size is scaled to the document's (with
    // a warning), an empty document takes the file's size. An unreadable file changes nothing.
    MaskFileResult load(const QString& path);
    MaskFileResult save(const QString& path) const;  // 8-bit grayscale PNG

Q_SIGNALS:
    void changed();  // the pixels changed (also while a stroke is being painted)
    void edited();   // a completed step was applied, undone or redone

private:
    friend class MaskEditCommand;

    void applyStep(const QImage& before, const QImage& after, const QString& description);
    void restore(const QImage& image);  // from the undo stack: changed() + edited()
    void paintSegment(QPointF from, QPointF to);

    QImage m_mask;
    QUndoStack m_undo;
    bool m_stroking = false;
    QImage m_strokeBefore;
    QPointF m_strokeLast;
    MaskTool m_strokeTool = MaskTool::Brush;
    double m_strokeRadius = 0;
    double m_strokeHardness = 1;
};

}  // namespace ms
