// Masked embeddings (reserved categorical row, learned numerical "missing" vector) and the
// masking rate statistics of ConditionInput::masked.
#include <QtTest/QtTest>

#include <ATen/ATen.h>

#include "core/conditioning/ConditionEmbedding.h"

using namespace ms;

class TestConditionEmbedding : public QObject {
    Q_OBJECT
    static ConditionInput sample(int64_t b) {
        return {at::randint(0, 3, {b, 2}, at::kLong), at::rand({b, 1}), at::ones({b, 1})};
    }
private Q_SLOTS:
    void initTestCase() { at::manual_seed(1); }
    void shapeAndLayout() {
        ConditionEmbedding e(std::vector<int64_t>{3, 5}, 1, 4);
        QCOMPARE(e->outputDim(), 12);
        QCOMPARE(e->table.size(0), 4 + 6);  // n_i + 1 rows each
        QCOMPARE(e->forward(sample(7)).sizes(), (at::IntArrayRef{7, 12}));
    }
    void maskedCategoricalUsesReservedRow() {
        ConditionEmbedding e(std::vector<int64_t>{3, 5}, 1, 4);
        ConditionInput c = sample(2);
        c.categorical.fill_(-1);
        const at::Tensor out = e->forward(c);
        QVERIFY(at::equal(out.slice(1, 0, 4)[0], e->table[0]));  // condition 0: row 0
        QVERIFY(at::equal(out.slice(1, 4, 8)[1], e->table[4]));  // condition 1: its own row 0 (offset 4)
        c.categorical.fill_(2);
        QVERIFY(at::equal(e->forward(c).slice(1, 4, 8)[0], e->table[4 + 3]));
    }
    void maskedNumericalUsesMissingVectorWhateverTheValue() {
        ConditionEmbedding e(std::vector<int64_t>{3}, 1, 4);
        ConditionInput c{at::zeros({3, 1}, at::kLong), at::tensor({0.0f, -1.0f, 0.7f}).view({3, 1}), at::zeros({3, 1})};
        const at::Tensor num = e->forward(c).slice(1, 4, 8);
        for (int i = 0; i < 3; ++i) QVERIFY(at::allclose(num[i], e->numMissing[0]));
        // Known values (0 and -1 included: no sentinel can collide with "unknown").
        c.numericalKnown.fill_(1);
        const at::Tensor known = e->forward(c).slice(1, 4, 8);
        QVERIFY(!at::allclose(known[0], e->numMissing[0]));
        QVERIFY(at::allclose(known[1], -1.0 * e->numWeight[0] + e->numBias[0]));
    }
    void maskingRateMatchesProbability_data() {
        QTest::addColumn<double>("p");
        for (double p : {0.0, 0.1, 0.5, 0.9, 1.0}) QTest::newRow(qPrintable(QString::number(p))) << p;
    }
    void maskingRateMatchesProbability() {
        QFETCH(double, p);
        const int64_t n = 20000;
        ConditionInput c{at::randint(0, 3, {n, 7}, at::kLong), at::rand({n, 1}), at::ones({n, 1})};
        const at::Tensor keep = at::rand({n, 8}) >= p;
        const ConditionInput m = c.masked(keep);
        const double catRate = (m.categorical == -1).to(at::kDouble).mean().item<double>();
        const double numRate = (m.numericalKnown == 0).to(at::kDouble).mean().item<double>();
        // Binomial std for n*7 draws is < 0.0015; allow 4 sigma.
        QVERIFY2(std::abs(catRate - p) < 0.006, qPrintable(QString("categorical rate %1").arg(catRate)));
        QVERIFY2(std::abs(numRate - p) < 0.015, qPrintable(QString("numerical rate %1").arg(numRate)));
        // Masks are independent per condition: rates per column agree too.
        for (int j = 0; j < 7; ++j)
            QVERIFY(std::abs((m.categorical.select(1, j) == -1).to(at::kDouble).mean().item<double>() - p) < 0.02);
    }
    void dataUnknownStaysUnknown() {
        ConditionInput c{at::full({4, 1}, -1, at::kLong), at::rand({4, 1}), at::zeros({4, 1})};
        const ConditionInput m = c.masked(at::ones({4, 2}, at::kBool));
        QVERIFY(at::equal(m.categorical, c.categorical));
        QVERIFY(at::equal(m.numericalKnown, c.numericalKnown));
    }
};

QTEST_APPLESS_MAIN(TestConditionEmbedding)
#include "TestConditionEmbedding.moc"
