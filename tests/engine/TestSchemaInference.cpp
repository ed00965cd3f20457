// SchemaInference and SchemaJson: naming conventions, content-based roles, overrides, and a
// schema file that round-trips exactly and rejects malformed input with the field's name.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/data/ColumnLabel.h"
#include "core/data/CsvReader.h"
#include "core/data/DataError.h"
#include "core/data/SchemaInference.h"
#include "core/data/SchemaJson.h"

using Strings = std::vector<std::string>;
using Overrides = std::map<std::string, ms::ColumnOverride>;
Q_DECLARE_METATYPE(std::string)
Q_DECLARE_METATYPE(Strings)
Q_DECLARE_METATYPE(Overrides)

namespace {

// A CSV whose rows are generated: column name -> cell for row r.
std::string makeCsv(const Strings& header, std::size_t rows,
                    const std::function<std::string(const std::string&, std::size_t)>& cell) {
    std::string text;
    for (std::size_t c = 0; c < header.size(); ++c) text += (c ? "," : "") + header[c];
    text += "\n";
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < header.size(); ++c) text += (c ? "," : "") + cell(header[c], r);
        text += "\n";
    }
    return text;
}

Strings keypointNames(const ms::Schema& s) {
    Strings names;
    for (const ms::KeypointSpec& k : s.keypoints) names.push_back(k.name);
    return names;
}

Strings categoricalColumns(const ms::Schema& s) {
    Strings names;
    for (const ms::CategoricalSpec& c : s.categorical) names.push_back(c.column);
    return names;
}

Strings numericalColumns(const ms::Schema& s) {
    Strings names;
    for (const ms::NumericalSpec& n : s.numerical) names.push_back(n.column);
    return names;
}

const ms::CategoricalSpec* findCategorical(const ms::Schema& s, const std::string& column) {
    for (const ms::CategoricalSpec& c : s.categorical)
        if (c.column == column) return &c;
    return nullptr;
}

// A varied table: 40 rows with keypoints, text, few-valued and many-valued integers, floats.
ms::CsvTable mixedTable() {
    const Strings header{"", "id", "x_a", "y_a", "style", "gears", "teeth", "ratio", "blank", "sparse"};
    return ms::parseCsv(makeCsv(header, 40,
                                [](const std::string& col, std::size_t r) -> std::string {
                                    if (col.empty() || col == "id") return std::to_string(r + 100);
                                    if (col == "x_a") return std::to_string(r) + ".25";
                                    if (col == "y_a") return std::to_string(2 * r) + ".5";
                                    if (col == "style") return r % 3 == 0 ? "road" : (r % 3 == 1 ? "mtb" : "BMX");
                                    if (col == "gears") return std::to_string((r % 3) * 9 + 1);  // 1, 10, 19
                                    if (col == "teeth") return std::to_string(20 + r % 20);
                                    if (col == "ratio") return r % 2 ? "0.5" : "1.5";
                                    if (col == "sparse") return r % 4 == 0 ? std::to_string(r) : std::string();
                                    return "";
                                }),
                        "mixed.csv");
}

}  // namespace

class TestSchemaInference : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void keypointNamingStyles_data();
    void keypointNamingStyles();
    void rolesFromContents();
    void integerClassesSortNumerically();
    void equalNumbersMakeOneClass();
    void indexColumns_data();
    void indexColumns();
    void overridesWin();
    void overrideKeypoints();
    void badOverrides_data();
    void badOverrides();
    void describeMentionsEveryColumn();
    void schemaEqualityIsExact();
    void jsonRoundTrip();
    void labelsAndWholeNumbers();
    void fileRoundTrip();
    void jsonValidation_data();
    void jsonValidation();
    void jsonSyntaxErrorNamesFileAndPosition();
    void overflowingNumberInSchemaFileNamesTheFile();
    void missingSchemaFileIsAnError();
};

void TestSchemaInference::keypointNamingStyles_data() {
    QTest::addColumn<Strings>("header");
    QTest::addColumn<Strings>("names");
    QTest::addColumn<Strings>("xColumns");
    QTest::addColumn<Strings>("numerical");
    QTest::newRow("prefix") << Strings{"x_hub", "y_hub", "x_BB", "y_BB"} << Strings{"hub", "BB"}
                            << Strings{"x_hub", "x_BB"} << Strings{};
    QTest::newRow("suffix") << Strings{"hub_x", "hub_y", "BB_X", "BB_Y"} << Strings{"hub", "BB"}
                            << Strings{"hub_x", "BB_X"} << Strings{};
    QTest::newRow("mixed case and style") << Strings{"X_hub", "y_hub", "saddle_Y", "saddle_x"}
                                          << Strings{"hub", "saddle"} << Strings{"X_hub", "saddle_x"} << Strings{};
    QTest::newRow("order of first appearance") << Strings{"y_b", "x_a", "w", "x_b", "y_a"} << Strings{"b", "a"}
                                               << Strings{"x_b", "x_a"} << Strings{"w"};
    QTest::newRow("unpaired x is numerical") << Strings{"x_lonely", "x_a", "y_a", "y_other"} << Strings{"a"}
                                             << Strings{"x_a"} << Strings{"x_lonely", "y_other"};
    QTest::newRow("styles do not pair across") << Strings{"x_a", "a_y"} << Strings{} << Strings{}
                                               << Strings{"x_a", "a_y"};
    QTest::newRow("stem is case sensitive") << Strings{"x_a", "y_A"} << Strings{} << Strings{}
                                            << Strings{"x_a", "y_A"};
    QTest::newRow("same stem in both styles") << Strings{"x_a", "y_a", "a_x", "a_y"} << Strings{"a", "a_2"}
                                              << Strings{"x_a", "a_x"} << Strings{};
}

void TestSchemaInference::keypointNamingStyles() {
    QFETCH(Strings, header);
    QFETCH(Strings, names);
    QFETCH(Strings, xColumns);
    QFETCH(Strings, numerical);
    const ms::CsvTable t =
        ms::parseCsv(makeCsv(header, 30, [](const std::string&, std::size_t r) { return std::to_string(r * 1.5); }),
                     "kp.csv");
    const ms::Schema s = ms::inferSchema(t);
    QCOMPARE(keypointNames(s), names);
    Strings xs;
    for (const ms::KeypointSpec& k : s.keypoints) {
        xs.push_back(k.xColumn);
        QVERIFY(k.yColumn != k.xColumn);
    }
    QCOMPARE(xs, xColumns);
    QCOMPARE(numericalColumns(s), numerical);
    QVERIFY(s.categorical.empty());
    QCOMPARE(s.outputDim(), 2 * names.size());
}

void TestSchemaInference::rolesFromContents() {
    const ms::Schema s = ms::inferSchema(mixedTable());
    QCOMPARE(keypointNames(s), (Strings{"a"}));
    QCOMPARE(s.keypoints[0].yColumn, std::string("y_a"));
    QVERIFY(s.outputs.empty());
    QCOMPARE(categoricalColumns(s), (Strings{"style", "gears"}));
    QCOMPARE(findCategorical(s, "style")->classes, (Strings{"BMX", "mtb", "road"}));  // bytewise order
    QCOMPARE(numericalColumns(s), (Strings{"teeth", "ratio", "sparse"}));
    QCOMPARE(s.numerical[0].min, 20.0);
    QCOMPARE(s.numerical[0].max, 39.0);
    QCOMPARE(s.numerical[1].min, 0.5);  // few distinct values, but not integers: numerical
    QCOMPARE(s.numerical[1].max, 1.5);
    // Empty cells don't count: 10 distinct integers in 10 filled cells are not few.
    QCOMPARE(s.numerical[2].min, 0.0);
    QCOMPARE(s.numerical[2].max, 36.0);
    QCOMPARE(s.ignored, (Strings{"Unnamed: 0", "id", "blank"}));
}

void TestSchemaInference::integerClassesSortNumerically() {
    const ms::CsvTable t = ms::parseCsv(
        makeCsv({"level"}, 30, [](const std::string&, std::size_t r) { return std::to_string(static_cast<int>(r % 4) * 5 - 5); }),
        "levels.csv");
    const ms::Schema s = ms::inferSchema(t);
    QCOMPARE(categoricalColumns(s), (Strings{"level"}));
    QCOMPARE(s.categorical[0].classes, (Strings{"-5", "0", "5", "10"}));
}

void TestSchemaInference::equalNumbersMakeOneClass() {
    const ms::CsvTable t = ms::parseCsv(
        makeCsv({"fork"}, 20, [](const std::string&, std::size_t r) { return r % 2 ? "1.0" : (r % 4 ? "2" : "1"); }),
        "fork.csv");
    const ms::Schema s = ms::inferSchema(t);
    QCOMPARE(categoricalColumns(s), (Strings{"fork"}));
    QCOMPARE(s.categorical[0].classes, (Strings{"1", "2"}));
}

void TestSchemaInference::indexColumns_data() {
    QTest::addColumn<std::string>("name");
    QTest::addColumn<bool>("unique");
    QTest::addColumn<bool>("ignored");
    QTest::newRow("pandas unnamed") << std::string("Unnamed: 0") << false << true;
    QTest::newRow("Bike index") << std::string("Bike index") << true << true;
    QTest::newRow("INDEX") << std::string("INDEX") << true << true;
    QTest::newRow("id") << std::string("id") << true << true;
    QTest::newRow("ID") << std::string("ID") << true << true;
    QTest::newRow("index but repeated") << std::string("index") << false << false;
    QTest::newRow("unique but not an id name") << std::string("serial") << true << false;
    QTest::newRow("idle is not id") << std::string("idle") << true << false;
}

void TestSchemaInference::indexColumns() {
    QFETCH(std::string, name);
    QFETCH(bool, unique);
    QFETCH(bool, ignored);
    const ms::CsvTable t = ms::parseCsv(makeCsv({name, "v"}, 30,
                                                [&](const std::string& col, std::size_t r) {
                                                    if (col == "v") return std::to_string(r % 7) + ".5";
                                                    return std::to_string(unique ? 3 * r : r % 20);
                                                }),
                                        "ids.csv");
    const ms::Schema s = ms::inferSchema(t);
    QCOMPARE(s.ignored == Strings{name}, ignored);
    if (!ignored) QCOMPARE(numericalColumns(s).front(), name);
}

void TestSchemaInference::overridesWin() {
    const Overrides overrides{{"teeth", {ms::ColumnRole::Output}},
                              {"gears", {ms::ColumnRole::Numerical}},
                              {"ratio", {ms::ColumnRole::Categorical}},
                              {"style", {ms::ColumnRole::Ignore}},
                              {"id", {ms::ColumnRole::Categorical}}};
    const ms::Schema s = ms::inferSchema(mixedTable(), overrides);
    QCOMPARE(s.outputs.size(), std::size_t(1));
    QCOMPARE(s.outputs[0].column, std::string("teeth"));
    QCOMPARE(s.outputDim(), std::size_t(3));
    QCOMPARE(categoricalColumns(s), (Strings{"id", "ratio"}));
    QCOMPARE(findCategorical(s, "ratio")->classes, (Strings{"0.5", "1.5"}));
    QCOMPARE(findCategorical(s, "id")->classes.size(), std::size_t(40));
    QCOMPARE(findCategorical(s, "id")->classes[2], std::string("102"));
    QCOMPARE(numericalColumns(s), (Strings{"gears", "sparse"}));
    QCOMPARE(s.numerical[0].min, 1.0);
    QCOMPARE(s.numerical[0].max, 19.0);
    QCOMPARE(s.ignored, (Strings{"Unnamed: 0", "style", "blank"}));
}

void TestSchemaInference::overrideKeypoints() {
    const ms::CsvTable t = ms::parseCsv(makeCsv({"x_a", "y_a", "hub_h", "hub_v", "w"}, 30,
                                                [](const std::string&, std::size_t r) { return std::to_string(r); }),
                                        "kp.csv");
    // The overridden x_a no longer pairs by convention; y_a stays an ordinary column.
    const Overrides overrides{{"hub_v", {ms::ColumnRole::KeypointY, "hub"}},
                              {"hub_h", {ms::ColumnRole::KeypointX, "hub"}},
                              {"w", {ms::ColumnRole::KeypointY, "a"}},
                              {"x_a", {ms::ColumnRole::KeypointX, "a"}}};
    const ms::Schema s = ms::inferSchema(t, overrides);
    QCOMPARE(keypointNames(s), (Strings{"a", "hub"}));
    QCOMPARE(s.keypoints[0].xColumn, std::string("x_a"));
    QCOMPARE(s.keypoints[0].yColumn, std::string("w"));
    QCOMPARE(s.keypoints[1].xColumn, std::string("hub_h"));
    QCOMPARE(s.keypoints[1].yColumn, std::string("hub_v"));
    QCOMPARE(numericalColumns(s), (Strings{"y_a"}));
}

void TestSchemaInference::badOverrides_data() {
    QTest::addColumn<Overrides>("overrides");
    QTest::addColumn<std::string>("column");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing column") << Overrides{{"nope", {ms::ColumnRole::Output}}} << std::string("nope")
                                    << "the CSV has no column of that name";
    QTest::newRow("only x") << Overrides{{"teeth", {ms::ColumnRole::KeypointX, "k"}}} << std::string("teeth")
                            << "keypoint 'k' has an x column but no y column";
    QTest::newRow("only y") << Overrides{{"x_a", {ms::ColumnRole::KeypointY, "k"}}} << std::string("x_a")
                            << "keypoint 'k' has a y column but no x column";
    QTest::newRow("two x columns") << Overrides{{"teeth", {ms::ColumnRole::KeypointX, "k"}},
                                                {"gears", {ms::ColumnRole::KeypointX, "k"}},
                                                {"ratio", {ms::ColumnRole::KeypointY, "k"}}}
                                   << std::string("teeth") << "already has an x column ('gears')";
    QTest::newRow("keypoint without name") << Overrides{{"teeth", {ms::ColumnRole::KeypointX, ""}}}
                                           << std::string("teeth") << "needs a keypoint name";
    QTest::newRow("numerical on text") << Overrides{{"style", {ms::ColumnRole::Numerical}}} << std::string("style")
                                       << "overridden as numerical, but 'road' is not a number";
    QTest::newRow("categorical on empty") << Overrides{{"blank", {ms::ColumnRole::Categorical}}}
                                          << std::string("blank") << "no values";
}

void TestSchemaInference::badOverrides() {
    QFETCH(Overrides, overrides);
    QFETCH(std::string, column);
    QFETCH(QString, message);
    try {
        ms::inferSchema(mixedTable(), overrides);
        QFAIL("inferSchema accepted a bad override");
    } catch (const ms::DataError& e) {
        QCOMPARE(e.file(), std::string("mixed.csv"));
        QCOMPARE(e.column(), column);
        QVERIFY2(QString(e.what()).contains(message), e.what());
    }
}

void TestSchemaInference::describeMentionsEveryColumn() {
    const ms::Schema s = ms::inferSchema(mixedTable());
    const QString text = QString::fromStdString(ms::describeSchema(s));
    for (const char* expected : {"Output vector: 2 values", "a  [x: x_a, y: y_a]", "style  3 classes: BMX, mtb, road",
                                 "gears  3 classes: 1, 10, 19", "teeth  range 20 .. 39", "'Unnamed: 0'", "'blank'"})
        QVERIFY2(text.contains(expected), qPrintable(text));
}

void TestSchemaInference::schemaEqualityIsExact() {
    const ms::Schema a = ms::inferSchema(mixedTable());
    ms::Schema b = a;
    QVERIFY(a == b);
    b.numerical[0].max = std::nextafter(b.numerical[0].max, 1e9);
    QVERIFY(a != b);
    b = a;
    b.categorical[0].classes.back() += " ";
    QVERIFY(a != b);
    b = a;
    b.keypoints[0].yColumn = "other";
    QVERIFY(a != b);
    b = a;
    b.ignored.pop_back();
    QVERIFY(a != b);
    b = a;
    b.outputs.push_back({"extra"});
    QVERIFY(a != b);
}

void TestSchemaInference::jsonRoundTrip() {
    ms::Schema s = ms::inferSchema(mixedTable(), {{"teeth", {ms::ColumnRole::Output}}});
    s.numerical.push_back({"awkward", 0.1 + 0.2, 1.0 / 3.0});
    s.numerical.push_back({"extreme", -1.7976931348623157e308, 4.9e-324});
    s.categorical.push_back({"unicode, \"quoted\"", {"Größe", "a,b", " padded "}});
    const nlohmann::json j = ms::schemaToJson(s);
    QCOMPARE(j.at("format").get<std::string>(), std::string("maskstudio-schema"));
    QCOMPARE(j.at("version").get<int>(), 1);
    const ms::Schema back = ms::schemaFromJson(nlohmann::json::parse(j.dump()), "round.json");
    QVERIFY(back == s);
}

// Issue 18: raw column names everywhere. Conditions read tidily ("frame_size" -> "Frame size",
// GeoBIKED's one-hot "bottle SEATTUBE0 show OHCLASS: True" -> "Bottle seattube 0"); a label the
// user gave is kept in the schema file and wins; whole-number columns are marked by inference and
// kept too; neither takes part in schema equality. Bad values name their field.
void TestSchemaInference::labelsAndWholeNumbers() {
    QCOMPARE(ms::tidyColumnLabel("frame_size"), std::string("Frame size"));
    QCOMPARE(ms::tidyColumnLabel("BikeStyle"), std::string("Bike style"));
    QCOMPARE(ms::tidyColumnLabel("RIM_STYLE front"), std::string("Rim style front"));
    QCOMPARE(ms::tidyColumnLabel("bottle SEATTUBE0 show OHCLASS: True"), std::string("Bottle seattube 0"));
    QCOMPARE(ms::tidyColumnLabel("Teeth on chainring"), std::string("Teeth on chainring"));
    QCOMPARE(ms::tidyColumnLabel("x_BB"), std::string("X BB"));  // two capitals stay an abbreviation
    QCOMPARE(ms::tidyColumnLabel("drag_coefficient"), std::string("Drag coefficient"));
    QCOMPARE(ms::tidyColumnLabel("__"), std::string("__"));  // nothing to tidy: as it was

    ms::Schema s = ms::inferSchema(mixedTable());
    QVERIFY(s.numerical[0].wholeNumbers);   // teeth: 20..39
    QVERIFY(!s.numerical[1].wholeNumbers);  // ratio: 0.5..1.5
    QCOMPARE(ms::conditionLabel(s, 0), std::string("Style"));
    const ms::Schema plain = s;
    s.categorical[0].label = "Riding style";
    s.numerical[1].label = "Gear ratio (front / rear)";
    QCOMPARE(ms::conditionLabel(s, 0), std::string("Riding style"));
    QCOMPARE(ms::conditionLabel(s, s.categorical.size() + 1), std::string("Gear ratio (front / rear)"));
    QCOMPARE(ms::conditionLabel(s, s.categorical.size()), std::string("Teeth"));
    QVERIFY_THROWS_EXCEPTION(std::out_of_range, ms::conditionLabel(s, s.conditionCount()));
    QVERIFY(s == plain);  // presentation only

    const nlohmann::json j = ms::schemaToJson(s);
    QCOMPARE(j.at("categorical")[0].at("label").get<std::string>(), std::string("Riding style"));
    QVERIFY(!j.at("categorical")[1].contains("label"));  // not written when empty
    QVERIFY(j.at("numerical")[0].at("wholeNumbers").get<bool>());
    QVERIFY(!j.at("numerical")[1].contains("wholeNumbers"));
    const ms::Schema back = ms::schemaFromJson(nlohmann::json::parse(j.dump()), "labels.json");
    QCOMPARE(back.categorical[0].label, std::string("Riding style"));
    QCOMPARE(back.numerical[1].label, std::string("Gear ratio (front / rear)"));
    QVERIFY(back.numerical[0].wholeNumbers && !back.numerical[1].wholeNumbers);

    const std::string head = R"({"format": "maskstudio-schema", "version": 1, )";
    const auto refused = [](const std::string& text) {
        try {
            (void)ms::schemaFromJson(nlohmann::json::parse(text), "bad.json");
        } catch (const ms::DataError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    QVERIFY(refused(head + R"("categorical": [{"column": "c", "classes": ["a"], "label": 3}]})").find("categorical[0].label: must be a string") !=
            std::string::npos);
    QVERIFY(refused(head + R"("numerical": [{"column": "n", "min": 0, "max": 1, "wholeNumbers": "yes"}]})")
                .find("numerical[0].wholeNumbers: must be true or false") != std::string::npos);
}

void TestSchemaInference::fileRoundTrip() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("schema.json").toStdString();
    const ms::Schema s = ms::inferSchema(mixedTable());
    ms::saveSchemaFile(s, path);
    QVERIFY(ms::loadSchemaFile(path) == s);
}

void TestSchemaInference::jsonValidation_data() {
    QTest::addColumn<std::string>("text");
    QTest::addColumn<QString>("message");
    const std::string head = R"("format": "maskstudio-schema", "version": 1)";
    const std::string twoCategorical =
        R"({"column": "c0", "classes": ["a"]}, {"column": "c1", "classes": ["b"]}, )";
    QTest::newRow("not an object") << std::string("[1, 2]") << "the schema must be a JSON object";
    QTest::newRow("no format") << std::string(R"({"version": 1})") << "format: missing";
    QTest::newRow("wrong format") << std::string(R"({"format": "maskstudio-preset", "version": 1})")
                                  << "format: expected \"maskstudio-schema\"";
    QTest::newRow("no version") << std::string(R"({"format": "maskstudio-schema"})") << "version: missing";
    QTest::newRow("newer version") << std::string(R"({"format": "maskstudio-schema", "version": 2})")
                                   << "version: 2 is not supported";
    QTest::newRow("version as text") << std::string(R"({"format": "maskstudio-schema", "version": "1"})")
                                     << "version: must be an integer";
    QTest::newRow("unknown field") << "{" + head + R"(, "keypionts": []})" << "keypionts: unknown field";
    QTest::newRow("keypoints not array") << "{" + head + R"(, "keypoints": {}})" << "keypoints: must be an array";
    QTest::newRow("keypoint without name") << "{" + head + R"(, "keypoints": [{"xColumn": "x", "yColumn": "y"}]})"
                                           << "keypoints[0].name: missing";
    QTest::newRow("keypoint with empty column")
        << "{" + head + R"(, "keypoints": [{"name": "k", "xColumn": "", "yColumn": "y"}]})"
        << "keypoints[0].xColumn: must be a non-empty string";
    QTest::newRow("keypoint unknown field")
        << "{" + head + R"(, "keypoints": [{"name": "k", "xColumn": "x", "yColumn": "y", "z": 1}]})"
        << "keypoints[0].z: unknown field";
    QTest::newRow("duplicate keypoint name")
        << "{" + head +
               R"(, "keypoints": [{"name": "k", "xColumn": "x", "yColumn": "y"}, {"name": "k", "xColumn": "x2", "yColumn": "y2"}]})"
        << "keypoints[1].name: duplicate keypoint name 'k'";
    QTest::newRow("column used twice")
        << "{" + head + R"(, "keypoints": [{"name": "k", "xColumn": "x", "yColumn": "y"}], "ignored": ["y"]})"
        << "ignored[0]: column 'y' is already used by keypoints[0].yColumn";
    QTest::newRow("output not object") << "{" + head + R"(, "outputs": ["w"]})" << "outputs[0]: must be an object";
    QTest::newRow("classes not array") << "{" + head + R"(, "categorical": [)" + twoCategorical +
                                              R"({"column": "c2", "classes": "a"}]})"
                                       << "categorical[2].classes: must be a non-empty array of strings";
    QTest::newRow("classes empty") << "{" + head + R"(, "categorical": [)" + twoCategorical +
                                          R"({"column": "c2", "classes": []}]})"
                                   << "categorical[2].classes: must be a non-empty array of strings";
    QTest::newRow("classes with a number") << "{" + head + R"(, "categorical": [{"column": "c", "classes": ["a", 1]}]})"
                                           << "categorical[0].classes: must be a non-empty array of strings";
    QTest::newRow("empty class") << "{" + head + R"(, "categorical": [{"column": "c", "classes": ["a", ""]}]})"
                                 << "categorical[0].classes[1]: empty class name";
    QTest::newRow("duplicate class") << "{" + head + R"(, "categorical": [{"column": "c", "classes": ["a", "b", "a"]}]})"
                                     << "categorical[0].classes[2]: duplicate class 'a'";
    QTest::newRow("equal numeric classes")
        << "{" + head + R"(, "categorical": [{"column": "c", "classes": ["1", "2", "1.0"]}]})"
        << "categorical[0].classes[2]: class '1.0' is the same number as class '1'";
    QTest::newRow("categorical without column") << "{" + head + R"(, "categorical": [{"classes": ["a"]}]})"
                                                << "categorical[0].column: missing";
    QTest::newRow("min is text") << "{" + head + R"(, "numerical": [{"column": "n", "min": "0", "max": 1}]})"
                                 << "numerical[0].min: must be a number";
    QTest::newRow("max missing") << "{" + head + R"(, "numerical": [{"column": "n", "min": 0}]})"
                                 << "numerical[0].max: missing";
    QTest::newRow("min above max") << "{" + head + R"(, "numerical": [{"column": "n", "min": 2, "max": 1}]})"
                                   << "numerical[0]: min (2) is greater than max (1)";
    QTest::newRow("ignored not string") << "{" + head + R"(, "ignored": [3]})"
                                        << "ignored[0]: must be a non-empty string";
}

void TestSchemaInference::jsonValidation() {
    QFETCH(std::string, text);
    QFETCH(QString, message);
    try {
        ms::schemaFromJson(nlohmann::json::parse(text), "user.json");
        QFAIL("schemaFromJson accepted an invalid schema");
    } catch (const ms::DataError& e) {
        QCOMPARE(e.file(), std::string("user.json"));
        const QString what = QString::fromStdString(e.what());
        QVERIFY2(what.startsWith("user.json: "), qPrintable(what));
        QVERIFY2(what.contains(message), qPrintable(what));
    }
}

void TestSchemaInference::jsonSyntaxErrorNamesFileAndPosition() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("broken.json").toStdString();
    {
        std::ofstream out(path);
        out << "{\n  \"format\": \"maskstudio-schema\",\n  \"version\": 1,,\n}\n";
    }
    try {
        ms::loadSchemaFile(path);
        QFAIL("loadSchemaFile accepted broken JSON");
    } catch (const ms::DataError& e) {
        QCOMPARE(e.file(), path);
        QCOMPARE(e.line(), 3L);
        const QString what = QString::fromStdString(e.what());
        QVERIFY2(what.contains("invalid JSON at byte 51"), qPrintable(what));
        QVERIFY2(what.startsWith(QString::fromStdString(path) + ":3: "), qPrintable(what));
    }
}

void TestSchemaInference::overflowingNumberInSchemaFileNamesTheFile() {
    // Valid JSON syntax, but a number no double holds (found by tests/fuzz): the file is named.
    QTemporaryDir dir;
    const std::string path = dir.filePath("overflow.json").toStdString();
    std::ofstream(path) << R"({"format": "maskstudio-schema", "numerical": [{"column": "n", "min": 1e999999, "max": 2}]})";
    try {
        ms::loadSchemaFile(path);
        QFAIL("loadSchemaFile accepted a number out of range");
    } catch (const ms::DataError& e) {
        QCOMPARE(e.file(), path);
    }
}

void TestSchemaInference::missingSchemaFileIsAnError() {
    QVERIFY_THROWS_EXCEPTION(ms::DataError, ms::loadSchemaFile("/nonexistent-maskstudio-dir/schema.json"));
}

QTEST_APPLESS_MAIN(TestSchemaInference)
#include "TestSchemaInference.moc"
