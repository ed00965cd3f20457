// The studio window's pins (offscreen, real mouse and key events): dragging a keypoint pins it
// and the rest of the design follows in every completion, as one undo step; double-clicking a pin
// types its coordinates or releases it without moving the view; G snaps drags to the grid; the
// design's unit reaches the DXF header.
#include <QtTest/QtTest>

#include <QAction>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QUndoStack>

#include <cmath>

#include "ui/canvas/DesignCanvas.h"
#include "ui/panels/ConditionPanel.h"
#include "ui/window/MainWindow.h"
#include "ui/window/PinEntryDialog.h"
#include "MainWindowTestSupport.h"

using namespace ms;

using ms::testing::startOnBike;

class TestMainWindowPins : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    static int keypointIndex(const Schema& schema, const std::string& name) {
        for (std::size_t k = 0; k < schema.keypoints.size(); ++k)
            if (schema.keypoints[k].name == name) return static_cast<int>(k);
        return -1;
    }

    // The window at 1200 x 800 on the built-in bike, shown and drawn: the saddle top's keypoint
    // index (-1 when the window did not start or the schema has no saddle top).
    static int startOnBikeAtSaddle(MainWindow& w, QSignalSpy& shown) {
        w.resize(1200, 800);
        if (!startOnBike(w, shown, true)) return -1;
        return keypointIndex(w.currentModel()->schema, "saddle_top");
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
    }

    void draggingAKeypointPinsItAndTheRestFollows() {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::designsShown);
        const int saddle = startOnBikeAtSaddle(w, shown);
        QVERIFY(saddle >= 0);
        DesignCanvas* canvas = w.canvas();
        QCOMPARE(canvas->keypoints().size(), w.currentModel()->schema.keypoints.size());
        const std::vector<double> before = w.lastOutput()->designs[0];

        QUndoStack* undo = w.conditionPanel()->undoStack();
        const int steps = undo->count();
        const QPoint from = canvas->keypointHandlePosition(saddle).toPoint(), to = from + QPoint(-25, -30);
        QTest::mousePress(canvas, Qt::LeftButton, {}, from);
        QTest::mouseMove(canvas, from + QPoint(-10, -12));
        QTest::mouseMove(canvas, to);
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, to);
        QCOMPARE(w.pinnedKeypointCount(), 1);
        const double pinX = w.pins()[2 * static_cast<std::size_t>(saddle)], pinY = w.pins()[2 * static_cast<std::size_t>(saddle) + 1];
        QVERIFY(pinX < before[2 * static_cast<std::size_t>(saddle)] && pinY > before[2 * static_cast<std::size_t>(saddle) + 1]);
        QTRY_VERIFY_WITH_TIMEOUT(w.lastOutput()->pinned && w.lastOutput()->designs[0][2 * static_cast<std::size_t>(saddle)] == pinX, 20000);
        const GenerationOutput& out = *w.lastOutput();
        for (const auto& design : out.designs) {  // the pin is kept exactly in every completion
            QCOMPARE(design[2 * static_cast<std::size_t>(saddle)], pinX);
            QCOMPARE(design[2 * static_cast<std::size_t>(saddle) + 1], pinY);
        }
        QCOMPARE(out.spread[static_cast<std::size_t>(saddle)].varX, 0.0);
        double freeSpread = 0.0;  // the free keypoints are shaded by their spread over the samples
        for (std::size_t k = 0; k < out.spread.size(); ++k) freeSpread += out.spread[k].varX + out.spread[k].varY;
        QVERIFY(freeSpread > 0.0);
        QCOMPARE(canvas->keypoints()[static_cast<std::size_t>(saddle)].mean.x, pinX);  // the handle sits on the pin
        QCOMPARE(canvas->keypoints()[static_cast<std::size_t>(saddle)].mean.y, pinY);

        // The whole drag is one step of the design's undo history: undo lets go, redo pins again.
        QCOMPARE(undo->count(), steps + 1);
        undo->undo();
        QCOMPARE(w.pinnedKeypointCount(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!w.lastOutput()->pinned, 20000);
        QCOMPARE(w.lastOutput()->designs[0], before);
        undo->redo();
        QCOMPARE(w.pins()[2 * static_cast<std::size_t>(saddle)], pinX);
        QTRY_VERIFY_WITH_TIMEOUT(w.lastOutput()->pinned && w.lastOutput()->designs[0][2 * static_cast<std::size_t>(saddle)] == pinX, 20000);

        // Double-clicking the pin asks for its coordinates; Release pin lets it go (another step):
        // the mcVAE draws the design again, and the view stays where it is (no refit: the design
        // does not jump from the cursor).
        const QPointF origin = canvas->designToWidget({0.0, 0.0}), unit = canvas->designToWidget({100.0, 100.0});
        QTest::mouseDClick(canvas, Qt::LeftButton, {}, canvas->keypointHandlePosition(saddle).toPoint());
        auto* entry = w.findChild<PinEntryDialog*>(QStringLiteral("pinEntryDialog"));
        QVERIFY(entry != nullptr);
        QVERIFY(entry->releaseButton() != nullptr);
        QCOMPARE(entry->xBox()->value(), std::round(pinX * 100.0) / 100.0);  // where the pin is
        QTest::mouseClick(entry->releaseButton(), Qt::LeftButton);
        QCOMPARE(w.pinnedKeypointCount(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!w.lastOutput()->pinned, 20000);
        QCOMPARE(w.lastOutput()->designs[0], before);
        QCOMPARE(canvas->designToWidget({0.0, 0.0}), origin);
        QCOMPARE(canvas->designToWidget({100.0, 100.0}), unit);
        QCOMPARE(undo->count(), steps + 2);
        undo->undo();
        QCOMPARE(w.pinnedKeypointCount(), 1);
    }

    // Issue 18 (CAD users): a pin typed in numbers, a grid that drags snap to, the design's unit
    // in the DXF header. All with real key and mouse events.
    void aPinCanBeTypedSnappedAndExportedInTheDesignsUnit() {
        MainWindow w;
        QSignalSpy shown(&w, &MainWindow::designsShown);
        const int saddle = startOnBikeAtSaddle(w, shown);
        QVERIFY(saddle >= 0);
        DesignCanvas* canvas = w.canvas();
        const std::size_t sx = 2 * static_cast<std::size_t>(saddle), sy = sx + 1;
        QUndoStack* undo = w.conditionPanel()->undoStack();
        const int steps = undo->count();

        // Double-click the free handle: a dialog at the keypoint's position, no Release button.
        QTest::mouseDClick(canvas, Qt::LeftButton, {}, canvas->keypointHandlePosition(saddle).toPoint());
        auto* entry = w.findChild<PinEntryDialog*>(QStringLiteral("pinEntryDialog"));
        QVERIFY(entry != nullptr);
        QVERIFY(entry->releaseButton() == nullptr);
        QVERIFY(std::abs(entry->xBox()->value() - canvas->keypoints()[static_cast<std::size_t>(saddle)].mean.x) < 0.01);
        QVERIFY(entry->xBox()->suffix().contains(QStringLiteral("mm")));
        // Type x, Tab, type y, Enter (the x field starts selected, so typing replaces it).
        QTRY_VERIFY(entry->xBox()->hasFocus() || QApplication::focusWidget() == nullptr);
        QTest::keyClicks(entry->xBox(), QStringLiteral("512.5"));
        QTest::keyClick(entry->xBox(), Qt::Key_Tab);
        entry->yBox()->selectAll();
        QTest::keyClicks(entry->yBox(), QStringLiteral("1040"));
        QTest::keyClick(entry->yBox(), Qt::Key_Return);
        QTRY_VERIFY(w.findChild<PinEntryDialog*>(QStringLiteral("pinEntryDialog")) == nullptr);  // closed and gone
        QCOMPARE(w.pinnedKeypointCount(), 1);
        QCOMPARE(w.pins()[sx], 512.5);
        QCOMPARE(w.pins()[sy], 1040.0);
        QCOMPARE(undo->count(), steps + 1);  // one undoable step
        QTRY_VERIFY_WITH_TIMEOUT(w.lastOutput()->pinned && w.lastOutput()->designs[0][sx] == 512.5, 20000);
        // Esc changes nothing.
        QTest::mouseDClick(canvas, Qt::LeftButton, {}, canvas->keypointHandlePosition(saddle).toPoint());
        entry = w.findChild<PinEntryDialog*>(QStringLiteral("pinEntryDialog"));
        QVERIFY(entry != nullptr);
        QTest::keyClicks(entry->xBox(), QStringLiteral("1"));
        QTest::keyClick(entry->xBox(), Qt::Key_Escape);
        QTRY_VERIFY(w.findChild<PinEntryDialog*>(QStringLiteral("pinEntryDialog")) == nullptr);
        QCOMPARE(w.pins()[sx], 512.5);
        QCOMPARE(undo->count(), steps + 1);
        undo->undo();
        QCOMPARE(w.pinnedKeypointCount(), 0);

        // G switches snapping on: a drag lands on the 10 mm grid. (Offscreen, no window manager
        // gives the window back its activation after the dialog; window shortcuts need it.)
        w.activateWindow();
        (void)QTest::qWaitForWindowActive(&w);
        canvas->setFocus();
        QTest::keyClick(&w, Qt::Key_G);
        QVERIFY(canvas->snapsToGrid());
        QCOMPARE(canvas->gridStep(), 10.0);
        const QPoint from = canvas->keypointHandlePosition(saddle).toPoint(), to = from + QPoint(-23, -31);
        QTest::mousePress(canvas, Qt::LeftButton, {}, from);
        QTest::mouseMove(canvas, from + QPoint(-9, -13));
        QTest::mouseMove(canvas, to);
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, to);
        QCOMPARE(w.pinnedKeypointCount(), 1);
        QCOMPARE(std::fmod(w.pins()[sx], 10.0), 0.0);
        QCOMPARE(std::fmod(w.pins()[sy], 10.0), 0.0);
        QVERIFY(QSettings().value(QStringLiteral("canvas/snapToGrid")).toBool());  // remembered
        QTest::keyClick(&w, Qt::Key_G);
        QVERIFY(!canvas->snapsToGrid());

        // Design units: inches → the scale bar's unit and the DXF header ($INSUNITS 1), numbers kept.
        QAction* inches = nullptr;
        for (QAction* a : w.findChildren<QAction*>())
            if (a->text() == QStringLiteral("in") && a->isCheckable()) inches = a;
        QVERIFY(inches != nullptr);
        inches->trigger();
        QCOMPARE(canvas->unit(), QStringLiteral("in"));
        QCOMPARE(w.designUnit(), LengthUnit::Inch);
        QTRY_VERIFY_WITH_TIMEOUT(w.lastOutput()->pinned, 20000);
        const QString dxf = m_dir.filePath("inches.dxf");
        QVERIFY(w.exportTo(dxf, ExportFormat::Dxf));
        QFile file(dxf);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(file.readAll().contains("$INSUNITS\n70\n1\n"));
        for (QAction* a : w.findChildren<QAction*>())
            if (a->text() == QStringLiteral("mm") && a->isCheckable()) a->trigger();  // later tests: millimetres
        QCOMPARE(canvas->unit(), QStringLiteral("mm"));
    }
};

QTEST_MAIN(TestMainWindowPins)
#include "TestMainWindowPins.moc"
