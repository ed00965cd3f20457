// The paper's 85/15 split: sizes, disjointness, determinism, and the redraw until every class
// of every categorical condition is in the training part.
#include <QtTest/QtTest>

#include <set>

#include "core/data/TrainTestSplit.h"

using namespace ms;

namespace {
DesignTable tableWithRareClass(size_t rows) {
    DesignTable t;
    t.rows = rows;
    t.outputDim = 1;
    t.categoricalCount = 1;
    t.outputs.assign(rows, 0.0);
    t.categorical.assign(rows, 0);
    t.categorical[rows / 2] = 1;  // a class with a single row
    return t;
}
}  // namespace

class TestTrainTestSplit : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sizesAndDisjoint() {
        const DesignTable t = tableWithRareClass(1000);
        const TrainTestSplit s = splitTrainTest(t, 0.15, 7);
        QCOMPARE(s.test.size(), size_t(150));
        QCOMPARE(s.train.size(), size_t(850));
        std::set<int64_t> all(s.train.begin(), s.train.end());
        for (int64_t r : s.test) QVERIFY(all.insert(r).second);
        QCOMPARE(all.size(), size_t(1000));
        QVERIFY(std::is_sorted(s.test.begin(), s.test.end()));
    }
    void deterministicPerSeed() {
        const DesignTable t = tableWithRareClass(500);
        QCOMPARE(splitTrainTest(t, 0.15, 3).test, splitTrainTest(t, 0.15, 3).test);
        QVERIFY(splitTrainTest(t, 0.15, 3).test != splitTrainTest(t, 0.15, 4).test);
    }
    void redrawsUntilEveryClassIsInTraining() {
        const DesignTable t = tableWithRareClass(40);
        int redraws = 0;
        for (uint64_t seed = 0; seed < 50; ++seed) {
            const TrainTestSplit s = splitTrainTest(t, 0.5, seed);
            QVERIFY(std::find(s.train.begin(), s.train.end(), int64_t(20)) != s.train.end());
            QCOMPARE(s.seedUsed, seed + uint64_t(s.draws - 1));
            if (s.draws > 1) ++redraws;
        }
        QVERIFY2(redraws > 5, "with half the rows held out, the rare row must often force a redraw");
    }
    void impossibleSplitFailsWithMessage() {
        DesignTable t = tableWithRareClass(10);
        QVERIFY_THROWS_EXCEPTION(std::runtime_error, splitTrainTest(t, 0.99, 0, 20));
    }
};

QTEST_APPLESS_MAIN(TestTrainTestSplit)
#include "TestTrainTestSplit.moc"
