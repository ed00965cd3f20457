#pragma once
// Numeric entry of a keypoint pin (double-click a handle on the canvas): x and y in the design's
// unit, starting from where the keypoint is now. Pin (Enter) pins it exactly there, Release
// lets a pinned keypoint go, Cancel (Esc) changes nothing.
#include <QDialog>

#include "core/geometry/Drawing.h"

class QDoubleSpinBox;
class QPushButton;

namespace ms {

class PinEntryDialog : public QDialog {
    Q_OBJECT
public:
    enum class Choice { Pin, Release, Cancel };

    PinEntryDialog(const QString& keypoint, Point2 at, bool pinned, const QString& unit, QWidget* parent = nullptr);

    Choice choice() const { return m_choice; }
    Point2 position() const;
    QDoubleSpinBox* xBox() const { return m_x; }
    QDoubleSpinBox* yBox() const { return m_y; }
    QPushButton* releaseButton() const { return m_release; }  // null when the keypoint is free

protected:
    void showEvent(QShowEvent* event) override;  // x has the focus, its text selected: typing replaces it

private:
    QDoubleSpinBox* m_x;
    QDoubleSpinBox* m_y;
    QPushButton* m_release = nullptr;
    Choice m_choice = Choice::Cancel;
};

}  // namespace ms
