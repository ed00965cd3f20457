#include "ui/training/GapPreviewView.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

namespace ms {
namespace {

constexpr int kCaption = 16;  // caption height above each grid
constexpr int kGap = 14;      // between the two grids

const QColor kMissing(142, 27, 27);
const QColor kObserved(236, 240, 241);

}  // namespace

GapPreviewView::GapPreviewView(QWidget* parent) : QWidget(parent) {
    setMouseTracking(true);
    setMinimumHeight(90);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void GapPreviewView::setPreview(const api::GapPreview& preview) {
    m_preview = preview;
    updateGeometry();
    update();
}

QSize GapPreviewView::sizeHint() const {
    const int rows = static_cast<int>(std::max(m_preview.dataRows(), m_preview.priorRows()));
    return {360, kCaption + 8 * std::max(rows, 4) + 4};
}

QRect GapPreviewView::gridRect(bool prior) const {
    const bool two = m_preview.priorRows() > 0;
    const int width = two ? (this->width() - kGap) / 2 : this->width();
    return {prior ? width + kGap : 0, kCaption, width, height() - kCaption};
}

void GapPreviewView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    const auto entries = static_cast<int>(m_preview.entries.size());
    if (entries == 0) return;
    const auto drawGrid = [&](const std::vector<uint8_t>& masks, bool prior, const QString& caption) {
        const QRect area = gridRect(prior);
        const int rows = static_cast<int>(masks.size()) / entries;
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRect(area.left(), 0, area.width(), kCaption), Qt::AlignLeft | Qt::AlignVCenter, caption);
        if (rows == 0) return;
        const double cw = static_cast<double>(area.width()) / entries, ch = std::min(10.0, static_cast<double>(area.height()) / rows);
        for (int r = 0; r < rows; ++r)
            for (int e = 0; e < entries; ++e) {
                const QRectF cell(area.left() + e * cw, area.top() + r * ch, cw - 1.0, ch - 1.0);
                painter.fillRect(cell, masks[static_cast<std::size_t>(r * entries + e)] ? kObserved : kMissing);
            }
    };
    drawGrid(m_preview.dataMasks, false, tr("%n row(s) of the data with gaps", nullptr, static_cast<int>(m_preview.dataRows())));
    if (m_preview.priorRows() > 0)
        drawGrid(m_preview.priorMasks, true, tr("%n draw(s) of the learnt prior", nullptr, static_cast<int>(m_preview.priorRows())));
}

QString GapPreviewView::entryAt(const QPoint& pos) const {
    const auto entries = static_cast<int>(m_preview.entries.size());
    for (const bool prior : {false, true}) {
        const QRect area = gridRect(prior);
        if (entries == 0 || !area.contains(pos) || (prior && m_preview.priorRows() == 0)) continue;
        const int e = std::clamp((pos.x() - area.left()) * entries / std::max(1, area.width()), 0, entries - 1);
        return QString::fromStdString(m_preview.entries[static_cast<std::size_t>(e)]);
    }
    return {};
}

bool GapPreviewView::event(QEvent* e) {
    if (e->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(e);
        const QString name = entryAt(help->pos());
        if (name.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), tr("%1 (dark: missing)").arg(name), this);
        return true;
    }
    return QWidget::event(e);
}

}  // namespace ms
