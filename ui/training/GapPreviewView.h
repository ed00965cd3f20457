#pragma once
// The partition of a model learned from incomplete designs, before its denoiser trains: rows of
// the data with gaps (left) beside the learnt prior's draws (right), one column per keypoint or
// output, a dark cell where it is missing. Hover a column for its name. Draws that look like the
// data's rows mean the contexts hide what the data hides.
#include <QWidget>

#include "api/PartialTable.h"

namespace ms {

class GapPreviewView : public QWidget {
    Q_OBJECT
public:
    explicit GapPreviewView(QWidget* parent = nullptr);

    void setPreview(const api::GapPreview& preview);
    const api::GapPreview& preview() const { return m_preview; }

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;  // tooltips: the entry under the mouse

private:
    QRect gridRect(bool prior) const;
    QString entryAt(const QPoint& pos) const;

    api::GapPreview m_preview;
};

}  // namespace ms
