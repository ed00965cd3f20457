// Raster rendering of drawings: fitted with a margin, y up, dark strokes on white, one colour
// per drawing, and PNG writing with errors that name the path.
#include <QtTest>

#include <QTemporaryDir>

#include <cmath>
#include <stdexcept>
#include <string>

#include <opencv2/imgcodecs.hpp>

#include "core/geometry/DesignDrawing.h"
#include "core/synth/BikeSynth.h"
#include "imaging/DrawingRaster.h"

using namespace ms;

namespace {

bool isWhite(const cv::Mat& m, int x, int y) { return m.at<cv::Vec3b>(y, x) == cv::Vec3b(255, 255, 255); }
bool isDark(const cv::Mat& m, int x, int y) {
    const cv::Vec3b p = m.at<cv::Vec3b>(y, x);
    return p[0] + p[1] + p[2] < 3 * 160;
}

// A long line along y = 0 and a short one at y = 100, near x = 0.
Drawing twoLines() {
    Drawing d;
    d.polylines.push_back(Polyline{{{0, 0}, {100, 0}}, false, "frame"});
    d.polylines.push_back(Polyline{{{0, 100}, {20, 100}}, false, "frame"});
    return d;
}

}  // namespace

class TestDrawingRaster : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sizeTypeAndBackground() {
        const cv::Mat m = imaging::rasterizeDrawings({twoLines()}, 400, 300);
        QCOMPARE(m.cols, 400);
        QCOMPARE(m.rows, 300);
        QCOMPARE(m.type(), CV_8UC3);
        QVERIFY(isWhite(m, 0, 0) && isWhite(m, 399, 299) && isWhite(m, 0, 299) && isWhite(m, 399, 0));
    }

    void fitsWithMarginAndYUp() {
        // 200 x 200 with a 10 px margin: 1.8 px per unit, y = 0 at row 190, y = 100 at row 10.
        const cv::Mat m = imaging::rasterizeDrawings({twoLines()}, 200, 200, 0.05, false);
        QVERIFY(isDark(m, 100, 190));
        QVERIFY(isDark(m, 30, 10));
        QVERIFY(isWhite(m, 150, 10));   // the top line is short
        QVERIFY(isWhite(m, 100, 100));  // nothing in the middle
        QVERIFY(isWhite(m, 100, 196) && isWhite(m, 100, 4));  // margins stay free
    }

    void distinctColoursPerDrawing() {
        Drawing a, b;
        a.polylines.push_back(Polyline{{{0, 0}, {100, 0}}, false, "frame"});
        b.polylines.push_back(Polyline{{{0, 100}, {100, 100}}, false, "frame"});
        const cv::Mat m = imaging::rasterizeDrawings({a, b}, 200, 200, 0.05, false);
        QVERIFY(isDark(m, 100, 190) && isDark(m, 100, 10));
        QVERIFY(m.at<cv::Vec3b>(190, 100) != m.at<cv::Vec3b>(10, 100));
    }

    void emptyAndDegenerateDrawings() {
        const cv::Mat empty = imaging::rasterizeDrawings({}, 50, 40);
        QCOMPARE(cv::countNonZero(empty.reshape(1) != 255), 0);
        Drawing bad;
        bad.polylines.push_back(Polyline{{{std::nan(""), 0}, {1e300, -1e300}, {0, 0}}, false, "frame"});
        bad.circles.push_back(Circle{{5, 5}, std::nan(""), "wheels"});
        const cv::Mat m = imaging::rasterizeDrawings({bad}, 50, 40);  // must not crash
        QCOMPARE(m.rows, 40);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, imaging::rasterizeDrawings({}, 0, 10));
    }

    void bikeImageHasWheels() {
        const SynthResult bikes = synthBikes(1, 1);
        const Drawing d = drawDesign(bikes.schema, bikes.table.outputs, true);
        const cv::Mat m = imaging::rasterizeDrawings({d}, 800, 500);
        const int dark = cv::countNonZero(m.reshape(1) < 160);
        QVERIFY(dark > 2000);  // strokes drawn
        QVERIFY(isWhite(m, 400, 2));
    }

    void writesPng() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("drawing.png").toStdString();
        imaging::writeDrawingsPng({twoLines()}, path, 320, 200);
        const cv::Mat back = cv::imread(path);
        QCOMPARE(back.cols, 320);
        QCOMPARE(back.rows, 200);
        const std::string bad = "/nonexistent-maskstudio-dir/drawing.png";
        try {
            imaging::writeDrawingsPng({twoLines()}, bad);
            QFAIL("no exception");
        } catch (const std::runtime_error& e) {
            QVERIFY(std::string(e.what()).find(bad) != std::string::npos);
        }
    }
};

QTEST_APPLESS_MAIN(TestDrawingRaster)
#include "TestDrawingRaster.moc"
