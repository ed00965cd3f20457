// NAME=VALUE parsing for sampling: unknown by default, precise messages for bad input.
#include <QtTest/QtTest>

#include <cmath>

#include "core/conditioning/ConditionValues.h"

using namespace ms;

namespace {
Schema schema() {
    Schema s;
    s.categorical.push_back({"BikeStyle", {"BMX", "ROAD", "TRACK"}});
    s.numerical.push_back({"Teeth on chainring", 20.0, 60.0});
    return s;
}
void expectError(const std::vector<std::string>& args, const char* fragment) {
    try {
        parseConditionAssignments(schema(), args);
        QFAIL("expected an error");
    } catch (const std::invalid_argument& e) {
        QVERIFY2(std::string(e.what()).find(fragment) != std::string::npos, e.what());
    }
}
}  // namespace

class TestConditionValues : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void unnamedConditionsAreUnknown() {
        const ConditionValues v = parseConditionAssignments(schema(), {});
        QCOMPARE(v.categorical[0], -1);
        QVERIFY(std::isnan(v.numerical[0]));
    }
    void parsesClassesAndNumbers() {
        const ConditionValues v = parseConditionAssignments(schema(), {"BikeStyle=TRACK", "Teeth on chainring=48"});
        QCOMPARE(v.categorical[0], 2);
        QCOMPARE(v.numerical[0], 48.0);
        QCOMPARE(QString::fromStdString(v.toText(schema())), QString("BikeStyle=TRACK\nTeeth on chainring=48\n"));
        ConditionValues raw = v;
        raw.numerical[0] = 35.41596772846318;  // what a slider or a suggestion leaves
        QCOMPARE(QString::fromStdString(raw.toDisplayText(schema())), QString("Bike style: TRACK\nTeeth on chainring: 35.42\n"));
        Schema labelled = schema();  // a label of the user's, and a column of whole numbers
        labelled.categorical[0].label = "Riding style";
        labelled.numerical[0].wholeNumbers = true;
        QCOMPARE(QString::fromStdString(raw.toDisplayText(labelled)), QString("Riding style: TRACK\nTeeth on chainring: 35\n"));
        QVERIFY(raw.toText(schema()).find("35.41596772846318") != std::string::npos);  // stored exactly
        QCOMPARE(parseConditionAssignments(schema(), {"BikeStyle=?"}).categorical[0], -1);
    }
    void errorsNameTheProblem() {
        expectError({"Colour=red"}, "unknown condition 'Colour'");
        expectError({"BikeStyle=MTB"}, "valid: BMX, ROAD, TRACK");
        expectError({"Teeth on chainring=lots"}, "not a finite number");
        expectError({"Teeth on chainring=nan"}, "not a finite number");
        expectError({"Teeth on chainring=200"}, "outside the range");
        expectError({"BikeStyle"}, "NAME=VALUE");
    }
};

QTEST_APPLESS_MAIN(TestConditionValues)
#include "TestConditionValues.moc"
