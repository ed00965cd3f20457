// Drawings of designs and their export: every number written to SVG, DXF or CSV must read back
// as the number drawn, and the built-in design kinds must be drawn from the right keypoints.
#include <QtTest>

#include <QFile>
#include <QTemporaryDir>
#include <QXmlStreamReader>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/data/CsvReader.h"
#include "core/data/DesignTableBuilder.h"
#include "core/geometry/DesignDrawing.h"
#include "core/geometry/DesignKeypoints.h"
#include "core/geometry/GeometryExport.h"
#include "core/synth/BikeSynth.h"
#include "core/synth/CarSynth.h"

using namespace ms;

namespace {

bool near(double a, double b) { return std::abs(a - b) <= 1e-6 * std::max(std::abs(a), std::abs(b)) + 1e-9; }
bool near(Point2 a, Point2 b) { return near(a.x, b.x) && near(a.y, b.y); }

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

double parseDouble(const std::string& s) {
    double v = std::numeric_limits<double>::quiet_NaN();
    const auto res = std::from_chars(s.data(), s.data() + s.size(), v);
    if (res.ec != std::errc() || res.ptr != s.data() + s.size()) throw std::runtime_error("not a number: '" + s + "'");
    return v;
}

std::vector<double> rowOf(const SynthResult& r, std::size_t i) {
    return std::vector<double>(r.table.outputs.begin() + static_cast<long>(i * r.table.outputDim),
                               r.table.outputs.begin() + static_cast<long>((i + 1) * r.table.outputDim));
}

// Two overlaid drawings exercising every primitive, with awkward numbers and label text.
std::vector<Drawing> sampleDrawings() {
    Drawing a;
    a.polylines.push_back(Polyline{{{0, 0}, {100.125, 50.5}}, false, "frame"});
    a.polylines.push_back(Polyline{{{-10, -20}, {1.0 / 3.0, 2e-7}, {1234.5678901, -987.654321}, {5, 5}}, true, "outline"});
    a.polylines.push_back(Polyline{{{3, 4}, {5, 6}, {7, 8}}, false, ""});
    a.circles.push_back(Circle{{337.25, 337.25}, 337.25, "wheels"});
    a.circles.push_back(Circle{{-1e-3, 1e5}, 0.5, "hubs"});
    a.labels.push_back(Label{{10, 20}, "a<b & \"c\""});
    Drawing b;
    b.polylines.push_back(Polyline{{{1, 1}, {2, 3}, {4, 1}}, true, "saddle"});
    b.circles.push_back(Circle{{600, 300}, 311, "wheels"});
    b.labels.push_back(Label{{600, 300}, "front_wheel_center"});
    return {a, b};
}

struct SvgShape {
    std::string kind;  // polyline, polygon, circle, text
    std::vector<Point2> points;
    double radius = 0;
    std::string text;
};

// Parses our SVG back into shapes per <g>, unflipping y.
std::vector<std::vector<SvgShape>> parseSvg(const std::string& svg, QString* viewBox) {
    std::vector<std::vector<SvgShape>> groups;
    QXmlStreamReader xml(QString::fromStdString(svg));
    auto num = [](const QStringView s) { return parseDouble(s.toString().toStdString()); };
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement()) continue;
        const QString name = xml.name().toString();
        const QXmlStreamAttributes at = xml.attributes();
        if (name == "svg") {
            *viewBox = at.value("viewBox").toString();
        } else if (name == "g") {
            groups.emplace_back();
        } else if (name == "polyline" || name == "polygon") {
            SvgShape s{name.toStdString(), {}, 0, {}};
            for (const QString& pair : at.value("points").toString().split(' ', Qt::SkipEmptyParts)) {
                const QStringList xy = pair.split(',');
                s.points.push_back(Point2{parseDouble(xy[0].toStdString()), -parseDouble(xy[1].toStdString())});
            }
            groups.back().push_back(s);
        } else if (name == "circle") {
            groups.back().push_back(
                SvgShape{"circle", {Point2{num(at.value("cx")), -num(at.value("cy"))}}, num(at.value("r")), {}});
        } else if (name == "text") {
            SvgShape s{"text", {Point2{num(at.value("x")), -num(at.value("y"))}}, 0, {}};
            s.text = xml.readElementText().toStdString();
            groups.back().push_back(s);
        }
    }
    if (xml.hasError()) throw std::runtime_error("SVG does not parse: " + xml.errorString().toStdString());
    return groups;
}

void compareSvgToDrawings(const std::string& svg, const std::vector<Drawing>& drawings) {
    QString viewBox;
    const std::vector<std::vector<SvgShape>> groups = parseSvg(svg, &viewBox);
    QCOMPARE(groups.size(), drawings.size());
    for (std::size_t g = 0; g < drawings.size(); ++g) {
        const Drawing& d = drawings[g];
        const std::vector<SvgShape>& shapes = groups[g];
        QCOMPARE(shapes.size(), d.polylines.size() + d.circles.size() + d.labels.size());
        std::size_t k = 0;
        for (const Polyline& pl : d.polylines) {
            const SvgShape& s = shapes[k++];
            QCOMPARE(s.kind, std::string(pl.closed ? "polygon" : "polyline"));
            QCOMPARE(s.points.size(), pl.points.size());
            for (std::size_t i = 0; i < pl.points.size(); ++i) QVERIFY(near(s.points[i], pl.points[i]));
        }
        for (const Circle& c : d.circles) {
            const SvgShape& s = shapes[k++];
            QCOMPARE(s.kind, std::string("circle"));
            QVERIFY(near(s.points[0], c.center));
            QVERIFY(near(s.radius, c.radius));
        }
        for (const Label& l : d.labels) {
            const SvgShape& s = shapes[k++];
            QCOMPARE(s.kind, std::string("text"));
            QVERIFY(near(s.points[0], l.at));
            QCOMPARE(s.text, l.text);
        }
    }
    // The viewBox (in flipped coordinates) holds everything drawn.
    const QStringList vb = viewBox.split(' ');
    QCOMPARE(vb.size(), 4);
    const double x0 = vb[0].toDouble(), y0 = vb[1].toDouble(), w = vb[2].toDouble(), h = vb[3].toDouble();
    const Bounds b = boundsOf(drawings);
    QVERIFY(x0 <= b.minX && x0 + w >= b.maxX);
    QVERIFY(y0 <= -b.maxY && y0 + h >= -b.minY);
}

struct DxfPair {
    int code;
    std::string value;
};

std::vector<DxfPair> parseDxf(const std::string& text) {
    std::vector<DxfPair> pairs;
    std::istringstream in(text);
    std::string code, value;
    while (std::getline(in, code) && std::getline(in, value)) pairs.push_back(DxfPair{std::stoi(code), value});
    return pairs;
}

// The entity starting at pairs[i] (code 0): its group values until the next code 0.
struct DxfEntity {
    std::string type;
    std::vector<DxfPair> groups;
    double number(int code) const {
        for (const DxfPair& p : groups)
            if (p.code == code) return parseDouble(p.value);
        throw std::runtime_error("missing group " + std::to_string(code) + " in " + type);
    }
    std::string text(int code) const {
        for (const DxfPair& p : groups)
            if (p.code == code) return p.value;
        return {};
    }
};

std::vector<DxfEntity> dxfEntities(const std::vector<DxfPair>& pairs) {
    std::vector<DxfEntity> entities;
    bool inEntities = false;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        if (pairs[i].code == 2 && pairs[i].value == "ENTITIES") inEntities = true;
        if (!inEntities || pairs[i].code != 0) continue;
        if (pairs[i].value == "ENDSEC") break;
        DxfEntity e{pairs[i].value, {}};
        for (std::size_t j = i + 1; j < pairs.size() && pairs[j].code != 0; ++j) e.groups.push_back(pairs[j]);
        entities.push_back(e);
    }
    return entities;
}

}  // namespace

class TestGeometryExport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void boundsIncludeCircles() {
        Drawing d;
        d.circles.push_back(Circle{{10, 20}, 5, ""});
        d.polylines.push_back(Polyline{{{0, 0}, {12, 1}}, false, ""});
        const Bounds b = d.bounds();
        QCOMPARE(b.minX, 0.0);
        QCOMPARE(b.minY, 0.0);
        QCOMPARE(b.maxX, 15.0);
        QCOMPARE(b.maxY, 25.0);
        QVERIFY(!Drawing{}.bounds().valid());
    }

    void svgParsesBack() {
        const std::vector<Drawing> drawings = sampleDrawings();
        const std::string svg = svgString(drawings);
        QVERIFY(svg.rfind("<?xml", 0) == 0);
        QVERIFY(svg.find("xmlns=\"http://www.w3.org/2000/svg\"") != std::string::npos);
        compareSvgToDrawings(svg, drawings);

        QTemporaryDir dir;
        const std::string path = dir.filePath("designs.svg").toStdString();
        writeSvg(drawings, path);
        QCOMPARE(readAll(path), svg);
        // Distinct colours for the overlaid designs.
        const auto firstStroke = svg.find("stroke=\"");
        const auto secondStroke = svg.find("stroke=\"", svg.find("id=\"design-2\""));
        QVERIFY(svg.substr(firstStroke, 16) != svg.substr(secondStroke, 16));
    }

    void svgOfEmptyDrawingIsValid() {
        QString viewBox;
        QVERIFY(parseSvg(svgString({}), &viewBox).empty());
        QCOMPARE(viewBox, QString("0 0 1 1"));
        QCOMPARE(parseSvg(svgString({Drawing{}}), &viewBox).size(), std::size_t(1));
    }

    void svgOfSynthDesigns() {
        const SynthResult bikes = synthBikes(3, 1), cars = synthCars(3, 1);
        const std::vector<Drawing> drawings = {drawDesign(bikes.schema, rowOf(bikes, 0), true),
                                               drawDesign(bikes.schema, rowOf(bikes, 1), false),
                                               drawDesign(cars.schema, rowOf(cars, 0), true)};
        compareSvgToDrawings(svgString(drawings, 0.1), drawings);
    }

    // The design's unit goes into the header ($INSUNITS) and the numbers stay the design's own, so
    // a CAD tool opens a design measured in inches at its size; a unit nobody knows is named.
    void dxfUnitsAreAChoice() {
        const std::vector<Drawing> drawings = sampleDrawings();
        QTemporaryDir dir;
        const std::string mm = dir.filePath("mm.dxf").toStdString(), inches = dir.filePath("in.dxf").toStdString();
        writeDxf(drawings, mm);
        writeDxf(drawings, inches, parseLengthUnit("Inch"));
        const std::string a = readAll(mm), b = readAll(inches);
        QVERIFY(a.find("$INSUNITS\n70\n4\n") != std::string::npos);
        QVERIFY(b.find("$INSUNITS\n70\n1\n") != std::string::npos);
        const auto entitiesOf = [](const std::string& text) { return text.substr(text.find("ENTITIES")); };
        QCOMPARE(entitiesOf(b), entitiesOf(a));  // the geometry is not converted
        QCOMPARE(dxfInsunits(parseLengthUnit("cm")), 5);
        QCOMPARE(dxfInsunits(parseLengthUnit("metres")), 6);
        QCOMPARE(lengthUnitSymbol(parseLengthUnit("MM")), std::string("mm"));
        try {
            (void)parseLengthUnit("furlong");
            QFAIL("an unknown unit was accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY(std::string(e.what()).find("'furlong'") != std::string::npos);
            QVERIFY(std::string(e.what()).find("mm, cm, m or in") != std::string::npos);
        }
    }

    void dxfParsesBack() {
        const std::vector<Drawing> drawings = sampleDrawings();
        QTemporaryDir dir;
        const std::string path = dir.filePath("designs.dxf").toStdString();
        writeDxf(drawings, path);
        const std::string text = readAll(path);
        const std::vector<DxfPair> pairs = parseDxf(text);
        QVERIFY(pairs.size() > 10);
        QCOMPARE(pairs.back().code, 0);
        QCOMPARE(pairs.back().value, std::string("EOF"));
        QVERIFY(text.find("$ACADVER\n1\nAC1009\n") != std::string::npos);
        QVERIFY(text.find("$INSUNITS\n70\n4\n") != std::string::npos);

        // Layers declared in the LAYER table.
        std::vector<std::string> layers;
        for (std::size_t i = 0; i + 1 < pairs.size(); ++i)
            if (pairs[i].code == 0 && pairs[i].value == "LAYER" && pairs[i + 1].code == 2) layers.push_back(pairs[i + 1].value);

        const std::vector<DxfEntity> entities = dxfEntities(pairs);
        std::size_t e = 0;
        for (std::size_t g = 0; g < drawings.size(); ++g) {
            const Drawing& d = drawings[g];
            for (const Polyline& pl : d.polylines) {
                QVERIFY(e < entities.size());
                const std::string layer = entities[e].text(8);
                QVERIFY(std::find(layers.begin(), layers.end(), layer) != layers.end());
                QVERIFY(layer.rfind("D" + std::to_string(g + 1), 0) == 0);
                if (pl.points.size() == 2 && !pl.closed) {
                    QCOMPARE(entities[e].type, std::string("LINE"));
                    QVERIFY(near(Point2{entities[e].number(10), entities[e].number(20)}, pl.points[0]));
                    QVERIFY(near(Point2{entities[e].number(11), entities[e].number(21)}, pl.points[1]));
                    ++e;
                    continue;
                }
                QCOMPARE(entities[e].type, std::string("POLYLINE"));
                QCOMPARE(static_cast<int>(entities[e].number(70)) & 1, pl.closed ? 1 : 0);
                QCOMPARE(entities[e].number(66), 1.0);
                ++e;
                for (const Point2& p : pl.points) {
                    QCOMPARE(entities[e].type, std::string("VERTEX"));
                    QVERIFY(near(Point2{entities[e].number(10), entities[e].number(20)}, p));
                    ++e;
                }
                QCOMPARE(entities[e].type, std::string("SEQEND"));
                ++e;
            }
            for (const Circle& c : d.circles) {
                QCOMPARE(entities[e].type, std::string("CIRCLE"));
                QVERIFY(near(Point2{entities[e].number(10), entities[e].number(20)}, c.center));
                QVERIFY(near(entities[e].number(40), c.radius));
                ++e;
            }
            for (const Label& l : d.labels) {
                QCOMPARE(entities[e].type, std::string("TEXT"));
                QVERIFY(near(Point2{entities[e].number(10), entities[e].number(20)}, l.at));
                QVERIFY(entities[e].number(40) > 0.0);
                QCOMPARE(entities[e].text(1), l.text);
                ++e;
            }
        }
        QCOMPARE(e, entities.size());
    }

    void csvRoundTripIsExact() {
        Schema s;
        s.keypoints = {KeypointSpec{"p", "x_p", "y_p"}, KeypointSpec{"q", "x_q", "y_q"}};
        s.outputs = {OutputSpec{"Wheel diameter rear"}, OutputSpec{"odd, \"name\""}};
        const std::vector<std::vector<double>> rows = {
            {1.0 / 3.0, -2.0 / 7.0, 1e-300, 123456789.123456789, 674.0, 0.1 + 0.2},
            {-0.0, 5e-324, 1.7976931348623157e308, -1e-7, 3.14159265358979, 2.718281828459045}};
        QTemporaryDir dir;
        const std::string path = dir.filePath("designs.csv").toStdString();
        writeDesignsCsv(s, rows, {}, path);
        std::istringstream in(readAll(path));
        std::string line;
        std::getline(in, line);
        QCOMPARE(line, std::string("x_p,y_p,x_q,y_q,Wheel diameter rear,\"odd, \"\"name\"\"\""));
        for (const std::vector<double>& row : rows) {
            QVERIFY(std::getline(in, line));
            std::vector<std::string> cells;
            std::stringstream cs(line);
            std::string cell;
            while (std::getline(cs, cell, ',')) cells.push_back(cell);
            QCOMPARE(cells.size(), row.size());
            for (std::size_t c = 0; c < row.size(); ++c) {
                const double v = parseDouble(cells[c]);
                QCOMPARE(std::memcmp(&v, &row[c], sizeof v), 0);  // bit-exact, sign of zero included
            }
        }
        QVERIFY(!std::getline(in, line) || line.empty());

        // Unknown values become empty cells; wrong sizes are refused.
        writeDesignsCsv(s, {{std::nan(""), 1, 2, 3, 4, 5}}, {}, path);
        QVERIFY(readAll(path).find("\n,1,2,3,4,5\n") != std::string::npos);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, writeDesignsCsv(s, {{1, 2, 3}}, {}, path));
    }

    // Exported designs are training data again: every column of the schema, conditions included
    // (class labels as text, unknown ones empty), read back exactly by the training reader.
    void csvExportRoundTripsIntoTraining() {
        const SynthResult cars = synthCars(3, 7);
        const Schema& s = cars.schema;
        QVERIFY(!s.categorical.empty() && !s.numerical.empty());
        std::vector<std::vector<double>> designs;
        std::vector<ConditionValues> conditions;
        for (std::size_t r = 0; r < cars.table.rows; ++r) {
            designs.emplace_back(cars.table.outputs.begin() + static_cast<long>(r * s.outputDim()),
                                 cars.table.outputs.begin() + static_cast<long>((r + 1) * s.outputDim()));
            ConditionValues c = ConditionValues::allUnknown(s);
            if (r != 1) {  // row 1: every condition unknown
                c.categorical[0] = static_cast<int>(r % s.categorical[0].classes.size());
                c.numerical[0] = s.numerical[0].min + 0.25 * static_cast<double>(r + 1) * (s.numerical[0].max - s.numerical[0].min) / 3.0;
            }
            conditions.push_back(c);
        }
        QTemporaryDir dir;
        const std::string path = dir.filePath("export.csv").toStdString();
        writeDesignsCsv(s, designs, conditions, path);
        const DesignTable back = buildDesignTable(readCsvFile(path), s);
        QCOMPARE(back.rows, designs.size());
        QCOMPARE(back.outputs, cars.table.outputs);
        for (std::size_t r = 0; r < back.rows; ++r) {
            for (std::size_t c = 0; c < back.categoricalCount; ++c) QCOMPARE(back.category(r, c), conditions[r].categorical[c]);
            for (std::size_t c = 0; c < back.numericalCount; ++c) {
                const double want = conditions[r].numerical[c];
                QVERIFY(std::isnan(want) ? std::isnan(back.number(r, c)) : back.number(r, c) == want);
            }
        }
        // One condition set for all designs; a count that fits neither is refused.
        writeDesignsCsv(s, designs, {conditions[0]}, path);
        const DesignTable shared = buildDesignTable(readCsvFile(path), s);
        for (std::size_t r = 0; r < shared.rows; ++r) QCOMPARE(shared.category(r, 0), conditions[0].categorical[0]);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, writeDesignsCsv(s, designs, {conditions[0], conditions[1]}, path));
    }

    void unwritablePathNamedInError() {
        const std::string path = "/nonexistent-maskstudio-dir/out.file";
        Schema s;
        for (int which = 0; which < 3; ++which) {
            try {
                if (which == 0) writeSvg(sampleDrawings(), path);
                if (which == 1) writeDxf(sampleDrawings(), path);
                if (which == 2) writeDesignsCsv(s, {}, {}, path);
                QFAIL("no exception");
            } catch (const std::runtime_error& e) {
                QVERIFY(std::string(e.what()).find(path) != std::string::npos);
            }
        }
    }

    void detectsDesignKinds() {
        QCOMPARE(detectDesignKind(synthBikes(1, 1).schema), DesignKind::Bicycle);
        QCOMPARE(detectDesignKind(synthCars(1, 1).schema), DesignKind::Car);
        Schema generic;
        generic.keypoints = {KeypointSpec{"a", "x_a", "y_a"}, KeypointSpec{"BB", "x_BB", "y_BB"}};
        QCOMPARE(detectDesignKind(generic), DesignKind::Generic);
        QCOMPARE(detectDesignKind(Schema{}), DesignKind::Generic);
    }

    void bikeWheelsFromDiameters() {
        const SynthResult bikes = synthBikes(20, 2);
        for (std::size_t r = 0; r < bikes.table.rows; ++r) {
            const std::vector<double> v = rowOf(bikes, r);
            const Drawing d = drawDesign(bikes.schema, v, false);
            const Point2 rear{v[0], v[1]}, front{v[4], v[5]};
            const double rearDiameter = v[24], frontDiameter = v[25];
            int rearFound = 0, frontFound = 0;
            for (const Circle& c : d.circles) {
                if (c.layer != "wheels") continue;
                if (near(c.center, rear) && c.radius == rearDiameter / 2) ++rearFound;
                if (near(c.center, front) && c.radius == frontDiameter / 2) ++frontFound;
            }
            QCOMPARE(rearFound, 1);
            QCOMPARE(frontFound, 1);
            QVERIFY(d.polylines.size() >= 10);  // tubes, fork, stem, bar, saddle, seatpost
            QVERIFY(d.labels.empty());
        }
        // Without the diameter outputs the wheel rests on the ground: radius = centre height.
        Schema noDiameters = bikes.schema;
        noDiameters.outputs.clear();
        std::vector<double> v = rowOf(bikes, 0);
        v.resize(noDiameters.outputDim());
        const Drawing d = drawDesign(noDiameters, v, true);
        QVERIFY(std::any_of(d.circles.begin(), d.circles.end(),
                            [&](const Circle& c) { return c.layer == "wheels" && c.radius == v[1]; }));
        QCOMPARE(d.labels.size(), std::size_t(12));
        QCOMPARE(d.labels[1].text, std::string("BB"));
        QVERIFY(near(d.labels[1].at, Point2{v[2], v[3]}));
    }

    void carOutlineAndWheels() {
        const SynthResult cars = synthCars(20, 3);
        for (std::size_t r = 0; r < cars.table.rows; ++r) {
            const std::vector<double> v = rowOf(cars, r);
            const Drawing d = drawDesign(cars.schema, v, false);
            const auto outline = std::find_if(d.polylines.begin(), d.polylines.end(),
                                              [](const Polyline& p) { return p.layer == "outline"; });
            QVERIFY(outline != d.polylines.end());
            QVERIFY(outline->closed);
            // Every non-arch keypoint is an outline vertex.
            for (std::size_t k = 0; k < 21; ++k) {
                if (k >= kCarFrontArchFirst && k < kCarRearArchFirst + kCarArchPointCount) continue;
                const Point2 p{v[2 * k], v[2 * k + 1]};
                QVERIFY(std::any_of(outline->points.begin(), outline->points.end(),
                                    [&](Point2 q) { return q.x == p.x && q.y == p.y; }));
            }
            int tyres = 0;
            for (const Circle& c : d.circles)
                if (c.layer == "wheels" && c.radius > 250 && std::abs(c.center.y - c.radius) < 3.0) ++tyres;
            QCOMPARE(tyres, 2);
        }
    }

    void genericDesign() {
        Schema s;
        s.keypoints = {KeypointSpec{"a", "x_a", "y_a"}, KeypointSpec{"b", "x_b", "y_b"}, KeypointSpec{"c", "x_c", "y_c"}};
        s.outputs = {OutputSpec{"extra"}};
        const Drawing d = drawDesign(s, {0, 0, 10, 0, 10, 10, 42}, true);
        QCOMPARE(d.circles.size(), std::size_t(3));
        QCOMPARE(d.polylines.size(), std::size_t(1));
        QCOMPARE(d.polylines[0].points.size(), std::size_t(3));
        QVERIFY(near(d.polylines[0].points[2], Point2{10, 10}));
        QCOMPARE(d.labels.size(), std::size_t(3));
        QCOMPARE(d.labels[2].text, std::string("c"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, drawDesign(s, {0, 0}, false));
        // A non-finite point is left out rather than drawn at infinity.
        const Drawing partial = drawDesign(s, {0, 0, std::nan(""), 0, 10, 10, 42}, true);
        QCOMPARE(partial.circles.size(), std::size_t(2));
        QVERIFY(partial.bounds().valid());
    }
};

QTEST_APPLESS_MAIN(TestGeometryExport)
#include "TestGeometryExport.moc"
