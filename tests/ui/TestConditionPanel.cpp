// The condition panel is built from a schema, every edit yields the right (masked) condition
// set, slider drags are one undo step, and the buttons produce valid sets.
#include <QtTest/QtTest>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSlider>

#include <cmath>

#include "ui/panels/ConditionPanel.h"

using namespace ms;

namespace {
Schema testSchema() {
    Schema s;
    s.keypoints = {{"a", "x_a", "y_a"}};
    s.categorical = {{"style", {"road", "mtb", "bmx"}}, {"size", {"S", "M"}}};
    s.numerical = {{"drag", 0.2, 0.4}};
    return s;
}
}  // namespace

class TestConditionPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void builtFromTheSchema() {
        ConditionPanel panel;
        panel.setSchema(testSchema());
        QCOMPARE(panel.comboAt(0)->count(), 3);
        QCOMPARE(panel.comboAt(0)->itemText(2), QString("bmx"));
        QCOMPARE(panel.comboAt(1)->count(), 2);
        QCOMPARE(panel.spinAt(2)->minimum(), 0.2);
        QCOMPARE(panel.spinAt(2)->maximum(), 0.4);
        QCOMPARE(panel.switchAt(2)->text(), QString("Drag"));  // tidied (ColumnLabel)
        // Starts with every condition unknown: switches off, editors disabled.
        for (int i = 0; i < 3; ++i) QVERIFY(!panel.switchAt(i)->isChecked());
        QVERIFY(!panel.comboAt(0)->isEnabled());
        QVERIFY(!panel.spinAt(2)->isEnabled());
        QCOMPARE(panel.values().categorical, (std::vector<int>{-1, -1}));
        QVERIFY(std::isnan(panel.values().numerical[0]));
    }

    void togglingAndEditingProduceTheMaskedRequest() {
        ConditionPanel panel;
        panel.setSchema(testSchema());
        panel.show();
        QSignalSpy spy(&panel, &ConditionPanel::valuesChanged);

        panel.switchAt(0)->click();  // style on: first class
        QCOMPARE(spy.count(), 1);
        QCOMPARE(panel.values().categorical, (std::vector<int>{0, -1}));
        QVERIFY(panel.comboAt(0)->isEnabled());

        panel.comboAt(0)->setFocus();
        QTest::keyClick(panel.comboAt(0), Qt::Key_Down);  // road -> mtb, as a user does
        QCOMPARE(panel.values().categorical[0], 1);

        panel.switchAt(2)->click();  // drag on: the middle of its range
        QCOMPARE(panel.values().numerical[0], 0.3);
        panel.spinAt(2)->setValue(0.25);
        QCOMPARE(panel.values().numerical[0], 0.25);

        panel.switchAt(0)->click();  // style off again: unknown, other conditions untouched
        const ConditionValues v = panel.values();
        QCOMPARE(v.categorical, (std::vector<int>{-1, -1}));
        QCOMPARE(v.numerical[0], 0.25);
        const ConditionValues last = qvariant_cast<ConditionValues>(spy.last().at(0));
        QCOMPARE(last.categorical, v.categorical);

        panel.switchAt(0)->click();  // back on: remembers mtb
        QCOMPARE(panel.values().categorical[0], 1);
        panel.switchAt(2)->click();
        QVERIFY(std::isnan(panel.values().numerical[0]));
        panel.switchAt(2)->click();  // remembers 0.25
        QCOMPARE(panel.values().numerical[0], 0.25);
    }

    void sliderDragIsOneUndoStepAndRedoRestores() {
        ConditionPanel panel;
        panel.setSchema(testSchema());
        panel.switchAt(2)->click();
        const int before = panel.undoStack()->count();
        for (int pos = 500; pos <= 900; pos += 50) panel.sliderAt(2)->setValue(pos);
        QCOMPARE(panel.undoStack()->count(), before + 1);
        QVERIFY(std::abs(panel.values().numerical[0] - 0.38) < 1e-12);
        QCOMPARE(panel.spinAt(2)->value(), 0.38);  // slider and spin box agree
        panel.undoStack()->undo();
        QCOMPARE(panel.values().numerical[0], 0.3);
        panel.undoStack()->undo();
        QVERIFY(std::isnan(panel.values().numerical[0]));
        QVERIFY(!panel.switchAt(2)->isChecked());
        panel.undoStack()->redo();
        panel.undoStack()->redo();
        QVERIFY(std::abs(panel.values().numerical[0] - 0.38) < 1e-12);
    }

    void buttonsGiveValidSets() {
        ConditionPanel panel;
        ConditionValues initial = ConditionValues::allUnknown(testSchema());
        initial.categorical[1] = 1;
        panel.setSchema(testSchema(), initial);
        QCOMPARE(panel.values().categorical[1], 1);
        for (quint64 seed = 1; seed < 40; ++seed) {
            panel.randomize(seed);
            const ConditionValues v = panel.values();
            QVERIFY(v.categorical[0] >= 0 && v.categorical[0] < 3);
            QVERIFY(v.categorical[1] >= 0 && v.categorical[1] < 2);
            QVERIFY(v.numerical[0] >= 0.2 && v.numerical[0] <= 0.4);
        }
        panel.setAllUnknown();
        QCOMPARE(panel.values().categorical, (std::vector<int>{-1, -1}));
        panel.reset();
        QCOMPARE(panel.values().categorical, (std::vector<int>{-1, 1}));
        QVERIFY(std::isnan(panel.values().numerical[0]));
    }

    void aNewSchemaClearsTheHistory() {
        ConditionPanel panel;
        panel.setSchema(testSchema());
        panel.switchAt(0)->click();
        QVERIFY(panel.undoStack()->canUndo());
        Schema other = testSchema();
        other.categorical.pop_back();
        panel.setSchema(other);
        QVERIFY(!panel.undoStack()->canUndo());
        QCOMPARE(panel.values().categorical.size(), size_t(1));
    }

    // Issue 18: conditions by their labels (the user's, else a tidy form of the column), whole
    // numbers without decimals (teeth: 41, not 41.00), and the undo steps named the same way.
    void labelsAndWholeNumbers() {
        Schema s = testSchema();
        s.categorical.push_back({"bottle SEATTUBE0 show OHCLASS: True", {"0", "1"}});
        s.categorical[0].label = "Riding style";
        s.numerical.push_back({"Teeth on chainring", 34, 55, {}, true});
        ConditionPanel panel;
        panel.setSchema(s);
        QCOMPARE(panel.switchAt(0)->text(), QStringLiteral("Riding style"));
        QVERIFY(panel.switchAt(0)->toolTip().contains(QStringLiteral("\"style\"")));  // the column stays findable
        QCOMPARE(panel.switchAt(2)->text(), QStringLiteral("Bottle seattube 0"));
        const int teeth = 4;
        QCOMPARE(panel.switchAt(teeth)->text(), QStringLiteral("Teeth on chainring"));
        QCOMPARE(panel.spinAt(teeth)->decimals(), 0);
        QCOMPARE(panel.spinAt(teeth)->singleStep(), 1.0);
        QCOMPARE(panel.spinAt(3)->decimals() > 0, true);  // drag keeps its decimals
        panel.switchAt(teeth)->click();
        panel.sliderAt(teeth)->setValue(panel.sliderAt(teeth)->maximum() / 3);  // 34 + 21 / 3 = 41
        const double v = panel.values().numerical[1];
        QCOMPARE(v, std::round(v));
        QCOMPARE(v, 41.0);
        QCOMPARE(panel.spinAt(teeth)->text(), QStringLiteral("41"));
        QCOMPARE(panel.undoStack()->undoText(), QStringLiteral("Change Teeth on chainring"));
        panel.switchAt(0)->click();
        QCOMPARE(panel.undoStack()->undoText(), QStringLiteral("Set Riding style"));
    }

    // Issue 18: one history per model. Back on a model, its edits can be undone again; a model
    // whose schema changed under the same key (retrained in place) starts afresh.
    void eachModelKeepsItsOwnHistory() {
        ConditionPanel panel;
        QSignalSpy changed(&panel, &ConditionPanel::undoStackChanged);
        Schema other = testSchema();
        other.categorical.pop_back();
        panel.setSchema(testSchema(), {}, QStringLiteral("/models/a.msm"));
        QUndoStack* a = panel.undoStack();
        QCOMPARE(changed.count(), 1);
        panel.switchAt(0)->click();
        QCOMPARE(a->count(), 1);
        const ConditionValues edited = panel.values();
        panel.setSchema(other, {}, QStringLiteral("/models/b.msm"));
        QVERIFY(panel.undoStack() != a);
        QVERIFY(!panel.undoStack()->canUndo());
        QCOMPARE(changed.count(), 2);
        panel.setSchema(testSchema(), edited, QStringLiteral("/models/a.msm"));  // back, with its remembered values
        QCOMPARE(panel.undoStack(), a);
        QCOMPARE(changed.count(), 3);
        QVERIFY(panel.undoStack()->canUndo());
        panel.undoStack()->undo();
        QCOMPARE(panel.values().categorical[0], -1);  // the edit made before the switch, undone
        panel.setSchema(other, {}, QStringLiteral("/models/a.msm"));  // a.msm retrained with other conditions
        QCOMPARE(panel.undoStack()->count(), 0);
    }
};

QTEST_MAIN(TestConditionPanel)
#include "TestConditionPanel.moc"
