// The canvas's scale bar and grid (issue 18, CAD users): round lengths at every zoom, grid lines
// that never crowd, labels in the design's unit.
#include <QtTest/QtTest>

#include "ui/canvas/MeasuringAids.h"

using namespace ms;

class TestMeasuringAids : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void scaleBarLengthsAreRound() {
        QCOMPARE(roundLengthAtMost(140.0), 100.0);
        QCOMPARE(roundLengthAtMost(260.0), 200.0);
        QCOMPARE(roundLengthAtMost(500.0), 500.0);
        QCOMPARE(roundLengthAtMost(0.07), 0.05);
        QCOMPARE(roundLengthAtMost(1.0), 1.0);
        QCOMPARE(roundLengthAtMost(0.0), 0.0);
        QCOMPARE(roundLengthAtMost(-3.0), 0.0);
        // At 0.35 px per mm a bar of at most 140 px is 200 mm long (70 px).
        QCOMPARE(roundLengthAtMost(140.0 / 0.35), 200.0);
    }

    void gridLinesNeverCrowd() {
        QCOMPARE(visibleGridStep(10.0, 2.0), 10.0);   // 20 px apart: every line
        QCOMPARE(visibleGridStep(10.0, 0.5), 20.0);   // 5 px would crowd: every second
        QCOMPARE(visibleGridStep(10.0, 0.05), 200.0); // 0.5 px: every 20th
        QCOMPARE(visibleGridStep(1.0, 0.35), 50.0);
        QCOMPARE(visibleGridStep(0.0, 1.0), 0.0);
        QCOMPARE(visibleGridStep(10.0, 0.0), 0.0);
        for (double ppu : {0.01, 0.1, 0.37, 1.0, 3.3, 40.0}) {
            const double g = visibleGridStep(25.0, ppu);
            QVERIFY(g * ppu >= 8.0);
            QVERIFY(g * ppu < 8.0 * 2.5 || g == 25.0);  // the first that fits, not a sparser one
            QCOMPARE(std::fmod(g, 25.0), 0.0);          // lines stay on the snapping grid
        }
    }

    void labelsCarryTheUnit() {
        QCOMPARE(lengthLabel(100.0, "mm"), QStringLiteral("100 mm"));
        QCOMPARE(lengthLabel(0.5, "m"), QStringLiteral("0.5 m"));
        QCOMPARE(lengthLabel(2000.0, "mm"), QStringLiteral("2000 mm"));
    }
};

QTEST_APPLESS_MAIN(TestMeasuringAids)
#include "TestMeasuringAids.moc"
