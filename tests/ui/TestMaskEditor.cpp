// The inpainting mask: brush and eraser strokes paint the right pixels (hard disc, soft falloff,
// no gaps on fast drags), the whole-mask operations (invert, grow, shrink, feather) do what they
// say, every step undoes and redoes exactly, PNG files round-trip and bad files change nothing;
// the editor paints with the mouse in image coordinates and reports every completed edit.
#include <QCheckBox>
#include <QFile>
#include <QImageReader>
#include <QMenu>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest/QtTest>
#include <cmath>

#include "ui/image/MaskDocument.h"
#include "ui/image/MaskEditor.h"

using namespace ms;

namespace {
int valueAt(const QImage& mask, int x, int y) { return mask.constScanLine(y)[x]; }

int countAtLeast(const QImage& mask, int threshold) {
    int n = 0;
    for (int y = 0; y < mask.height(); ++y)
        for (int x = 0; x < mask.width(); ++x)
            if (valueAt(mask, x, y) >= threshold) ++n;
    return n;
}

bool pixelCentreWithin(int x, int y, QPointF centre, double radius) {
    const double dx = x + 0.5 - centre.x(), dy = y + 0.5 - centre.y();
    return dx * dx + dy * dy <= radius * radius;
}

// The editor on screen over a plain base image of `image` pixels.
bool showOver(MaskEditor& editor, QSize image, Qt::GlobalColor fill, QSize window) {
    QImage base(image, QImage::Format_RGB32);
    base.fill(fill);
    editor.setBaseImage(base);
    editor.resize(window);
    editor.show();
    return QTest::qWaitForWindowExposed(&editor);
}

// A mask with soft and hard strokes, i.e. with intermediate values too.
void paintSomething(MaskDocument& doc) {
    doc.stroke({{20, 20}, {60, 35}, {70, 70}}, MaskTool::Brush, 12, 0.2);
    doc.stroke({{80, 10}}, MaskTool::Brush, 16, 1.0);
}
}  // namespace

class TestMaskEditor : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void hardBrushPaintsExactlyTheDisc() {
        MaskDocument doc(QSize(100, 100));
        const QPointF centre(50, 50);
        doc.stroke({centre}, MaskTool::Brush, 10, 1.0);
        const QImage& mask = doc.mask();
        QCOMPARE(mask.format(), QImage::Format_Grayscale8);
        int disc = 0;
        for (int y = 0; y < 100; ++y)
            for (int x = 0; x < 100; ++x) {
                const bool inside = pixelCentreWithin(x, y, centre, 5.0);
                disc += inside;
                QCOMPARE(valueAt(mask, x, y), inside ? 255 : 0);
            }
        QCOMPARE(countAtLeast(mask, 1), disc);
        QVERIFY(disc > 70 && disc < 90);       // about pi * 5^2
        QCOMPARE(valueAt(mask, 50, 45), 255);  // centre distance 4.53
        QCOMPARE(valueAt(mask, 50, 44), 0);    // centre distance 5.52
        QCOMPARE(doc.coverage(), disc / 10000.0);
    }

    void softBrushFallsOffFromTheCentre() {
        MaskDocument doc(QSize(100, 100));
        doc.stroke({QPointF(50.5, 50.5)}, MaskTool::Brush, 20, 0.0);
        const QImage& mask = doc.mask();
        QCOMPARE(valueAt(mask, 50, 50), 255);
        int intermediate = 0;
        for (int x = 51; x <= 60; ++x) {
            QVERIFY2(valueAt(mask, x, 50) < valueAt(mask, x - 1, 50), qPrintable(QString::number(x)));
            if (valueAt(mask, x, 50) > 0 && valueAt(mask, x, 50) < 255) ++intermediate;
        }
        QCOMPARE(intermediate, 9);
        QCOMPARE(valueAt(mask, 55, 50), 128);  // halfway out: half strength
        QCOMPARE(valueAt(mask, 60, 50), 0);    // at the radius
        QCOMPARE(valueAt(mask, 50, 40), 0);

        // The brush only raises values: a soft stroke over a full mask leaves it full.
        doc.fill();
        doc.stroke({QPointF(50.5, 50.5)}, MaskTool::Brush, 20, 0.0);
        QCOMPARE(countAtLeast(doc.mask(), 255), 100 * 100);
    }

    void fastDragLeavesNoGap() {
        MaskDocument doc(QSize(200, 100));
        doc.stroke({{10, 50}, {190, 50}, {190, 90}}, MaskTool::Brush, 4, 1.0);
        for (int x = 10; x < 190; ++x)
            for (int y = 49; y <= 50; ++y) QCOMPARE(valueAt(doc.mask(), x, y), 255);
        for (int y = 50; y < 90; ++y) QCOMPARE(valueAt(doc.mask(), 189, y), 255);
        QCOMPARE(valueAt(doc.mask(), 100, 45), 0);
        QCOMPARE(doc.undoStack()->count(), 1);  // one stroke, one step
    }

    void eraserClears() {
        MaskDocument doc(QSize(100, 100));
        doc.fill();
        doc.stroke({QPointF(50, 50)}, MaskTool::Eraser, 10, 1.0);
        for (int y = 0; y < 100; ++y)
            for (int x = 0; x < 100; ++x)
                QCOMPARE(valueAt(doc.mask(), x, y), pixelCentreWithin(x, y, {50, 50}, 5.0) ? 0 : 255);
        // A soft eraser leaves intermediate values, never raises any.
        doc.stroke({QPointF(20.5, 20.5)}, MaskTool::Eraser, 20, 0.0);
        QCOMPARE(valueAt(doc.mask(), 20, 20), 0);
        QCOMPARE(valueAt(doc.mask(), 25, 20), 255 - 128);
        QCOMPARE(valueAt(doc.mask(), 50, 50), 0);
        // Erasing an empty mask changes nothing and records no step.
        MaskDocument empty(QSize(50, 50));
        empty.stroke({{10, 10}, {40, 40}}, MaskTool::Eraser, 8, 0.5);
        QCOMPARE(countAtLeast(empty.mask(), 1), 0);
        QCOMPARE(empty.undoStack()->count(), 0);
    }

    void invertTwiceIsIdentity() {
        MaskDocument doc(QSize(100, 80));
        doc.invert();
        QCOMPARE(countAtLeast(doc.mask(), 255), 100 * 80);
        QCOMPARE(doc.coverage(), 1.0);
        doc.clear();
        QCOMPARE(doc.coverage(), 0.0);
        paintSomething(doc);
        const QImage before = doc.mask();
        doc.invert();
        QCOMPARE(valueAt(doc.mask(), 80, 10), 0);
        QCOMPARE(valueAt(doc.mask(), 5, 70), 255);
        doc.invert();
        QCOMPARE(doc.mask(), before);
    }

    void growAndShrinkASinglePixel() {
        MaskDocument doc(QSize(40, 40));
        doc.stroke({QPointF(20.5, 20.5)}, MaskTool::Brush, 1, 1.0);
        QCOMPARE(countAtLeast(doc.mask(), 1), 1);
        QCOMPARE(valueAt(doc.mask(), 20, 20), 255);
        const QImage single = doc.mask();
        doc.grow(2);
        for (int y = 0; y < 40; ++y)
            for (int x = 0; x < 40; ++x) {
                const bool inSquare = std::abs(x - 20) <= 2 && std::abs(y - 20) <= 2;
                QCOMPARE(valueAt(doc.mask(), x, y), inSquare ? 255 : 0);
            }
        doc.shrink(2);
        QCOMPARE(doc.mask(), single);

        // At the border: what lies outside neither grows nor eats the mask.
        MaskDocument corner(QSize(10, 10));
        corner.stroke({QPointF(0.5, 0.5)}, MaskTool::Brush, 1, 1.0);
        corner.grow(1);
        QCOMPARE(countAtLeast(corner.mask(), 255), 4);
        corner.fill();
        corner.shrink(3);
        QCOMPARE(countAtLeast(corner.mask(), 255), 100);
    }

    void featherSoftensTheEdgeOnly() {
        MaskDocument doc(QSize(200, 200));
        doc.stroke({QPointF(100, 100)}, MaskTool::Brush, 100, 1.0);  // disc of radius 50
        QCOMPARE(valueAt(doc.mask(), 149, 100), 255);
        QCOMPARE(valueAt(doc.mask(), 150, 100), 0);
        doc.feather(6);
        const QImage& mask = doc.mask();
        QCOMPARE(valueAt(mask, 100, 100), 255);
        QCOMPARE(valueAt(mask, 5, 5), 0);
        for (int x = 148; x <= 151; ++x) {
            const int v = valueAt(mask, x, 100);
            QVERIFY2(v > 0 && v < 255, qPrintable(QStringLiteral("x %1: %2").arg(x).arg(v)));
        }
        for (int x = 140; x < 160; ++x) QVERIFY(valueAt(mask, x + 1, 100) <= valueAt(mask, x, 100));
        // The soft band is about as wide as asked.
        QCOMPARE(valueAt(mask, 140, 100), 255);
        QCOMPARE(valueAt(mask, 160, 100), 0);
    }

    void undoAndRedoRestoreExactImages() {
        MaskDocument doc(QSize(100, 100));
        const QImage s0 = doc.mask();
        doc.stroke({{10, 10}, {30, 40}, {60, 20}, {90, 90}}, MaskTool::Brush, 9, 0.3);
        const QImage s1 = doc.mask();
        doc.stroke({{50, 0}, {50, 99}}, MaskTool::Eraser, 7, 0.7);
        const QImage s2 = doc.mask();
        doc.grow(3);
        const QImage s3 = doc.mask();
        QCOMPARE(doc.undoStack()->count(), 3);  // one per stroke, however many points
        QVERIFY(s0 != s1 && s1 != s2 && s2 != s3);

        QSignalSpy edited(&doc, &MaskDocument::edited);
        doc.undoStack()->undo();
        QCOMPARE(doc.mask(), s2);
        doc.undoStack()->undo();
        QCOMPARE(doc.mask(), s1);
        doc.undoStack()->undo();
        QCOMPARE(doc.mask(), s0);
        doc.undoStack()->redo();
        QCOMPARE(doc.mask(), s1);
        doc.undoStack()->redo();
        QCOMPARE(doc.mask(), s2);
        doc.undoStack()->redo();
        QCOMPARE(doc.mask(), s3);
        QCOMPARE(edited.count(), 6);

        // The widget-style stroke is one step too, however many moves it has.
        doc.beginStroke({5, 5}, MaskTool::Brush, 3, 1.0);
        for (int i = 1; i < 50; ++i) doc.continueStroke({5.0 + i, 5.0 + i});
        QVERIFY(doc.isStroking());
        doc.endStroke();
        QCOMPARE(doc.undoStack()->count(), 4);
        doc.undoStack()->undo();
        QCOMPARE(doc.mask(), s3);
    }

    void saveAndLoadRoundTripBitExactly() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        MaskDocument doc(QSize(120, 90));
        paintSomething(doc);
        doc.feather(3);
        const QString path = dir.filePath("mask.png");
        const MaskFileResult saved = doc.save(path);
        QVERIFY2(saved.ok(), qPrintable(saved.error));
        QImageReader reader(path);
        QCOMPARE(reader.imageFormat(), QImage::Format_Grayscale8);

        MaskDocument loaded(QSize(120, 90));
        const MaskFileResult result = loaded.load(path);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QVERIFY(result.warning.isEmpty());
        QCOMPARE(loaded.mask(), doc.mask());
        QCOMPARE(loaded.undoStack()->count(), 1);  // loading is an undoable step
        loaded.undoStack()->undo();
        QCOMPARE(countAtLeast(loaded.mask(), 1), 0);

        const MaskFileResult unwritable = doc.save(dir.filePath("no/such/folder/mask.png"));
        QVERIFY(!unwritable.ok());
        QVERIFY2(unwritable.error.contains("mask.png"), qPrintable(unwritable.error));
    }

    void badFilesNameTheFileAndChangeNothing() {
        QTemporaryDir dir;
        MaskDocument doc(QSize(60, 60));
        paintSomething(doc);
        const QImage before = doc.mask();
        const int steps = doc.undoStack()->count();

        const QString missing = dir.filePath("missing-mask.png");
        MaskFileResult result = doc.load(missing);
        QVERIFY(!result.ok());
        QVERIFY2(result.error.contains("missing-mask.png"), qPrintable(result.error));

        const QString garbage = dir.filePath("garbage-mask.png");
        QFile file(garbage);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("this is not a PNG at all \x01\x02\x03");
        file.close();
        result = doc.load(garbage);
        QVERIFY(!result.ok());
        QVERIFY2(result.error.contains("garbage-mask.png"), qPrintable(result.error));

        QCOMPARE(doc.mask(), before);
        QCOMPARE(doc.undoStack()->count(), steps);
    }

    void loadingAnotherSizeScalesAndSaysSo() {
        QTemporaryDir dir;
        // A colour image half the size: white left half, black right half.
        QImage small(50, 25, QImage::Format_RGB32);
        small.fill(Qt::black);
        for (int y = 0; y < 25; ++y)
            for (int x = 0; x < 25; ++x) small.setPixel(x, y, qRgb(255, 255, 255));
        const QString path = dir.filePath("small-mask.png");
        QVERIFY(small.save(path));

        MaskDocument doc(QSize(100, 50));
        const MaskFileResult result = doc.load(path);
        QVERIFY2(result.ok(), qPrintable(result.error));
        QVERIFY2(result.warning.contains("small-mask.png") && result.warning.contains("scaled"),
                 qPrintable(result.warning));
        QCOMPARE(doc.size(), QSize(100, 50));
        QCOMPARE(doc.mask().format(), QImage::Format_Grayscale8);
        QCOMPARE(valueAt(doc.mask(), 10, 25), 255);
        QCOMPARE(valueAt(doc.mask(), 90, 25), 0);
        QVERIFY(std::abs(doc.coverage() - 0.5) < 0.03);
    }

    void setSizeStartsANewMask() {
        MaskDocument doc(QSize(30, 30));
        paintSomething(doc);
        doc.setSize(QSize(30, 30));  // the same size keeps the mask
        QVERIFY(doc.coverage() > 0);
        doc.setSize(QSize(64, 48));
        QCOMPARE(doc.size(), QSize(64, 48));
        QCOMPARE(doc.coverage(), 0.0);
        QCOMPARE(doc.undoStack()->count(), 0);
    }

    void editorPaintsWithTheMouse() {
        MaskEditor editor;
        QImage base(200, 100, QImage::Format_RGB32);
        base.fill(Qt::white);
        editor.setBaseImage(base);
        QCOMPARE(editor.document()->size(), QSize(200, 100));
        editor.resize(900, 600);
        editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&editor));
        auto* canvas = editor.findChild<QWidget*>("maskCanvas");
        QVERIFY(canvas);
        QCOMPARE(canvas, editor.canvas());
        editor.setTool(MaskTool::Brush);
        editor.setBrushSize(10);
        editor.setHardness(1.0);
        QSignalSpy edited(&editor, &MaskEditor::maskEdited);
        QSignalSpy live(&editor, &MaskEditor::liveRegenerateRequested);

        const QPoint from = editor.imageToCanvas({40, 50}).toPoint();
        const QPoint to = editor.imageToCanvas({160, 50}).toPoint();
        QVERIFY(to.x() - from.x() > 200);  // fitted: the image is drawn larger than 1:1
        QTest::mousePress(canvas, Qt::LeftButton, {}, from);
        QTest::mouseMove(canvas, to);
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, to);

        const QPointF start = editor.canvasToImage(from), end = editor.canvasToImage(to);
        QVERIFY(std::abs(start.x() - 40) < 1 && std::abs(end.x() - 160) < 1);
        const QImage& mask = editor.document()->mask();
        QCOMPARE(valueAt(mask, int(start.x()), int(start.y())), 255);
        QCOMPARE(valueAt(mask, 100, 50), 255);  // along the drag
        QCOMPARE(valueAt(mask, int(end.x()), int(end.y())), 255);
        QCOMPARE(valueAt(mask, 100, 10), 0);
        QCOMPARE(valueAt(mask, 10, 50), 0);
        QCOMPARE(edited.count(), 1);
        QCOMPARE(edited.at(0).at(0).value<QImage>(), mask);
        QCOMPARE(live.count(), 0);
        QCOMPARE(editor.document()->undoStack()->count(), 1);

        // Live on: the same edit also asks for a regeneration.
        editor.findChild<QCheckBox*>("liveCheck")->click();
        QVERIFY(editor.isLive());
        editor.setTool(MaskTool::Eraser);
        QTest::mousePress(canvas, Qt::LeftButton, {}, from);
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, from);
        QCOMPARE(edited.count(), 2);
        QCOMPARE(live.count(), 1);
        QCOMPARE(valueAt(editor.document()->mask(), int(start.x()), int(start.y())), 0);
        QCOMPARE(live.at(0).at(0).value<QImage>(), editor.document()->mask());
    }

    // Issue 18: zoom and pan on the image (wheel at the cursor, middle-button drag, Home fits),
    // strokes still land on the image pixel under the cursor; the overlay's colour and opacity.
    void zoomPanAndOverlayColour() {
        MaskEditor editor;
        QVERIFY(showOver(editor, {64, 64}, Qt::white, {700, 600}));
        QWidget* canvas = editor.canvas();
        const QPointF fittedAt = editor.imageToCanvas({10, 10});
        const QPoint anchor = editor.imageToCanvas({20, 30}).toPoint();
        const QPointF underAnchor = editor.canvasToImage(anchor);
        QWheelEvent wheel(anchor, canvas->mapToGlobal(anchor), {}, QPoint(0, 240), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(canvas, &wheel);  // two notches in
        QVERIFY(std::abs(editor.zoom() - 1.5625) < 1e-9);
        QVERIFY(QLineF(editor.canvasToImage(anchor), underAnchor).length() < 0.05);  // the point under the cursor stays
        QCOMPARE(editor.findChild<QToolButton*>("zoomButton")->text(), QStringLiteral("156 %"));

        // A stroke at 156 %: the image pixel under the cursor is painted, its neighbours 3 px away are not.
        editor.setTool(MaskTool::Brush);
        editor.setBrushSize(3);
        editor.setHardness(1.0);
        const QPoint at = editor.imageToCanvas({40.5, 12.5}).toPoint();
        QTest::mousePress(canvas, Qt::LeftButton, {}, at);
        QTest::mouseRelease(canvas, Qt::LeftButton, {}, at);
        QCOMPARE(valueAt(editor.document()->mask(), 40, 12), 255);
        QCOMPARE(valueAt(editor.document()->mask(), 44, 12), 0);

        // Middle-button drag pans by the drag, paints nothing.
        const QPointF before = editor.imageToCanvas({10, 10});
        const int painted = countAtLeast(editor.document()->mask(), 1);
        QTest::mousePress(canvas, Qt::MiddleButton, {}, QPoint(300, 300));
        QMouseEvent move(QEvent::MouseMove, QPointF(340, 280), canvas->mapToGlobal(QPointF(340, 280)), Qt::NoButton, Qt::MiddleButton, Qt::NoModifier);
        QApplication::sendEvent(canvas, &move);
        QTest::mouseRelease(canvas, Qt::MiddleButton, {}, QPoint(340, 280));
        QVERIFY(QLineF(editor.imageToCanvas({10, 10}) - before, QPointF(40, -20)).length() < 0.01);
        QCOMPARE(countAtLeast(editor.document()->mask(), 1), painted);
        QCOMPARE(editor.document()->undoStack()->count(), 1);

        // Home fits again.
        canvas->setFocus();
        QTest::keyClick(canvas, Qt::Key_Home);
        QCOMPARE(editor.zoom(), 1.0);
        QVERIFY(QLineF(editor.imageToCanvas({10, 10}), fittedAt).length() < 0.01);

        // The overlay: the red region drawn at 45 %, then green at 100 % (menu actions).
        QEvent leave(QEvent::Leave);
        QApplication::sendEvent(canvas, &leave);  // no brush outline in the picture
        const auto overlayPixel = [&] { return canvas->grab().toImage().pixelColor(editor.imageToCanvas({40.5, 12.5}).toPoint()); };
        QColor c = overlayPixel();
        QVERIFY(c.red() > 240 && c.green() < 200 && c.green() > 100);  // red over white, translucent
        auto* menu = editor.findChild<QMenu*>("overlayMenu");
        QVERIFY(menu != nullptr);
        for (QAction* a : menu->actions()) {
            if (a->text() == QStringLiteral("Opacity 100 %")) a->trigger();
            if (a->text().startsWith(QStringLiteral("Green"))) a->trigger();
        }
        QCOMPARE(editor.overlayOpacity(), 1.0);
        QCOMPARE(editor.overlayColor(MaskLayer::Inpaint), QColor(0, 200, 80));
        QCOMPARE(editor.overlayColor(MaskLayer::TargetShape), QColor(40, 110, 255));  // the other layer keeps its own
        c = overlayPixel();
        QVERIFY(c.red() < 20 && c.green() > 180);
    }

    void toolRowAndShortcuts() {
        MaskEditor editor;
        QVERIFY(showOver(editor, {100, 100}, Qt::gray, {900, 600}));
        QSignalSpy edited(&editor, &MaskEditor::maskEdited);
        auto button = [&](const char* name) {
            auto* b = editor.findChild<QToolButton*>(name);
            if (!b) qFatal("no tool button %s", name);
            return b;
        };

        button("invertButton")->click();
        QCOMPARE(editor.document()->coverage(), 1.0);
        QCOMPARE(edited.count(), 1);
        button("clearButton")->click();
        QCOMPARE(editor.document()->coverage(), 0.0);
        editor.document()->stroke({QPointF(50.5, 50.5)}, MaskTool::Brush, 1, 1.0);
        QCOMPARE(edited.count(), 3);
        editor.findChild<QSpinBox*>("amountSpin")->setValue(2);
        button("growButton")->click();
        QCOMPARE(countAtLeast(editor.document()->mask(), 255), 25);
        button("shrinkButton")->click();
        QCOMPARE(countAtLeast(editor.document()->mask(), 255), 1);
        button("featherButton")->click();
        QVERIFY(valueAt(editor.document()->mask(), 50, 50) < 255);
        QCOMPARE(edited.count(), 6);
        QVERIFY(button("undoButton")->isEnabled());
        button("undoButton")->click();
        QCOMPARE(countAtLeast(editor.document()->mask(), 255), 1);
        QVERIFY(button("redoButton")->isEnabled());
        button("redoButton")->click();
        QVERIFY(valueAt(editor.document()->mask(), 50, 50) < 255);
        QCOMPARE(edited.count(), 8);  // undo and redo are edits too

        button("eraserButton")->click();
        QCOMPARE(editor.tool(), MaskTool::Eraser);
        button("brushButton")->click();
        QCOMPARE(editor.tool(), MaskTool::Brush);

        // The overlay tints the masked region red; hidden, the base image shows as it is.
        editor.document()->fill();
        const QPoint centre = editor.imageToCanvas({50, 50}).toPoint();
        QColor seen = editor.canvas()->grab().toImage().pixelColor(centre);
        QVERIFY2(seen.red() > seen.green() + 40, qPrintable(seen.name()));
        button("overlayButton")->click();
        QVERIFY(!editor.isOverlayShown());
        seen = editor.canvas()->grab().toImage().pixelColor(centre);
        QCOMPARE(seen, QColor(Qt::gray));

        // Keyboard, with the focus on the canvas.
        editor.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&editor));
        editor.canvas()->setFocus();
        QTest::keyClick(editor.canvas(), Qt::Key_E);
        QCOMPARE(editor.tool(), MaskTool::Eraser);
        QTest::keyClick(editor.canvas(), Qt::Key_B);
        QCOMPARE(editor.tool(), MaskTool::Brush);
        editor.setBrushSize(20);
        QTest::keyClick(editor.canvas(), Qt::Key_BracketRight);
        QCOMPARE(editor.brushSize(), 25);
        QTest::keyClick(editor.canvas(), Qt::Key_BracketLeft);
        QTest::keyClick(editor.canvas(), Qt::Key_BracketLeft);
        QCOMPARE(editor.brushSize(), 16);
        const QImage full = editor.document()->mask();
        QTest::keyClick(editor.canvas(), Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(editor.document()->mask() != full);
        QTest::keyClick(editor.canvas(), Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(editor.document()->mask(), full);
    }

    void editorFilesAndNewBaseImages() {
        QTemporaryDir dir;
        MaskEditor editor;
        QImage base(64, 32, QImage::Format_RGB32);
        base.fill(Qt::white);
        editor.setBaseImage(base);
        QSignalSpy messages(&editor, &MaskEditor::statusMessage);
        QSignalSpy edited(&editor, &MaskEditor::maskEdited);
        editor.document()->stroke({{10, 10}, {50, 20}}, MaskTool::Brush, 6, 0.5);
        const QImage painted = editor.document()->mask();
        const QString path = dir.filePath("editor-mask.png");
        QVERIFY(editor.saveMask(path).ok());
        editor.document()->clear();
        QVERIFY(editor.loadMask(path).ok());
        QCOMPARE(editor.document()->mask(), painted);
        QCOMPARE(edited.count(), 3);  // stroke, clear, load
        const MaskFileResult bad = editor.loadMask(dir.filePath("nothing-here.png"));
        QVERIFY(!bad.ok());
        QCOMPARE(messages.count(), 3);
        QVERIFY(messages.last().at(0).toString().contains("nothing-here.png"));
        QCOMPARE(editor.document()->mask(), painted);

        // A generated image of the same size keeps the mask; another size starts a new one.
        base.fill(Qt::black);
        editor.setBaseImage(base);
        QCOMPARE(editor.document()->mask(), painted);
        editor.setBaseImage(QImage(128, 64, QImage::Format_RGB32));
        QCOMPARE(editor.document()->size(), QSize(128, 64));
        QCOMPARE(editor.document()->coverage(), 0.0);
        QCOMPARE(editor.document()->undoStack()->count(), 0);
    }
};

QTEST_MAIN(TestMaskEditor)
#include "TestMaskEditor.moc"
