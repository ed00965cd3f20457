#include "ui/image/MaskDocument.h"

#include <QDir>
#include <QImageReader>
#include <QImageWriter>
#include <QUndoCommand>
#include <algorithm>
#include <cmath>
#include <vector>

namespace ms {

namespace {

QImage emptyMask(QSize size) {
    if (size.isEmpty()) return QImage(QSize(0, 0), QImage::Format_Grayscale8);
    QImage image(size, QImage::Format_Grayscale8);
    image.fill(0);
    return image;
}

// The brush strength (0..1) at distance `d` from the stroke's centre line.
double brushAlpha(double d, double radius, double hardness) {
    const double inner = hardness * radius;
    if (d <= inner) return 1.0;
    if (d >= radius) return 0.0;
    return (radius - d) / (radius - inner);
}

double distanceToSegment(QPointF p, QPointF a, QPointF b) {
    const QPointF ab = b - a;
    const double lengthSquared = QPointF::dotProduct(ab, ab);
    double t = 0;
    if (lengthSquared > 0) t = std::clamp(QPointF::dotProduct(p - a, ab) / lengthSquared, 0.0, 1.0);
    const QPointF nearest = a + t * ab;
    return std::hypot(p.x() - nearest.x(), p.y() - nearest.y());
}

// In place: line[i] = op(line[i - n .. i + n]), values outside the line counting as `neutral`.
// van Herk / Gil-Werman: block-wise prefix and suffix extremes, O(1) per value for any n.
template <typename Op>
void slidingExtreme(std::vector<uchar>& line, int n, uchar neutral, Op op) {
    const int width = 2 * n + 1;
    std::vector<uchar> padded(line.size() + 2 * static_cast<std::size_t>(n), neutral);
    std::copy(line.begin(), line.end(), padded.begin() + n);
    const int length = static_cast<int>(padded.size());
    std::vector<uchar> prefix(padded.size()), suffix(padded.size());
    for (int i = 0; i < length; ++i) prefix[i] = (i % width == 0) ? padded[i] : op(prefix[i - 1], padded[i]);
    for (int i = length - 1; i >= 0; --i)
        suffix[i] = (i == length - 1 || (i + 1) % width == 0) ? padded[i] : op(suffix[i + 1], padded[i]);
    for (std::size_t x = 0; x < line.size(); ++x) line[x] = op(suffix[x], prefix[x + 2 * n]);
}

// Rows, then columns: a (2n+1) x (2n+1) square window.
template <typename Op>
QImage squareFilter(const QImage& source, int n, uchar neutral, Op op) {
    QImage out = source.copy();
    const int w = out.width(), h = out.height();
    std::vector<uchar> line(static_cast<std::size_t>(w));
    for (int y = 0; y < h; ++y) {
        uchar* row = out.scanLine(y);
        std::copy(row, row + w, line.begin());
        slidingExtreme(line, n, neutral, op);
        std::copy(line.begin(), line.end(), row);
    }
    line.resize(static_cast<std::size_t>(h));
    for (int x = 0; x < w; ++x) {
        for (int y = 0; y < h; ++y) line[y] = out.scanLine(y)[x];
        slidingExtreme(line, n, neutral, op);
        for (int y = 0; y < h; ++y) out.scanLine(y)[x] = line[y];
    }
    return out;
}

// In place over `count` values `stride` apart: the mean over a window of 2k+1, edges repeated.
void boxBlurLine(float* data, int count, int stride, int k, std::vector<float>& scratch) {
    scratch.resize(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) scratch[i] = data[static_cast<std::ptrdiff_t>(i) * stride];
    auto at = [&](int i) { return scratch[std::clamp(i, 0, count - 1)]; };
    double sum = 0;
    for (int j = -k; j <= k; ++j) sum += at(j);
    const double width = 2.0 * k + 1.0;
    for (int i = 0; i < count; ++i) {
        data[static_cast<std::ptrdiff_t>(i) * stride] = static_cast<float>(sum / width);
        sum += at(i + k + 1) - at(i - k);
    }
}

}  // namespace

// One step of the mask's history: the whole image before and after.
class MaskEditCommand : public QUndoCommand {
public:
    MaskEditCommand(MaskDocument* document, QImage before, QImage after, const QString& text)
        : QUndoCommand(text), m_document(document), m_before(std::move(before)), m_after(std::move(after)) {}
    void undo() override { m_document->restore(m_before); }
    void redo() override { m_document->restore(m_after); }

private:
    MaskDocument* m_document;
    QImage m_before, m_after;
};

MaskDocument::MaskDocument(QSize size, QObject* parent) : QObject(parent), m_mask(emptyMask(size)) {}

void MaskDocument::setSize(QSize size) {
    if (size == m_mask.size() || (size.isEmpty() && m_mask.size().isEmpty())) return;
    m_stroking = false;
    m_undo.clear();
    m_mask = emptyMask(size);
    Q_EMIT changed();
}

double MaskDocument::coverage() const {
    if (m_mask.isNull() || m_mask.size().isEmpty()) return 0.0;
    qint64 set = 0;
    for (int y = 0; y < m_mask.height(); ++y) {
        const uchar* row = m_mask.constScanLine(y);
        set += std::count_if(row, row + m_mask.width(), [](uchar v) { return v > 127; });
    }
    return static_cast<double>(set) / (static_cast<double>(m_mask.width()) * m_mask.height());
}

void MaskDocument::restore(const QImage& image) {
    m_stroking = false;  // an undo in the middle of a stroke abandons the stroke
    m_mask = image;
    Q_EMIT changed();
    Q_EMIT edited();
}

void MaskDocument::applyStep(const QImage& before, const QImage& after, const QString& description) {
    if (after == before) return;
    m_undo.push(new MaskEditCommand(this, before, after, description));  // redo() applies it
}

void MaskDocument::beginStroke(QPointF start, MaskTool tool, double sizePx, double hardness) {
    if (m_stroking) endStroke();
    m_stroking = true;
    m_strokeBefore = m_mask.copy();
    m_strokeTool = tool;
    m_strokeRadius = std::max(0.5, sizePx / 2.0);
    m_strokeHardness = std::clamp(hardness, 0.0, 1.0);
    m_strokeLast = start;
    paintSegment(start, start);
}

void MaskDocument::continueStroke(QPointF to) {
    if (!m_stroking) return;
    paintSegment(m_strokeLast, to);
    m_strokeLast = to;
}

void MaskDocument::endStroke() {
    if (!m_stroking) return;
    m_stroking = false;
    const QImage before = m_strokeBefore;
    m_strokeBefore = QImage();
    applyStep(before, m_mask, m_strokeTool == MaskTool::Brush ? tr("Brush stroke") : tr("Eraser stroke"));
}

void MaskDocument::stroke(const QVector<QPointF>& points, MaskTool tool, double sizePx, double hardness) {
    if (points.isEmpty()) return;
    beginStroke(points.front(), tool, sizePx, hardness);
    for (int i = 1; i < points.size(); ++i) continueStroke(points[i]);
    endStroke();
}

void MaskDocument::paintSegment(QPointF from, QPointF to) {
    if (m_mask.size().isEmpty()) return;
    const double r = m_strokeRadius;
    const int x0 = std::max(0, static_cast<int>(std::floor(std::min(from.x(), to.x()) - r)));
    const int y0 = std::max(0, static_cast<int>(std::floor(std::min(from.y(), to.y()) - r)));
    const int x1 = std::min(m_mask.width() - 1, static_cast<int>(std::ceil(std::max(from.x(), to.x()) + r)));
    const int y1 = std::min(m_mask.height() - 1, static_cast<int>(std::ceil(std::max(from.y(), to.y()) + r)));
    bool touched = false;
    for (int y = y0; y <= y1; ++y) {
        uchar* row = m_mask.scanLine(y);
        for (int x = x0; x <= x1; ++x) {
            const double d = distanceToSegment(QPointF(x + 0.5, y + 0.5), from, to);
            const int value = static_cast<int>(std::lround(255.0 * brushAlpha(d, r, m_strokeHardness)));
            if (value == 0) continue;
            const uchar next = m_strokeTool == MaskTool::Brush ? static_cast<uchar>(std::max<int>(row[x], value))
                                                               : static_cast<uchar>(std::min<int>(row[x], 255 - value));
            if (next != row[x]) {
                row[x] = next;
                touched = true;
            }
        }
    }
    if (touched) Q_EMIT changed();
}

void MaskDocument::invert() {
    QImage after = m_mask.copy();
    for (int y = 0; y < after.height(); ++y) {
        uchar* row = after.scanLine(y);
        for (int x = 0; x < after.width(); ++x) row[x] = static_cast<uchar>(255 - row[x]);
    }
    applyStep(m_mask, after, tr("Invert mask"));
}

void MaskDocument::clear() {
    QImage after = m_mask.copy();
    after.fill(0);
    applyStep(m_mask, after, tr("Clear mask"));
}

void MaskDocument::fill() {
    QImage after = m_mask.copy();
    after.fill(255);
    applyStep(m_mask, after, tr("Fill mask"));
}

void MaskDocument::grow(int pixels) {
    if (pixels <= 0 || m_mask.size().isEmpty()) return;
    auto larger = [](uchar a, uchar b) { return std::max(a, b); };
    applyStep(m_mask, squareFilter(m_mask, pixels, 0, larger), tr("Grow mask by %1 px").arg(pixels));
}

void MaskDocument::shrink(int pixels) {
    if (pixels <= 0 || m_mask.size().isEmpty()) return;
    auto smaller = [](uchar a, uchar b) { return std::min(a, b); };
    applyStep(m_mask, squareFilter(m_mask, pixels, 255, smaller), tr("Shrink mask by %1 px").arg(pixels));
}

void MaskDocument::feather(double radiusPx) {
    if (!(radiusPx > 0) || m_mask.size().isEmpty()) return;
    const int w = m_mask.width(), h = m_mask.height();
    const int k = std::max(1, static_cast<int>(std::lround(radiusPx / 3.0)));  // 3 passes reach 3k
    std::vector<float> values(static_cast<std::size_t>(w) * h);
    for (int y = 0; y < h; ++y) std::copy(m_mask.constScanLine(y), m_mask.constScanLine(y) + w, values.begin() + y * w);
    std::vector<float> scratch;
    for (int pass = 0; pass < 3; ++pass) {
        for (int y = 0; y < h; ++y) boxBlurLine(values.data() + static_cast<std::ptrdiff_t>(y) * w, w, 1, k, scratch);
        for (int x = 0; x < w; ++x) boxBlurLine(values.data() + x, h, w, k, scratch);
    }
    QImage after = m_mask.copy();
    for (int y = 0; y < h; ++y) {
        uchar* row = after.scanLine(y);
        for (int x = 0; x < w; ++x)
            row[x] =
                static_cast<uchar>(std::clamp<long>(std::lround(values[static_cast<std::size_t>(y) * w + x]), 0, 255));
    }
    applyStep(m_mask, after, tr("Feather mask by %1 px").arg(radiusPx));
}

MaskFileResult MaskDocument::load(const QString& path) {
    MaskFileResult result;
    const QString name = QDir::toNativeSeparators(path);
    QImageReader reader(path);
    QImage image;
    if (!reader.read(&image) || image.isNull()) {
        result.error = tr("Cannot read the mask file \"%1\": %2").arg(name, reader.errorString());
        return result;
    }
    image = image.convertToFormat(QImage::Format_Grayscale8);
    if (!m_mask.size().isEmpty() && image.size() != m_mask.size()) {
        result.warning = tr("The mask file \"%1\" is %2 x %3 px, the image is %4 x %5 px: the mask was scaled to fit.")
                             .arg(name)
                             .arg(image.width())
                             .arg(image.height())
                             .arg(m_mask.width())
                             .arg(m_mask.height());
    }
    replace(image, tr("Load mask"));
    return result;
}

void MaskDocument::replace(const QImage& image, const QString& description) {
    QImage next = image.convertToFormat(QImage::Format_Grayscale8);
    if (!m_mask.size().isEmpty() && next.size() != m_mask.size())
        next = next.scaled(m_mask.size(), Qt::IgnoreAspectRatio, Qt::SmoothTransformation).convertToFormat(QImage::Format_Grayscale8);
    m_stroking = false;
    applyStep(m_mask, next, description);
}

MaskFileResult MaskDocument::save(const QString& path) const {
    MaskFileResult result;
    QImageWriter writer(path, "png");
    if (!writer.write(m_mask.convertToFormat(QImage::Format_Grayscale8)))
        result.error =
            tr("Cannot save the mask file \"%1\": %2").arg(QDir::toNativeSeparators(path), writer.errorString());
    return result;
}

}  // namespace ms
