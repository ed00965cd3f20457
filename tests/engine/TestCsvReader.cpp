// CsvReader: RFC 4180 parsing, line numbers through every line-ending style, and an error naming
// file, line and column for every kind of malformed input.
#include <QTemporaryDir>
#include <QtTest>

#include <random>
#include <string>
#include <vector>

#include "core/data/CsvReader.h"
#include "core/data/DataError.h"

using Rows = std::vector<std::vector<std::string>>;
using Lines = std::vector<long>;
Q_DECLARE_METATYPE(Rows)
Q_DECLARE_METATYPE(Lines)
Q_DECLARE_METATYPE(std::string)

class TestCsvReader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void parsesSimpleTable();
    void lineEndings_data();
    void lineEndings();
    void quotedFields_data();
    void quotedFields();
    void stripsByteOrderMark();
    void trimsUnquotedWhitespace();
    void namesEmptyHeaderCellsLikePandas();
    void otherDelimiters();
    void malformedInput_data();
    void malformedInput();
    void missingFileIsAnError();
    void directoryIsAnError();
    void randomInputNeverCrashes();
    void writeThenReadRoundTrip();
    void writeToBadPathIsAnError();
    void formatNumberRoundTrips_data();
    void formatNumberRoundTrips();
    void parseNumberKinds_data();
    void parseNumberKinds();
};

void TestCsvReader::parsesSimpleTable() {
    const ms::CsvTable t = ms::parseCsv("a,b,c\n1,2,3\n4,5,6\n", "simple.csv");
    QCOMPARE(t.path, std::string("simple.csv"));
    QCOMPARE(t.header, (std::vector<std::string>{"a", "b", "c"}));
    QCOMPARE(t.rows, (Rows{{"1", "2", "3"}, {"4", "5", "6"}}));
    QCOMPARE(t.lineNumbers, (Lines{2, 3}));
    QCOMPARE(t.columnIndex("b"), 1);
    QCOMPARE(t.columnIndex("z"), -1);
}

void TestCsvReader::lineEndings_data() {
    QTest::addColumn<std::string>("text");
    QTest::addColumn<Rows>("rows");
    QTest::addColumn<Lines>("lines");
    const Rows two{{"1", "2"}, {"3", "4"}};
    QTest::newRow("LF") << std::string("a,b\n1,2\n3,4\n") << two << Lines{2, 3};
    QTest::newRow("CRLF") << std::string("a,b\r\n1,2\r\n3,4\r\n") << two << Lines{2, 3};
    QTest::newRow("lone CR") << std::string("a,b\r1,2\r3,4\r") << two << Lines{2, 3};
    QTest::newRow("no final newline") << std::string("a,b\n1,2\n3,4") << two << Lines{2, 3};
    QTest::newRow("trailing blank lines") << std::string("a,b\n1,2\n3,4\n\n\r\n  \n") << two << Lines{2, 3};
    QTest::newRow("blank line inside") << std::string("a,b\n1,2\n\n3,4\n") << two << Lines{2, 4};
    QTest::newRow("mixed endings") << std::string("a,b\r\n1,2\r\r\n3,4\n") << two << Lines{2, 4};
    QTest::newRow("empty fields are not blank") << std::string("a,b\n,\n3,4\n") << Rows{{"", ""}, {"3", "4"}}
                                                << Lines{2, 3};
}

void TestCsvReader::lineEndings() {
    QFETCH(std::string, text);
    QFETCH(Rows, rows);
    QFETCH(Lines, lines);
    const ms::CsvTable t = ms::parseCsv(text, "endings.csv");
    QCOMPARE(t.header, (std::vector<std::string>{"a", "b"}));
    QCOMPARE(t.rows, rows);
    QCOMPARE(t.lineNumbers, lines);
}

void TestCsvReader::quotedFields_data() {
    QTest::addColumn<std::string>("text");
    QTest::addColumn<Rows>("rows");
    QTest::addColumn<Lines>("lines");
    QTest::newRow("embedded delimiter") << std::string("a,b\n\"x,y\",2\n3,4\n") << Rows{{"x,y", "2"}, {"3", "4"}}
                                        << Lines{2, 3};
    QTest::newRow("doubled quotes") << std::string("a,b\n\"say \"\"hi\"\"\",2\n") << Rows{{"say \"hi\"", "2"}}
                                    << Lines{2};
    QTest::newRow("embedded LF") << std::string("a,b\n\"one\ntwo\",2\n3,4\n") << Rows{{"one\ntwo", "2"}, {"3", "4"}}
                                 << Lines{2, 4};
    QTest::newRow("embedded CRLF") << std::string("a,b\r\n1,\"x\r\ny\r\nz\"\r\n3,4\r\n")
                                   << Rows{{"1", "x\r\ny\r\nz"}, {"3", "4"}} << Lines{2, 5};
    QTest::newRow("embedded lone CR") << std::string("a,b\r1,\"x\ry\"\r3,4\r") << Rows{{"1", "x\ry"}, {"3", "4"}}
                                      << Lines{2, 4};
    QTest::newRow("quoted empty") << std::string("a,b\n\"\",\"\"\n") << Rows{{"", ""}} << Lines{2};
    QTest::newRow("quoted header and blanks") << std::string("\"a\",\"b\"\n \"1\" , \"2\" \n") << Rows{{"1", "2"}}
                                              << Lines{2};
    QTest::newRow("quote inside unquoted field") << std::string("a,b\n5'11\",2\n") << Rows{{"5'11\"", "2"}}
                                                 << Lines{2};
    QTest::newRow("newline field then blank line") << std::string("a,b\n\"\n\n\",2\n\n3,4\n")
                                                   << Rows{{"\n\n", "2"}, {"3", "4"}} << Lines{2, 6};
}

void TestCsvReader::quotedFields() {
    QFETCH(std::string, text);
    QFETCH(Rows, rows);
    QFETCH(Lines, lines);
    const ms::CsvTable t = ms::parseCsv(text, "quoted.csv");
    QCOMPARE(t.header, (std::vector<std::string>{"a", "b"}));
    QCOMPARE(t.rows, rows);
    QCOMPARE(t.lineNumbers, lines);
}

void TestCsvReader::stripsByteOrderMark() {
    const ms::CsvTable t = ms::parseCsv("\xEF\xBB\xBF" "a,b\r\n1,2\r\n", "bom.csv");
    QCOMPARE(t.header, (std::vector<std::string>{"a", "b"}));
    QCOMPARE(t.columnIndex("a"), 0);
    QCOMPARE(t.lineNumbers, (Lines{2}));
}

void TestCsvReader::trimsUnquotedWhitespace() {
    const ms::CsvTable t = ms::parseCsv(" a ,\tb\t\n 1 ,\" 2 \"\n", "blanks.csv");
    QCOMPARE(t.header, (std::vector<std::string>{"a", "b"}));
    QCOMPARE(t.rows, (Rows{{"1", " 2 "}}));
}

void TestCsvReader::namesEmptyHeaderCellsLikePandas() {
    const ms::CsvTable t = ms::parseCsv(",a,,b\n0,1,2,3\n", "unnamed.csv");
    QCOMPARE(t.header, (std::vector<std::string>{"Unnamed: 0", "a", "Unnamed: 2", "b"}));
    QCOMPARE(t.columnIndex("Unnamed: 2"), 2);
}

void TestCsvReader::otherDelimiters() {
    const ms::CsvTable semicolon = ms::parseCsv("a;b\n\"1;5\";2,5\n", "semi.csv", ';');
    QCOMPARE(semicolon.rows, (Rows{{"1;5", "2,5"}}));
    // A tab delimiter is never trimmed away as whitespace.
    const ms::CsvTable tab = ms::parseCsv("a\tb\n 1 \t\n", "tab.tsv", '\t');
    QCOMPARE(tab.header, (std::vector<std::string>{"a", "b"}));
    QCOMPARE(tab.rows, (Rows{{"1", ""}}));
    QVERIFY_THROWS_EXCEPTION(ms::DataError, ms::parseCsv("a\tb\n1\t\t\n", "tab.tsv", '\t'));
}

void TestCsvReader::malformedInput_data() {
    QTest::addColumn<std::string>("text");
    QTest::addColumn<long>("line");
    QTest::addColumn<std::string>("column");
    QTest::addColumn<QString>("message");
    QTest::newRow("empty file") << std::string() << 0L << std::string() << "file is empty";
    QTest::newRow("only newlines") << std::string("\n\r\n\n") << 0L << std::string() << "file is empty";
    QTest::newRow("only a BOM") << std::string("\xEF\xBB\xBF") << 0L << std::string() << "file is empty";
    QTest::newRow("header only") << std::string("a,b\n") << 0L << std::string() << "no data rows";
    QTest::newRow("header and blank lines") << std::string("a,b\n\n\n") << 0L << std::string() << "no data rows";
    QTest::newRow("too few fields") << std::string("a,b,c\n1,2,3\n4,5\n") << 3L << std::string("c")
                                    << "expected 3 fields (as in the header), found 2";
    QTest::newRow("too many fields") << std::string("a,b\n1,2\n3,4,5\n") << 3L << std::string()
                                     << "expected 2 fields (as in the header), found 3";
    QTest::newRow("ragged after multi-line field") << std::string("a,b\n\"x\ny\",1\n2\n") << 4L << std::string("b")
                                                   << "found 1";
    QTest::newRow("unterminated quote") << std::string("a,b\n1,2\n3,\"oops\n4,5\n") << 3L << std::string("b")
                                        << "unterminated quoted field";
    QTest::newRow("unterminated quote in header") << std::string("\"a,b\n1,2\n") << 1L << std::string()
                                                  << "unterminated quoted field (field 1)";
    QTest::newRow("text after closing quote") << std::string("a,b\n\"x\"y,2\n") << 2L << std::string("a")
                                              << "after the closing quote";
    QTest::newRow("duplicate header") << std::string("a,b,a\n1,2,3\n") << 1L << std::string("a")
                                      << "duplicate column name (columns 1 and 3";
    QTest::newRow("duplicate unnamed header") << std::string(",Unnamed: 0\n1,2\n") << 1L
                                              << std::string("Unnamed: 0") << "duplicate column name";
    QTest::newRow("blank line before header") << std::string("\na,b\n1,2\n") << 1L << std::string()
                                              << "header must be on line 1";
}

void TestCsvReader::malformedInput() {
    QFETCH(std::string, text);
    QFETCH(long, line);
    QFETCH(std::string, column);
    QFETCH(QString, message);
    try {
        ms::parseCsv(text, "bad.csv");
        QFAIL("parseCsv accepted malformed input");
    } catch (const ms::DataError& e) {
        QCOMPARE(e.file(), std::string("bad.csv"));
        QCOMPARE(e.line(), line);
        QCOMPARE(e.column(), column);
        const QString what = QString::fromStdString(e.what());
        QVERIFY2(what.startsWith("bad.csv"), qPrintable(what));
        QVERIFY2(what.contains(message), qPrintable(what));
        if (line > 0) QVERIFY2(what.contains("bad.csv:" + QString::number(line)), qPrintable(what));
        if (!column.empty())
            QVERIFY2(what.contains("column '" + QString::fromStdString(column) + "'"), qPrintable(what));
    }
}

void TestCsvReader::missingFileIsAnError() {
    const std::string path = "/nonexistent-maskstudio-dir/missing.csv";
    try {
        ms::readCsvFile(path);
        QFAIL("readCsvFile accepted a missing file");
    } catch (const ms::DataError& e) {
        QCOMPARE(e.file(), path);
        QVERIFY2(QString(e.what()).contains("does not exist"), e.what());
    }
}

void TestCsvReader::directoryIsAnError() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY_THROWS_EXCEPTION(ms::DataError, ms::readCsvFile(dir.path().toStdString()));
}

void TestCsvReader::randomInputNeverCrashes() {
    // Short strings over a small alphabet reach every parser state many times over.
    const std::string alphabet = "ab1,\"\r\n \t\xEF\xBB\xBF";
    std::mt19937 random(12345);
    int parsed = 0;
    int rejected = 0;
    for (int i = 0; i < 20000; ++i) {
        std::string text(random() % 24, ' ');
        for (char& c : text) c = alphabet[random() % alphabet.size()];
        try {
            const ms::CsvTable t = ms::parseCsv(text, "random.csv");
            QVERIFY(!t.rows.empty());
            QCOMPARE(t.rows.size(), t.lineNumbers.size());
            for (std::size_t r = 0; r < t.rows.size(); ++r) {
                QCOMPARE(t.rows[r].size(), t.header.size());
                if (r > 0) QVERIFY(t.lineNumbers[r] > t.lineNumbers[r - 1]);
            }
            ++parsed;
        } catch (const ms::DataError&) {
            ++rejected;
        }
    }
    QVERIFY(parsed > 0);
    QVERIFY(rejected > 0);
}

void TestCsvReader::writeThenReadRoundTrip() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("round.csv").toStdString();
    const std::vector<std::string> header{"plain", "with,comma", " padded ", "quote\"d"};
    const Rows rows{{"1", "a,b", "  lead", "say \"hi\""},
                    {"", "multi\nline", "trail\t", "cr\rlf\r\n"},
                    {"x", "", "", ""}};
    ms::writeCsvFile(path, header, rows);
    const ms::CsvTable t = ms::readCsvFile(path);
    QCOMPARE(t.header, header);
    QCOMPARE(t.rows, rows);
    QCOMPARE(t.lineNumbers, (Lines{2, 3, 7}));  // row 2 spans lines 3..6

    // A single empty field would be a blank line, which the reader skips: the writer quotes it.
    const std::string single = dir.filePath("single.csv").toStdString();
    ms::writeCsvFile(single, {"only"}, {{""}, {"1"}, {""}});
    QCOMPARE(ms::readCsvFile(single).rows, (Rows{{""}, {"1"}, {""}}));
}

void TestCsvReader::writeToBadPathIsAnError() {
    QVERIFY_THROWS_EXCEPTION(ms::DataError,
                             ms::writeCsvFile("/nonexistent-maskstudio-dir/out.csv", {"a"}, {{"1"}}));
}

void TestCsvReader::formatNumberRoundTrips_data() {
    QTest::addColumn<double>("value");
    QTest::addColumn<std::string>("text");
    QTest::newRow("integer") << 689.0 << std::string("689");
    QTest::newRow("one tenth") << 0.1 << std::string("0.1");
    QTest::newRow("sum") << 0.1 + 0.2 << std::string("0.30000000000000004");
    QTest::newRow("third") << 1.0 / 3.0 << std::string("0.3333333333333333");
    QTest::newRow("negative") << -1234.5 << std::string("-1234.5");
    QTest::newRow("huge") << 1e300 << std::string("1e+300");
    QTest::newRow("tiny") << 1e-300 << std::string("1e-300");
    QTest::newRow("zero") << 0.0 << std::string("0");
}

void TestCsvReader::formatNumberRoundTrips() {
    QFETCH(double, value);
    QFETCH(std::string, text);
    QCOMPARE(ms::formatNumber(value), text);
    const ms::ParsedNumber back = ms::parseNumber(ms::formatNumber(value));
    QVERIFY(back.kind == ms::NumberKind::Finite);
    QVERIFY(back.value == value);
}

void TestCsvReader::parseNumberKinds_data() {
    QTest::addColumn<std::string>("text");
    QTest::addColumn<int>("kind");
    QTest::addColumn<double>("value");
    const int finite = static_cast<int>(ms::NumberKind::Finite);
    const int nonFinite = static_cast<int>(ms::NumberKind::NonFinite);
    const int outOfRange = static_cast<int>(ms::NumberKind::OutOfRange);
    const int notNumber = static_cast<int>(ms::NumberKind::NotANumber);
    QTest::newRow("plain") << std::string("42") << finite << 42.0;
    QTest::newRow("plus sign") << std::string("+1.5") << finite << 1.5;
    QTest::newRow("exponent") << std::string("-2.5E3") << finite << -2500.0;
    QTest::newRow("leading dot") << std::string(".5") << finite << 0.5;
    QTest::newRow("nan") << std::string("nan") << nonFinite << 0.0;
    QTest::newRow("NaN") << std::string("NaN") << nonFinite << 0.0;
    QTest::newRow("-inf") << std::string("-inf") << nonFinite << 0.0;
    QTest::newRow("Infinity") << std::string("Infinity") << nonFinite << 0.0;
    QTest::newRow("overflow") << std::string("1e400") << outOfRange << 0.0;
    QTest::newRow("empty") << std::string() << notNumber << 0.0;
    QTest::newRow("word") << std::string("abc") << notNumber << 0.0;
    QTest::newRow("two dots") << std::string("1.2.3") << notNumber << 0.0;
    QTest::newRow("hex") << std::string("0x10") << notNumber << 0.0;
    QTest::newRow("padded") << std::string(" 1") << notNumber << 0.0;
    QTest::newRow("two signs") << std::string("+-1") << notNumber << 0.0;
    QTest::newRow("decimal comma") << std::string("1,5") << notNumber << 0.0;
}

void TestCsvReader::parseNumberKinds() {
    QFETCH(std::string, text);
    QFETCH(int, kind);
    QFETCH(double, value);
    const ms::ParsedNumber n = ms::parseNumber(text);
    QCOMPARE(static_cast<int>(n.kind), kind);
    if (n.kind == ms::NumberKind::Finite) QCOMPARE(n.value, value);
}

QTEST_APPLESS_MAIN(TestCsvReader)
#include "TestCsvReader.moc"
