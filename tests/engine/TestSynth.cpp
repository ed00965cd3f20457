// The synthetic generators: determinism, shape of the tables, and the dependencies the
// product's demos rely on (a model trained on them must have something to learn).
#include <QtTest>

#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/geometry/CarWheel.h"
#include "core/geometry/DesignKeypoints.h"
#include "core/synth/BikeSynth.h"
#include "core/synth/CarSynth.h"

using namespace ms;

namespace {

std::size_t categoricalIndex(const Schema& s, const std::string& column) {
    for (std::size_t i = 0; i < s.categorical.size(); ++i)
        if (s.categorical[i].column == column) return i;
    return s.categorical.size();
}

int classIndex(const Schema& s, const std::string& column, const std::string& cls) {
    const CategoricalSpec& c = s.categorical.at(categoricalIndex(s, column));
    for (std::size_t i = 0; i < c.classes.size(); ++i)
        if (c.classes[i] == cls) return static_cast<int>(i);
    return -2;
}

std::size_t outputIndex(const Schema& s, const std::string& name) {  // x of a keypoint or an extra output
    for (std::size_t i = 0; i < s.keypoints.size(); ++i)
        if (s.keypoints[i].name == name) return 2 * i;
    for (std::size_t i = 0; i < s.outputs.size(); ++i)
        if (s.outputs[i].column == name) return 2 * s.keypoints.size() + i;
    return s.outputDim();
}

bool sameTable(const DesignTable& a, const DesignTable& b) {
    // Bitwise equality on purpose: the same seed must reproduce the data exactly.
    return a.rows == b.rows && a.outputDim == b.outputDim && a.outputs == b.outputs &&
           a.categorical == b.categorical && a.numerical == b.numerical && a.lineNumbers == b.lineNumbers;
}

double orient(Point2 a, Point2 b, Point2 c) { return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x); }

bool onSegment(Point2 a, Point2 b, Point2 p) {
    return std::min(a.x, b.x) <= p.x && p.x <= std::max(a.x, b.x) && std::min(a.y, b.y) <= p.y &&
           p.y <= std::max(a.y, b.y);
}

// Closed segments intersect (touching and collinear overlap included).
bool intersects(Point2 a, Point2 b, Point2 c, Point2 d) {
    const double o1 = orient(a, b, c), o2 = orient(a, b, d), o3 = orient(c, d, a), o4 = orient(c, d, b);
    if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) return true;
    return (o1 == 0 && onSegment(a, b, c)) || (o2 == 0 && onSegment(a, b, d)) || (o3 == 0 && onSegment(c, d, a)) ||
           (o4 == 0 && onSegment(c, d, b));
}

bool isSimplePolygon(const std::vector<Point2>& p) {
    const std::size_t n = p.size();
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = i + 1; j < n; ++j) {
            const bool adjacent = j == i + 1 || (i == 0 && j == n - 1);
            if (adjacent) continue;
            if (intersects(p[i], p[(i + 1) % n], p[j], p[(j + 1) % n])) return false;
        }
    return true;
}

std::vector<Point2> rowPoints(const DesignTable& t, std::size_t r, std::size_t count) {
    std::vector<Point2> pts;
    for (std::size_t k = 0; k < count; ++k) pts.push_back(Point2{t.output(r, 2 * k), t.output(r, 2 * k + 1)});
    return pts;
}

void checkFiniteAndInRange(const SynthResult& s) {
    const DesignTable& t = s.table;
    QCOMPARE(t.outputs.size(), t.rows * t.outputDim);
    QCOMPARE(t.categorical.size(), t.rows * s.schema.categorical.size());
    QCOMPARE(t.numerical.size(), t.rows * s.schema.numerical.size());
    QCOMPARE(t.lineNumbers.size(), t.rows);
    for (double v : t.outputs) QVERIFY(std::isfinite(v));
    for (std::size_t r = 0; r < t.rows; ++r) {
        for (std::size_t c = 0; c < t.categoricalCount; ++c) {
            const int k = t.category(r, c);
            QVERIFY2(k >= 0 && k < static_cast<int>(s.schema.categorical[c].classes.size()),
                     s.schema.categorical[c].column.c_str());
        }
        for (std::size_t c = 0; c < t.numericalCount; ++c) {
            const double v = t.number(r, c);
            QVERIFY(std::isfinite(v));
            QVERIFY2(v >= s.schema.numerical[c].min && v <= s.schema.numerical[c].max,
                     s.schema.numerical[c].column.c_str());
        }
    }
}

void checkEveryClassAppears(const SynthResult& s) {
    for (std::size_t c = 0; c < s.schema.categorical.size(); ++c) {
        std::vector<int> counts(s.schema.categorical[c].classes.size(), 0);
        for (std::size_t r = 0; r < s.table.rows; ++r) ++counts[static_cast<std::size_t>(s.table.category(r, c))];
        for (std::size_t k = 0; k < counts.size(); ++k)
            QVERIFY2(counts[k] > 0, (s.schema.categorical[c].column + " = " + s.schema.categorical[c].classes[k]).c_str());
    }
}

}  // namespace

class TestSynth : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void bikeSchemaMatchesGeoBiked() {
        const SynthResult s = synthBikes(10, 1);
        QCOMPARE(s.schema.keypoints.size(), std::size_t(12));
        for (std::size_t i = 0; i < 12; ++i) {
            QCOMPARE(s.schema.keypoints[i].name, bikeKeypointNames()[i]);
            QCOMPARE(s.schema.keypoints[i].xColumn, "x_" + bikeKeypointNames()[i]);
            QCOMPARE(s.schema.keypoints[i].yColumn, "y_" + bikeKeypointNames()[i]);
        }
        QCOMPARE(s.schema.keypoints[1].name, std::string("BB"));
        QCOMPARE(s.schema.outputs.size(), std::size_t(2));
        QCOMPARE(s.schema.outputs[0].column, std::string("Wheel diameter rear"));
        QCOMPARE(s.schema.outputs[1].column, std::string("Wheel diameter front"));
        QCOMPARE(s.schema.outputDim(), std::size_t(26));
        const std::vector<std::string> categorical = {"BikeStyle",
                                                      "bottle SEATTUBE0 show OHCLASS: True",
                                                      "bottle DOWNTUBE0 show OHCLASS: True",
                                                      "frame_size",
                                                      "RIM_STYLE front",
                                                      "RIM_STYLE rear",
                                                      "Fork type"};
        QCOMPARE(s.schema.categorical.size(), categorical.size());
        for (std::size_t i = 0; i < categorical.size(); ++i) QCOMPARE(s.schema.categorical[i].column, categorical[i]);
        QVERIFY(s.schema.categorical[0].classes.size() >= 8);
        QCOMPARE(s.schema.numerical.size(), std::size_t(1));
        QCOMPARE(s.schema.numerical[0].column, std::string("Teeth on chainring"));
        QVERIFY(s.schema.ignored.empty());
        QCOMPARE(s.table.categoricalCount, std::size_t(7));
        QCOMPARE(s.table.numericalCount, std::size_t(1));
    }

    void carSchema() {
        const SynthResult s = synthCars(10, 1);
        QCOMPARE(s.schema.keypoints.size(), std::size_t(21));
        QCOMPARE(s.schema.outputDim(), std::size_t(42));
        QCOMPARE(s.schema.categorical.size(), std::size_t(2));
        QCOMPARE(s.schema.categorical[0].column, std::string("body_type"));
        QCOMPARE(s.schema.categorical[0].classes,
                 (std::vector<std::string>{"sedan", "hatchback", "wagon", "suv", "coupe", "pickup", "van"}));
        QCOMPARE(s.schema.categorical[1].column, std::string("size_class"));
        QCOMPARE(s.schema.categorical[1].classes, (std::vector<std::string>{"small", "compact", "midsize", "large"}));
        QCOMPARE(s.schema.numerical.size(), std::size_t(1));
        QCOMPARE(s.schema.numerical[0].column, std::string("drag_coefficient"));
        QCOMPARE(s.schema.numerical[0].min, 0.22);
        QCOMPARE(s.schema.numerical[0].max, 0.45);
    }

    void rowCounts() {
        for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(37)}) {
            const SynthResult b = synthBikes(n, 5), c = synthCars(n, 5);
            QCOMPARE(b.table.rows, n);
            QCOMPARE(c.table.rows, n);
            QCOMPARE(b.table.outputDim, b.schema.outputDim());
            QCOMPARE(c.table.outputDim, c.schema.outputDim());
            QCOMPARE(b.table.outputs.size(), n * 26);
            QCOMPARE(c.table.outputs.size(), n * 42);
        }
    }

    void sameSeedSameTable() {
        QVERIFY(sameTable(synthBikes(500, 42).table, synthBikes(500, 42).table));
        QVERIFY(sameTable(synthCars(500, 42).table, synthCars(500, 42).table));
        // A prefix of a larger set is the smaller set: rows are generated one after the other.
        const SynthResult small = synthBikes(50, 9), large = synthBikes(100, 9);
        QVERIFY(std::equal(small.table.outputs.begin(), small.table.outputs.end(), large.table.outputs.begin()));
    }

    void differentSeedDifferentTable() {
        QVERIFY(!sameTable(synthBikes(100, 1).table, synthBikes(100, 2).table));
        QVERIFY(!sameTable(synthCars(100, 1).table, synthCars(100, 2).table));
    }

    void valuesFiniteAndInRange() {
        const SynthResult b = synthBikes(2000, 3);
        checkFiniteAndInRange(b);
        const SynthResult c = synthCars(2000, 3);
        checkFiniteAndInRange(c);
        // Bicycle coordinates in GeoBIKED's ranges; wheels resting on y = 0.
        const std::size_t rear = outputIndex(b.schema, "Wheel diameter rear");
        const std::size_t front = outputIndex(b.schema, "Wheel diameter front");
        const std::size_t rearCenter = outputIndex(b.schema, "rear_wheel_center");
        const std::size_t frontCenter = outputIndex(b.schema, "front_wheel_center");
        for (std::size_t r = 0; r < b.table.rows; ++r) {
            for (std::size_t k = 0; k < 12; ++k) {
                QVERIFY(b.table.output(r, 2 * k) > 0.0 && b.table.output(r, 2 * k) < 2500.0);
                QVERIFY(b.table.output(r, 2 * k + 1) > 0.0 && b.table.output(r, 2 * k + 1) < 1800.0);
            }
            for (std::size_t d : {rear, front})
                QVERIFY(b.table.output(r, d) >= 245.0 && b.table.output(r, d) <= 1067.0);
            QCOMPARE(b.table.output(r, rearCenter + 1), b.table.output(r, rear) / 2.0);
            QCOMPARE(b.table.output(r, frontCenter + 1), b.table.output(r, front) / 2.0);
            QVERIFY(b.table.output(r, rearCenter) < b.table.output(r, frontCenter));
        }
        for (std::size_t r = 0; r < c.table.rows; ++r)
            for (std::size_t k = 0; k < 21; ++k) QVERIFY(c.table.output(r, 2 * k + 1) >= 0.0);
    }

    void everyClassAppears() {
        checkEveryClassAppears(synthBikes(2000, 4));
        checkEveryClassAppears(synthCars(2000, 4));
    }

    void bikeDependencies() {
        const SynthResult s = synthBikes(2000, 6);
        const Schema& sc = s.schema;
        const std::size_t style = categoricalIndex(sc, "BikeStyle");
        const std::size_t seatBottle = categoricalIndex(sc, "bottle SEATTUBE0 show OHCLASS: True");
        const std::size_t downBottle = categoricalIndex(sc, "bottle DOWNTUBE0 show OHCLASS: True");
        const std::size_t size = categoricalIndex(sc, "frame_size");
        const std::size_t fork = categoricalIndex(sc, "Fork type");
        const std::size_t wheel = outputIndex(sc, "Wheel diameter rear");
        const std::size_t bb = outputIndex(sc, "BB");
        const std::size_t seatTop = outputIndex(sc, "seat_tube_top");
        const std::size_t saddle = outputIndex(sc, "saddle_top");
        const int road = classIndex(sc, "BikeStyle", "ROAD"), bmx = classIndex(sc, "BikeStyle", "BMX");
        const int track = classIndex(sc, "BikeStyle", "TRACK"), mtb = classIndex(sc, "BikeStyle", "MTB");
        const int tt = classIndex(sc, "BikeStyle", "TIMETRIAL");
        const int xs = classIndex(sc, "frame_size", "XS"), xl = classIndex(sc, "frame_size", "XL");
        const int one = classIndex(sc, "Fork type", "1");

        std::map<int, double> wheelSum, count, teethSum, suspension;
        double seatXs = 0, seatXl = 0, saddleXs = 0, saddleXl = 0, nXs = 0, nXl = 0;
        for (std::size_t r = 0; r < s.table.rows; ++r) {
            const int st = s.table.category(r, style);
            wheelSum[st] += s.table.output(r, wheel);
            teethSum[st] += s.table.number(r, 0);
            count[st] += 1;
            if (s.table.category(r, fork) == one) suspension[st] += 1;
            if (st == track || st == tt) {
                QCOMPARE(s.table.category(r, seatBottle), 0);
                QCOMPARE(s.table.category(r, downBottle), 0);
            }
            if (st == road) {
                const double seatTube = std::hypot(s.table.output(r, seatTop) - s.table.output(r, bb),
                                                   s.table.output(r, seatTop + 1) - s.table.output(r, bb + 1));
                const double saddleHeight = s.table.output(r, saddle + 1) - s.table.output(r, bb + 1);
                if (s.table.category(r, size) == xs) {
                    seatXs += seatTube;
                    saddleXs += saddleHeight;
                    nXs += 1;
                } else if (s.table.category(r, size) == xl) {
                    seatXl += seatTube;
                    saddleXl += saddleHeight;
                    nXl += 1;
                }
            }
        }
        QVERIFY(count[bmx] > 20 && count[road] > 100 && count[track] > 20);
        QVERIFY(wheelSum[bmx] / count[bmx] < wheelSum[road] / count[road] - 100.0);
        QVERIFY(teethSum[mtb] / count[mtb] < teethSum[road] / count[road] - 8.0);
        QVERIFY(suspension[mtb] / count[mtb] > 0.5);
        QVERIFY(suspension[road] / count[road] < 0.1);
        QVERIFY(nXs > 20 && nXl > 10);
        QVERIFY(seatXl / nXl > seatXs / nXs + 50.0);
        QVERIFY(saddleXl / nXl > saddleXs / nXs + 50.0);
    }

    void carOutlinesAreSimplePolygons() {
        const SynthResult s = synthCars(2000, 8);
        for (std::size_t r = 0; r < s.table.rows; ++r)
            QVERIFY2(isSimplePolygon(rowPoints(s.table, r, 21)), ("row " + std::to_string(r)).c_str());
        // The checker itself must see a bow tie.
        QVERIFY(!isSimplePolygon({{0, 0}, {1, 1}, {1, 0}, {0, 1}}));
        QVERIFY(isSimplePolygon({{0, 0}, {1, 0}, {1, 1}, {0, 1}}));
    }

    void carWheelsFromArches() {
        const SynthResult s = synthCars(500, 10);
        for (std::size_t r = 0; r < s.table.rows; ++r) {
            const std::vector<Point2> pts = rowPoints(s.table, r, 21);
            for (std::size_t first : {kCarFrontArchFirst, kCarRearArchFirst}) {
                const std::vector<Point2> arch(pts.begin() + static_cast<long>(first),
                                               pts.begin() + static_cast<long>(first + kCarArchPointCount));
                const CarWheel w = carWheelFromArch(arch);
                QVERIFY(w.radius > 250.0 && w.radius < 450.0);
                QVERIFY(w.archRadius > w.radius);
                QVERIFY(std::abs(w.center.y - w.radius) < 3.0);  // resting on the ground
                QVERIFY(w.center.x < arch.front().x && w.center.x > arch.back().x);
            }
            QVERIFY(pts[kCarFrontArchFirst + 2].x > pts[kCarRearArchFirst + 2].x + 2000.0);  // a wheelbase
        }
    }

    void dragDependsOnBody() {
        const SynthResult s = synthCars(2000, 12);
        std::map<int, double> sum, count;
        for (std::size_t r = 0; r < s.table.rows; ++r) {
            const double cd = s.table.number(r, 0);
            QVERIFY(cd >= 0.22 && cd <= 0.45);
            sum[s.table.category(r, 0)] += cd;
            count[s.table.category(r, 0)] += 1;
        }
        const auto mean = [&](const char* body) {
            const int k = classIndex(s.schema, "body_type", body);
            return sum[k] / count[k];
        };
        QVERIFY(mean("suv") > mean("coupe") + 0.03);
        QVERIFY(mean("van") > mean("coupe") + 0.03);
        QVERIFY(mean("pickup") > mean("sedan"));
    }
};

QTEST_APPLESS_MAIN(TestSynth)
#include "TestSynth.moc"
