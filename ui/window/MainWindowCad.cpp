// MainWindow's aids for CAD work: a grid that dragged keypoints snap to, the unit the design's
// numbers are in (the canvas's scale bar and the DXF header), and a pin typed in numbers (a
// double-clicked handle).
#include <QAction>
#include <QActionGroup>
#include <QMenu>
#include <QStatusBar>

#include "ui/canvas/DesignCanvas.h"
#include "ui/canvas/MeasuringAids.h"
#include "ui/window/MainWindow.h"
#include "ui/window/PinEntryDialog.h"

namespace ms {

namespace {
constexpr double kGridSteps[] = {1.0, 5.0, 10.0, 25.0, 50.0, 100.0};
constexpr const char* kUnits[] = {"mm", "cm", "m", "in"};
}  // namespace

void MainWindow::buildCadMenu(QMenu* view) {
    m_snapAction = view->addAction(tr("Snap to &grid"), this, [this](bool on) {
        m_settings.snapToGrid = on;
        applyCadSettings();
        saveSettings();
    });
    m_snapAction->setCheckable(true);
    m_snapAction->setShortcut(QKeySequence(Qt::Key_G));
    m_snapAction->setToolTip(tr("Dragged keypoints land on the grid (drawn while snapping is on)"));
    QMenu* steps = view->addMenu(tr("Grid &step"));
    m_gridStepGroup = new QActionGroup(this);
    for (const double step : kGridSteps) {
        QAction* a = steps->addAction(QString::number(step));
        a->setCheckable(true);
        a->setData(step);
        m_gridStepGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, step] {
            m_settings.gridStep = step;
            m_settings.snapToGrid = true;  // choosing a step means snapping to it
            applyCadSettings();
            saveSettings();
        });
    }
    QMenu* units = view->addMenu(tr("Design &units"));
    units->setToolTip(tr("What the design's numbers are in: the scale bar's unit and the unit a DXF export declares"));
    m_unitGroup = new QActionGroup(this);
    for (const char* symbol : kUnits) {
        const QString unit = QString::fromLatin1(symbol);
        QAction* a = units->addAction(unit);
        a->setCheckable(true);
        a->setData(unit);
        m_unitGroup->addAction(a);
        connect(a, &QAction::triggered, this, [this, unit] {
            m_settings.designUnit = unit;
            applyCadSettings();
            saveSettings();
        });
    }
}

void MainWindow::applyCadSettings() {
    QString unit = m_settings.designUnit;
    try {
        unit = QString::fromStdString(lengthUnitSymbol(parseLengthUnit(unit.toStdString())));
    } catch (const std::invalid_argument&) {
        unit = QStringLiteral("mm");  // a settings file edited by hand
    }
    m_settings.designUnit = unit;
    if (!(m_settings.gridStep > 0.0)) m_settings.gridStep = 10.0;
    m_canvas->setGrid(m_settings.gridStep, m_settings.snapToGrid);
    m_canvas->setUnit(unit);
    m_snapAction->setChecked(m_settings.snapToGrid);
    for (QAction* a : m_gridStepGroup->actions()) {
        a->setChecked(a->data().toDouble() == m_settings.gridStep);
        a->setText(lengthLabel(a->data().toDouble(), unit));
    }
    for (QAction* a : m_unitGroup->actions()) a->setChecked(a->data().toString() == unit);
}

LengthUnit MainWindow::designUnit() const {
    return parseLengthUnit(m_settings.designUnit.toStdString());
}

void MainWindow::editKeypoint(int keypoint) {
    if (!m_model || keypoint < 0 || keypoint >= static_cast<int>(m_canvas->keypoints().size()) ||
        keypoint >= static_cast<int>(m_model->schema.keypoints.size()))
        return;
    if (!pinningAvailable()) return;
    const QString name = QString::fromStdString(m_model->schema.keypoints[static_cast<std::size_t>(keypoint)].name);
    auto* dialog = new PinEntryDialog(name, m_canvas->keypoints()[static_cast<std::size_t>(keypoint)].mean, m_pins.pinned(keypoint),
                                      m_settings.designUnit, this);
    dialog->setObjectName(QStringLiteral("pinEntryDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::finished, this, [this, dialog, keypoint] {
        switch (dialog->choice()) {
        case PinEntryDialog::Choice::Pin: pinKeypoint(keypoint, dialog->position().x, dialog->position().y); break;
        case PinEntryDialog::Choice::Release: unpinKeypoint(keypoint); break;
        case PinEntryDialog::Choice::Cancel: break;
        }
    });
    dialog->open();
}

}  // namespace ms
