// The real GeoBIKED table (../shared/data, via MASKSTUDIO_SHARED_DATA): inference must find the
// published layout by itself, and every one of its 4355 rows must build.
#include <QtTest>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "core/data/CsvReader.h"
#include "core/data/DataError.h"
#include "core/data/DesignTableBuilder.h"
#include "core/data/SchemaInference.h"
#include "core/data/SchemaJson.h"

using Strings = std::vector<std::string>;

class TestGeobikedSchema : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void keypointsInPublishedOrder();
    void conditionsAndIgnoredColumns();
    void buildsEveryRow();
    void presetOverridesMakeWheelsOutputs();
    void schemaFileRoundTrip();

private:
    ms::CsvTable m_csv;
    ms::Schema m_schema;
};

void TestGeobikedSchema::initTestCase() {
    // Never skipped: a missing data set must show up as a failure, not as a silent pass.
    const char* shared = std::getenv("MASKSTUDIO_SHARED_DATA");
    if (!shared || !*shared)
        QFAIL("MASKSTUDIO_SHARED_DATA is not set: point it at the shared data folder (e.g. ../shared/data), "
              "which holds geobiked/df_parameters_final.csv");
    const std::string path = std::string(shared) + "/geobiked/df_parameters_final.csv";
    if (!std::filesystem::is_regular_file(path))
        QFAIL(qPrintable(QString("GeoBIKED data not found at %1 (from MASKSTUDIO_SHARED_DATA)")
                             .arg(QString::fromStdString(path))));
    try {
        m_csv = ms::readCsvFile(path);
        m_schema = ms::inferSchema(m_csv);
    } catch (const ms::DataError& e) {
        QFAIL(e.what());
    }
}

void TestGeobikedSchema::keypointsInPublishedOrder() {
    const Strings expected{"rear_wheel_center",
                           "BB",
                           "front_wheel_center",
                           "head_tube_top",
                           "rear_tube_connect_seat_tube",
                           "top_tube_connect_seat_tube",
                           "top_tube_connect_head_tube",
                           "down_tube_connect_head_tube",
                           "stem_top",
                           "front_fork",
                           "saddle_top",
                           "seat_tube_top"};
    QCOMPARE(m_schema.keypoints.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        QCOMPARE(m_schema.keypoints[i].name, expected[i]);
        QCOMPARE(m_schema.keypoints[i].xColumn, "x_" + expected[i]);
        QCOMPARE(m_schema.keypoints[i].yColumn, "y_" + expected[i]);
    }
    QVERIFY(m_schema.outputs.empty());  // conventions can't know the wheel diameters are outputs
}

void TestGeobikedSchema::conditionsAndIgnoredColumns() {
    QCOMPARE(m_schema.ignored, (Strings{"Unnamed: 0", "Bike index"}));

    std::map<std::string, Strings> classes;
    Strings categorical;
    for (const ms::CategoricalSpec& c : m_schema.categorical) {
        categorical.push_back(c.column);
        classes[c.column] = c.classes;
    }
    QCOMPARE(categorical, (Strings{"BikeStyle", "bottle SEATTUBE0 show OHCLASS: True",
                                   "bottle DOWNTUBE0 show OHCLASS: True", "frame_size", "RIM_STYLE front",
                                   "RIM_STYLE rear", "Fork type"}));
    QCOMPARE(classes["BikeStyle"].size(), std::size_t(20));
    QVERIFY(std::is_sorted(classes["BikeStyle"].begin(), classes["BikeStyle"].end()));
    for (const char* style : {"ROAD", "MTB", "TRACK", "DIRT", "FAT"})
        QVERIFY2(std::count(classes["BikeStyle"].begin(), classes["BikeStyle"].end(), style) == 1, style);
    QCOMPARE(classes["bottle SEATTUBE0 show OHCLASS: True"], (Strings{"0", "1"}));
    QCOMPARE(classes["bottle DOWNTUBE0 show OHCLASS: True"], (Strings{"0", "1"}));
    QCOMPARE(classes["frame_size"], (Strings{"L", "M", "S", "XL", "XS"}));
    QCOMPARE(classes["RIM_STYLE front"], (Strings{"disc", "spoked", "trispoke"}));
    QCOMPARE(classes["RIM_STYLE rear"], (Strings{"disc", "spoked", "trispoke"}));
    QCOMPARE(classes["Fork type"], (Strings{"0", "1", "2"}));

    Strings numerical;
    for (const ms::NumericalSpec& n : m_schema.numerical) numerical.push_back(n.column);
    QCOMPARE(numerical, (Strings{"Wheel diameter rear", "Wheel diameter front", "Teeth on chainring"}));
    QCOMPARE(m_schema.numerical[2].min, 0.0);
    QCOMPARE(m_schema.numerical[2].max, 139.0);
    QVERIFY(m_schema.numerical[0].min < m_schema.numerical[0].max);
}

void TestGeobikedSchema::buildsEveryRow() {
    const ms::DesignTable t = ms::buildDesignTable(m_csv, m_schema);
    QCOMPARE(t.rows, std::size_t(4355));
    QCOMPARE(t.outputDim, std::size_t(24));
    QCOMPARE(t.lineNumbers.front(), 2L);
    QCOMPARE(t.lineNumbers.back(), 4356L);
    // README: ROAD 1803 rows, MTB 599, TRACK 448.
    const ms::CategoricalSpec& style = m_schema.categorical[0];
    std::map<std::string, int> counts;
    for (std::size_t r = 0; r < t.rows; ++r) {
        QVERIFY(t.category(r, 0) >= 0);
        ++counts[style.classes[static_cast<std::size_t>(t.category(r, 0))]];
    }
    QCOMPARE(counts["ROAD"], 1803);
    QCOMPARE(counts["MTB"], 599);
    QCOMPARE(counts["TRACK"], 448);
}

void TestGeobikedSchema::presetOverridesMakeWheelsOutputs() {
    const std::map<std::string, ms::ColumnOverride> overrides{
        {"Wheel diameter rear", {ms::ColumnRole::Output}}, {"Wheel diameter front", {ms::ColumnRole::Output}}};
    const ms::Schema s = ms::inferSchema(m_csv, overrides);
    QCOMPARE(s.outputs.size(), std::size_t(2));
    QCOMPARE(s.outputs[0].column, std::string("Wheel diameter rear"));
    QCOMPARE(s.outputs[1].column, std::string("Wheel diameter front"));
    QCOMPARE(s.outputDim(), std::size_t(26));
    QCOMPARE(s.categorical.size(), std::size_t(7));
    QCOMPARE(s.numerical.size(), std::size_t(1));
    QCOMPARE(s.numerical[0].column, std::string("Teeth on chainring"));
    QCOMPARE(s.conditionCount(), std::size_t(8));
    const ms::DesignTable t = ms::buildDesignTable(m_csv, s);
    QCOMPARE(t.rows, std::size_t(4355));
    QCOMPARE(t.outputDim, std::size_t(26));
    QCOMPARE(t.output(0, 24), 689.0);  // first row's rear wheel diameter
}

void TestGeobikedSchema::schemaFileRoundTrip() {
    const ms::Schema back = ms::schemaFromJson(nlohmann::json::parse(ms::schemaToJson(m_schema).dump(2)), "geobiked");
    QVERIFY(back == m_schema);
}

QTEST_APPLESS_MAIN(TestGeobikedSchema)
#include "TestGeobikedSchema.moc"
