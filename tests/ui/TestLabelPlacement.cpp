// Keypoint labels do not pile up: labels of points a few pixels apart (or on top of each other)
// get boxes that overlap neither each other nor the points; an uncrowded label stays beside its
// point.
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>

#include "ui/canvas/LabelPlacement.h"

using namespace ms;

class TestLabelPlacement : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void crowdedLabelsDoNotOverlap() {
        // Six keypoints within 6 px (a seat cluster), labels 70 x 12 px.
        const std::vector<QPointF> points = {{100, 100}, {103, 102}, {101, 105}, {106, 99}, {100, 100}, {104, 104}};
        const std::vector<QSizeF> sizes(points.size(), QSizeF(70, 12));
        const std::vector<PlacedLabel> placed = placeLabels(points, sizes);
        QCOMPARE(placed.size(), points.size());
        for (std::size_t i = 0; i < placed.size(); ++i) {
            QCOMPARE(placed[i].box.size(), sizes[i]);
            for (std::size_t j = 0; j < i; ++j)
                QVERIFY2(!placed[i].box.intersects(placed[j].box), qPrintable(QString("labels %1 and %2 overlap").arg(i).arg(j)));
            // Near its point: within the outermost ring.
            const QPointF c = placed[i].box.center();
            QVERIFY(std::abs(c.x() - points[i].x()) < 140 && std::abs(c.y() - points[i].y()) < 80);
        }
        QVERIFY(std::any_of(placed.begin(), placed.end(), [](const PlacedLabel& p) { return p.displaced; }));
    }

    void aLoneLabelSitsRightOfItsPoint() {
        const std::vector<PlacedLabel> placed = placeLabels({{50, 50}, {300, 300}}, {QSizeF(40, 10), QSizeF(40, 10)});
        QCOMPARE(placed[0].box, QRectF(54, 45, 40, 10));
        QVERIFY(!placed[0].displaced && !placed[1].displaced);
    }
};

QTEST_APPLESS_MAIN(TestLabelPlacement)
#include "TestLabelPlacement.moc"
