#include "ui/window/PinEntryDialog.h"

#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

namespace ms {

namespace {
QDoubleSpinBox* coordinateBox(double value, const QString& unit, QWidget* parent) {
    auto* box = new QDoubleSpinBox(parent);
    box->setRange(-1e7, 1e7);
    box->setDecimals(2);
    box->setSuffix(QLatin1Char(' ') + unit);
    box->setValue(std::isfinite(value) ? value : 0.0);
    box->setMinimumWidth(140);
    return box;
}
}  // namespace

PinEntryDialog::PinEntryDialog(const QString& keypoint, Point2 at, bool pinned, const QString& unit, QWidget* parent)
    : QDialog(parent) {
    setWindowTitle(tr("Pin %1").arg(keypoint));
    auto* layout = new QVBoxLayout(this);
    auto* note = new QLabel(pinned ? tr("<b>%1</b> is pinned here. Type new coordinates, or release it.").arg(keypoint)
                                   : tr("Pin <b>%1</b> at these coordinates; the rest of the design follows.").arg(keypoint),
                            this);
    note->setWordWrap(true);
    layout->addWidget(note);
    auto* form = new QFormLayout;
    m_x = coordinateBox(at.x, unit, this);
    m_y = coordinateBox(at.y, unit, this);
    form->addRow(tr("&x"), m_x);
    form->addRow(tr("&y"), m_y);
    layout->addLayout(form);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton* pin = buttons->addButton(tr("&Pin"), QDialogButtonBox::AcceptRole);
    pin->setDefault(true);
    connect(pin, &QPushButton::clicked, this, [this] {
        m_choice = Choice::Pin;
        accept();
    });
    if (pinned) {
        m_release = buttons->addButton(tr("&Release pin"), QDialogButtonBox::DestructiveRole);
        connect(m_release, &QPushButton::clicked, this, [this] {
            m_choice = Choice::Release;
            accept();
        });
    }
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

void PinEntryDialog::showEvent(QShowEvent* event) {
    QDialog::showEvent(event);
    m_x->setFocus(Qt::OtherFocusReason);
    m_x->selectAll();
}

Point2 PinEntryDialog::position() const {
    return {m_x->value(), m_y->value()};
}

}  // namespace ms
