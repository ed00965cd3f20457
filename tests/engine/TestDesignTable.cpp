// DesignTableBuilder: every bad cell reported with file, line and column; unknown conditions kept
// as unknown; and a written design CSV that reads back bit for bit.
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "core/data/CsvReader.h"
#include "core/data/DataError.h"
#include "core/data/DesignTableBuilder.h"
#include "core/data/Schema.h"
#include "core/data/UnknownCell.h"

Q_DECLARE_METATYPE(std::string)

namespace {

// px,py: a keypoint; out: an extra output; style, fork: categorical; w: numerical.
ms::Schema testSchema() {
    ms::Schema s;
    s.keypoints.push_back({"p", "px", "py"});
    s.outputs.push_back({"out"});
    s.categorical.push_back({"style", {"a", "b", "c"}});
    s.categorical.push_back({"fork", {"0", "1", "2"}});
    s.numerical.push_back({"w", 0.0, 10.0});
    return s;
}

const std::string kHeader = "id,px,py,out,style,fork,w\n";

bool sameBits(double a, double b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

class TestDesignTable : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void buildsValuesInSchemaOrder();
    void emptyConditionsAreUnknown();
    void numericClassesMatchByValue();
    void badCells_data();
    void badCells();
    void unknownClassListIsTruncated();
    void missingColumn();
    void writeReadRoundTripIsExact();
    void writeRejectsNonFiniteOutput();
};

void TestDesignTable::buildsValuesInSchemaOrder() {
    const ms::CsvTable csv = ms::parseCsv(kHeader + "7,1.5,-2,100,b,2,3.25\n\n8,0,1e3,0.1,a,0,10\n", "ok.csv");
    const ms::DesignTable t = ms::buildDesignTable(csv, testSchema());
    QCOMPARE(t.rows, std::size_t(2));
    QCOMPARE(t.outputDim, std::size_t(3));
    QCOMPARE(t.categoricalCount, std::size_t(2));
    QCOMPARE(t.numericalCount, std::size_t(1));
    QCOMPARE(t.output(0, 0), 1.5);
    QCOMPARE(t.output(0, 1), -2.0);
    QCOMPARE(t.output(0, 2), 100.0);
    QCOMPARE(t.output(1, 1), 1000.0);
    QCOMPARE(t.output(1, 2), 0.1);
    QCOMPARE(t.category(0, 0), 1);
    QCOMPARE(t.category(0, 1), 2);
    QCOMPARE(t.category(1, 0), 0);
    QCOMPARE(t.number(0, 0), 3.25);
    QCOMPARE(t.number(1, 0), 10.0);
    QCOMPARE(t.lineNumbers, (std::vector<long>{2, 4}));
}

void TestDesignTable::emptyConditionsAreUnknown() {
    const ms::CsvTable csv = ms::parseCsv(kHeader + "1,1,2,3,,,\n2,1,2,3,c,,\n", "sparse.csv");
    const ms::DesignTable t = ms::buildDesignTable(csv, testSchema());
    QCOMPARE(t.category(0, 0), ms::DesignTable::kUnknownClass);
    QCOMPARE(t.category(0, 1), ms::DesignTable::kUnknownClass);
    QVERIFY(std::isnan(t.number(0, 0)));
    QCOMPARE(t.category(1, 0), 2);
    QVERIFY(std::isnan(t.number(1, 0)));
    // What R, pandas, Excel and databases write for a missing value means unknown too; "None"
    // stays a value (it can be a real class, e.g. no coating).
    const ms::CsvTable markers = ms::parseCsv(kHeader + "1,1,2,3,NA,nan,NaN\n2,1,2,3,#N/A,NULL,?\n3,1,2,3,b,N/A,null\n", "markers.csv");
    const ms::DesignTable m = ms::buildDesignTable(markers, testSchema());
    for (std::size_t r = 0; r < 3; ++r) {
        if (r < 2) QCOMPARE(m.category(r, 0), ms::DesignTable::kUnknownClass);
        QCOMPARE(m.category(r, 1), ms::DesignTable::kUnknownClass);
        QVERIFY(std::isnan(m.number(r, 0)));
    }
    QVERIFY(ms::isUnknownCell("NA") && !ms::isUnknownCell("None") && !ms::isUnknownCell("na") && !ms::isUnknownCell("0"));
}

void TestDesignTable::numericClassesMatchByValue() {
    const ms::CsvTable csv =
        ms::parseCsv(kHeader + "1,1,2,3,a,1.0,\n2,1,2,3,a,1e0,\n3,1,2,3,a,+2,\n4,1,2,3,a,0.00,\n", "numbers.csv");
    const ms::DesignTable t = ms::buildDesignTable(csv, testSchema());
    QCOMPARE(t.category(0, 1), 1);
    QCOMPARE(t.category(1, 1), 1);
    QCOMPARE(t.category(2, 1), 2);
    QCOMPARE(t.category(3, 1), 0);
    // Text classes match exactly: "A" is not "a".
    QVERIFY_THROWS_EXCEPTION(ms::DataError,
                             ms::buildDesignTable(ms::parseCsv(kHeader + "1,1,2,3,A,1,\n", "case.csv"), testSchema()));
}

void TestDesignTable::badCells_data() {
    QTest::addColumn<std::string>("rows");
    QTest::addColumn<long>("line");
    QTest::addColumn<std::string>("column");
    QTest::addColumn<QString>("message");
    const std::string good = "1,1,2,3,a,0,5\n";
    QTest::newRow("unknown class") << good + good + "3,1,2,3,d,0,5\n"
                                   << 4L << std::string("style") << "unknown class 'd' (known classes: 'a', 'b', 'c')";
    QTest::newRow("unknown numeric class")
        << good + "2,1,2,3,a,3,5\n"
        << 3L << std::string("fork") << "unknown class '3' (known classes: '0', '1', '2')";
    QTest::newRow("empty x") << good + "2,,2,3,a,0,5\n"
                             << 3L << std::string("px")
                             << "empty keypoint value: this model needs every keypoint of every row";
    QTest::newRow("empty y") << std::string("2,1,,3,a,0,5\n") << 2L << std::string("py") << "empty keypoint value";
    QTest::newRow("empty output") << std::string("2,1,2,,a,0,5\n") << 2L << std::string("out") << "empty output value";
    QTest::newRow("nan keypoint") << std::string("2,nan,2,3,a,0,5\n") << 2L << std::string("px")
                                  << "'nan' marks the value as missing; empty keypoint value";
    QTest::newRow("NA keypoint") << std::string("2,1,NA,3,a,0,5\n") << 2L << std::string("py")
                                 << "'NA' marks the value as missing; empty keypoint value";
    QTest::newRow("inf output") << std::string("2,1,2,inf,a,0,5\n") << 2L << std::string("out")
                                << "'inf' is not a finite number";
    QTest::newRow("-Infinity numerical") << std::string("2,1,2,3,a,0,-Infinity\n") << 2L << std::string("w")
                                         << "'-Infinity' is not a finite number";
    QTest::newRow("overflow") << std::string("2,1e999,2,3,a,0,5\n") << 2L << std::string("px")
                              << "out of the range of a double";
    QTest::newRow("text in keypoint") << std::string("2,1,2 mm,3,a,0,5\n") << 2L << std::string("py")
                                      << "'2 mm' is not a number";
    QTest::newRow("text in numerical") << std::string("2,1,2,3,a,0,heavy\n") << 2L << std::string("w")
                                       << "'heavy' is not a number";
    QTest::newRow("decimal comma") << std::string("2,1,2,3,a,0,\"2,5\"\n") << 2L << std::string("w")
                                   << "'2,5' is not a number";
    QTest::newRow("after multi-line cell") << std::string("\"multi\nline\",1,2,3,a,0,5\n2,1,2,3,z,0,5\n") << 4L
                                           << std::string("style") << "unknown class 'z'";
}

void TestDesignTable::badCells() {
    QFETCH(std::string, rows);
    QFETCH(long, line);
    QFETCH(std::string, column);
    QFETCH(QString, message);
    const ms::CsvTable csv = ms::parseCsv(kHeader + rows, "bikes.csv");
    try {
        ms::buildDesignTable(csv, testSchema());
        QFAIL("buildDesignTable accepted a bad cell");
    } catch (const ms::DataError& e) {
        QCOMPARE(e.file(), std::string("bikes.csv"));
        QCOMPARE(e.line(), line);
        QCOMPARE(e.column(), column);
        const QString what = QString::fromStdString(e.what());
        const QString where = QString("bikes.csv:%1: column '%2': ").arg(line).arg(QString::fromStdString(column));
        QVERIFY2(what.startsWith(where), qPrintable(what));
        QVERIFY2(what.contains(message), qPrintable(what));
    }
}

void TestDesignTable::unknownClassListIsTruncated() {
    ms::Schema s;
    s.outputs.push_back({"v"});
    ms::CategoricalSpec many{"kind", {}};
    for (int i = 0; i < 15; ++i) many.classes.push_back("k" + std::to_string(i));
    s.categorical.push_back(many);
    try {
        ms::buildDesignTable(ms::parseCsv("v,kind\n1,k3\n2,other\n", "many.csv"), s);
        QFAIL("buildDesignTable accepted an unknown class");
    } catch (const ms::DataError& e) {
        const QString what = QString::fromStdString(e.what());
        QVERIFY2(what.contains("'k0', 'k1'"), qPrintable(what));
        QVERIFY2(what.contains("'k9', ... (5 more)"), qPrintable(what));
        QVERIFY2(!what.contains("k10"), qPrintable(what));
    }
}

void TestDesignTable::missingColumn() {
    ms::Schema s = testSchema();
    s.numerical.push_back({"height", 0.0, 1.0});
    try {
        ms::buildDesignTable(ms::parseCsv(kHeader + "1,1,2,3,a,0,5\n", "short.csv"), s);
        QFAIL("buildDesignTable accepted a CSV without a schema column");
    } catch (const ms::DataError& e) {
        QCOMPARE(e.line(), 1L);
        QCOMPARE(e.column(), std::string("height"));
        QVERIFY2(QString(e.what()).startsWith("short.csv:1: column 'height': "), e.what());
    }
    // Ignored columns are not needed.
    s = testSchema();
    s.ignored.push_back("not there");
    QCOMPARE(ms::buildDesignTable(ms::parseCsv(kHeader + "1,1,2,3,a,0,5\n", "short.csv"), s).rows, std::size_t(1));
}

void TestDesignTable::writeReadRoundTripIsExact() {
    ms::Schema s;
    s.keypoints.push_back({"p", "x_p", "y_p"});
    s.keypoints.push_back({"q", "q_x", "q_y"});
    s.outputs.push_back({"extra, with comma"});
    s.categorical.push_back({"style", {"road", "a,b", "say \"hi\"", " padded ", "multi\nline"}});
    s.categorical.push_back({"fork", {"0", "1", "2.5"}});
    s.numerical.push_back({"w", -1.0, 1.0});
    s.numerical.push_back({"v", 0.0, 1.0});

    ms::DesignTable t;
    t.rows = 200;
    t.outputDim = s.outputDim();
    t.categoricalCount = 2;
    t.numericalCount = 2;
    std::mt19937_64 random(7);
    std::uniform_real_distribution<double> uniform(-2000.0, 2000.0);
    const double specials[] = {0.1, 1.0 / 3.0, -0.0, 1e-300, 4.9e-324, 1.7976931348623157e308, 123456789.0};
    for (std::size_t r = 0; r < t.rows; ++r) {
        for (std::size_t d = 0; d < t.outputDim; ++d)
            t.outputs.push_back(r < 7 && d == 0 ? specials[r] : uniform(random) * std::pow(10.0, int(r % 9) - 4));
        t.categorical.push_back(static_cast<int>(r % 6) - 1);  // -1 is unknown
        t.categorical.push_back(static_cast<int>(r % 4) - 1);
        t.numerical.push_back(r % 5 == 0 ? ms::DesignTable::unknownNumber() : uniform(random) / 3.0);
        t.numerical.push_back(r % 3 == 0 ? ms::DesignTable::unknownNumber() : static_cast<double>(r));
        t.lineNumbers.push_back(0);
    }

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("design.csv").toStdString();
    ms::writeDesignCsv(path, s, t);
    const ms::CsvTable csv = ms::readCsvFile(path);
    QCOMPARE(csv.header,
             (std::vector<std::string>{"x_p", "y_p", "q_x", "q_y", "extra, with comma", "style", "fork", "w", "v"}));
    const ms::DesignTable back = ms::buildDesignTable(csv, s);
    QCOMPARE(back.rows, t.rows);
    QCOMPARE(back.outputDim, t.outputDim);
    for (std::size_t i = 0; i < t.outputs.size(); ++i)
        QVERIFY2(sameBits(back.outputs[i], t.outputs[i]), qPrintable(QString::number(i)));
    QCOMPARE(back.categorical, t.categorical);
    for (std::size_t i = 0; i < t.numerical.size(); ++i) {
        if (std::isnan(t.numerical[i]))
            QVERIFY(std::isnan(back.numerical[i]));
        else
            QVERIFY(sameBits(back.numerical[i], t.numerical[i]));
    }
}

void TestDesignTable::writeRejectsNonFiniteOutput() {
    ms::Schema s;
    s.outputs.push_back({"v"});
    ms::DesignTable t;
    t.rows = 1;
    t.outputDim = 1;
    t.outputs = {std::numeric_limits<double>::infinity()};
    t.lineNumbers = {0};
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY_THROWS_EXCEPTION(ms::DataError, ms::writeDesignCsv(dir.filePath("bad.csv").toStdString(), s, t));
}

QTEST_APPLESS_MAIN(TestDesignTable)
#include "TestDesignTable.moc"
