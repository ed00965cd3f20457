#pragma once
// A layout that puts its widgets in a row and wraps onto the next row when the row is full, like
// words in a paragraph: a tool bar that a narrow dock folds instead of forcing its width on the
// window (the Image dock's two tool rows needed about 730 px).
#include <QLayout>
#include <QList>

namespace ms {

class FlowLayout : public QLayout {
public:
    explicit FlowLayout(int spacing = -1);
    ~FlowLayout() override;

    void addItem(QLayoutItem* item) override;
    int count() const override { return static_cast<int>(m_items.size()); }
    QLayoutItem* itemAt(int index) const override;
    QLayoutItem* takeAt(int index) override;
    Qt::Orientations expandingDirections() const override { return {}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize minimumSize() const override;  // the widest item
    QSize sizeHint() const override;     // everything in one row
    void setGeometry(const QRect& rect) override;

private:
    int arrange(const QRect& rect, bool apply) const;  // returns the height used
    int gap() const;

    QList<QLayoutItem*> m_items;
    int m_spacing;
};

}  // namespace ms
