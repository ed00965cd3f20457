// Benchmark 3 of method 3 as a test (METHODS.md §3): on 16-dimensional Gaussian AR(1) vectors
// (rho 0.9, 50 % MCAR) a denoiser trained on incomplete vectors only completes the missing
// entries within 15 % of the Bayes-optimal MSE with K = 16 contexts; the ablation without the
// context/query split is at least 1.5x Bayes, and the ensemble beats a single context. Slow
// (two models trained for real, about three and a half minutes on two cores).
#include <QtTest/QtTest>

#include "experiments/PartialAr1Benchmark.h"

using namespace ms;

class TestPartialAr1 : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void comesCloseToBayes() {
        experiments::PartialAr1Settings s;  // the benchmark's defaults (`maskstudio-cli partial bench`)
        s.members = {1, 16};
        s.ablationUpdates = 1500;  // B fails by construction (no query region to learn imputing from): no need for 8,000
        const experiments::PartialAr1Result r = experiments::runPartialAr1Benchmark(s, CancelToken());
        QVERIFY(r.bayesMse > 0.1 && r.bayesMse < 0.3);
        QVERIFY(std::abs(r.bayesMse - r.bayesExpectedMse) < 0.03);  // the test rows are typical
        double a1 = 0, a16 = 0, b16 = 0;
        for (const auto& row : r.rows) {
            qInfo("%s K=%lld: %.4f (%.3f x Bayes)", row.model.c_str(), static_cast<long long>(row.members), row.mse, row.ratioToBayes);
            if (row.model == "A" && row.members == 1) a1 = row.ratioToBayes;
            if (row.model == "A" && row.members == 16) a16 = row.ratioToBayes;
            if (row.model == "B" && row.members == 16) b16 = row.ratioToBayes;
        }
        QVERIFY2(a16 > 0 && a16 <= 1.15, qPrintable(QString("A(K=16) %1 x Bayes").arg(a16)));
        QVERIFY2(b16 >= 1.5, qPrintable(QString("B(K=16) %1 x Bayes").arg(b16)));
        QVERIFY2(a16 < a1, qPrintable(QString("A(K=16) %1 vs A(K=1) %2").arg(a16).arg(a1)));
    }
};

QTEST_GUILESS_MAIN(TestPartialAr1)
#include "TestPartialAr1.moc"
