// The design SFARM of the studio: pins are kept exactly and steer the rest of the design,
// categorical conditions are real categorical elements, and "specify next" ranks the condition
// that determines the design ahead of one that does not.
#include <QtTest/QtTest>

#include <cmath>
#include <fstream>
#include <random>

#include "api/SfarmTable.h"
#include "core/data/DesignTableBuilder.h"
#include "core/data/KeypointPins.h"
#include "core/geometry/KeypointSpread.h"
#include "mcvae/ModelBundle.h"
#include "sfarm/DesignSfarm.h"

using namespace ms;

namespace {

// Two keypoints: a = (size, 0), b = (size + 4 * kind, 1 + size / 2), small noise. "noise" is a
// numerical condition unrelated to the geometry; "kind" is known in only half the rows.
Schema toySchema() {
    Schema s;
    s.keypoints = {{"a", "x_a", "y_a"}, {"b", "x_b", "y_b"}};
    s.categorical = {{"kind", {"plain", "long"}}};
    s.numerical = {{"size", 0.0, 10.0}, {"noise", 0.0, 1.0}};
    return s;
}

DesignTable toyTable(std::size_t rows, uint64_t seed) {
    DesignTable t = emptyDesignTable(toySchema(), rows);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::normal_distribution<double> jitter(0.0, 0.05);
    for (std::size_t r = 0; r < rows; ++r) {
        const double size = 10.0 * uniform(rng), noise = uniform(rng);
        const int kind = uniform(rng) < 0.5 ? 0 : 1;
        t.outputs.insert(t.outputs.end(), {size + jitter(rng), jitter(rng), size + 4.0 * kind + jitter(rng), 1.0 + size / 2 + jitter(rng)});
        t.categorical.push_back(r % 2 == 0 ? kind : DesignTable::kUnknownClass);
        t.numerical.insert(t.numerical.end(), {size, noise});
        t.lineNumbers.push_back(static_cast<long>(r + 2));
        ++t.rows;
    }
    return t;
}

}  // namespace

class TestDesignSfarm : public QObject {
    Q_OBJECT

    sfarm::DesignSfarm m_model;

private Q_SLOTS:
    void initTestCase() {
        sfarm::DesignSfarmSettings settings;
        // 60 epochs left the toy half-fitted on some machines (kind's effect on b.x unlearnt, its
        // spread reduction 0.003); at 150 the conditionals are sharp (kind: 0.99).
        settings.epochs = 150;
        settings.hidden = 96;
        settings.lr = 3e-3;
        int64_t epochs = 0;
        m_model = sfarm::DesignSfarm::train(toySchema(), toyTable(3000, 1), settings, [&](int64_t e, double) { epochs = e; }, CancelToken());
        QCOMPARE(epochs, int64_t(150));
        QVERIFY(m_model.loaded());
    }

    void pinsAreKeptAndSteerTheRest() {
        sfarm::PartialDesign p{ConditionValues::allUnknown(toySchema()), std::vector<double>(4, NAN)};
        p.outputs[0] = 7.25;  // pin a.x: the size is 7.25, so b.y must be about 4.6
        const sfarm::ImputedDesigns out = m_model.impute(p, 32, 5);
        QCOMPARE(out.designs.size(), size_t(32));
        double by = 0.0, size = 0.0;
        for (std::size_t s = 0; s < out.designs.size(); ++s) {
            QCOMPARE(out.designs[s][0], 7.25);  // bit-identical
            by += out.designs[s][3] / 32;
            size += out.conditions[s].numerical[0] / 32;
            QVERIFY(out.conditions[s].categorical[0] == 0 || out.conditions[s].categorical[0] == 1);
        }
        QVERIFY2(std::abs(by - 4.625) < 0.4, qPrintable(QString::number(by)));
        QVERIFY2(std::abs(size - 7.25) < 0.6, qPrintable(QString::number(size)));
        // A known condition is returned as given.
        p.conditions.categorical[0] = 1;
        for (const auto& c : m_model.impute(p, 4, 6).conditions) QCOMPARE(c.categorical[0], 1);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m_model.impute(sfarm::PartialDesign{p.conditions, {1.0}}, 2, 0));
    }

    void fewerNetworkCallsKeepPinsAndTheirPull() {
        // The studio draws pin completions in a few network calls (S' < S, elements drawn in
        // groups): pins stay exact and the free values still follow them.
        sfarm::PartialDesign p{ConditionValues::allUnknown(toySchema()), std::vector<double>(4, NAN)};
        p.outputs[0] = 7.25;
        const sfarm::ImputedDesigns out = m_model.impute(p, 64, 5, 2);
        QCOMPARE(out.designs.size(), size_t(64));
        double by = 0.0;
        for (const auto& d : out.designs) {
            QCOMPARE(d[0], 7.25);
            by += d[3] / 64;
        }
        QVERIFY2(std::abs(by - 4.625) < 0.4, qPrintable(QString::number(by)));
        QVERIFY(out.designs != m_model.impute(p, 64, 5).designs);  // a different draw, not the same call count
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m_model.impute(p, 4, 5, -1));
    }

    void completionsStayInsideTheTrainingRange() {
        // A pin far outside the data (a.x = 40, sizes are 0..10) must not drag the free values
        // outside the range seen in training widened by 10 %: b.x in [0, 14] -> [-1.4, 15.4].
        sfarm::PartialDesign p{ConditionValues::allUnknown(toySchema()), std::vector<double>(4, NAN)};
        p.outputs[0] = 40.0;
        const sfarm::ImputedDesigns out = m_model.impute(p, 64, 3);
        for (const auto& d : out.designs) {
            QCOMPARE(d[0], 40.0);
            QVERIFY2(d[2] > -1.6 && d[2] < 15.6, qPrintable(QString::number(d[2])));
        }
        for (const auto& c : out.conditions) QVERIFY(c.numerical[0] >= 0.0 && c.numerical[0] <= 10.0);
    }

    void specifyNextRanksTheDeterminingConditionFirst() {
        sfarm::PartialDesign p{ConditionValues::allUnknown(toySchema()), {}};
        const auto ranked = m_model.rankUnknownConditions(p, {});
        QCOMPARE(ranked.size(), size_t(3));
        QCOMPARE(ranked.front().column, std::string("size"));
        QVERIFY2(ranked.front().spreadReduction > 0.6, qPrintable(QString::number(ranked.front().spreadReduction)));
        const auto& noise = ranked.back();
        QCOMPARE(noise.column, std::string("noise"));
        QVERIFY2(noise.spreadReduction < 0.1, qPrintable(QString::number(noise.spreadReduction)));
        QVERIFY(ranked.front().suggestedNumber > 3.0 && ranked.front().suggestedNumber < 7.0);
        // With the size known, only the kind still moves keypoint b (and only its x).
        p.conditions.numerical[0] = 5.0;
        const auto after = m_model.rankUnknownConditions(p, {2});
        QCOMPARE(after.size(), size_t(2));
        QCOMPARE(after.front().column, std::string("kind"));
        QVERIFY2(after.front().spreadReduction > 0.6, qPrintable(QString::number(after.front().spreadReduction)));
        QVERIFY(after.front().suggestedClass == 0 || after.front().suggestedClass == 1);
        // ...and knowing it shrinks the design's spread.
        // Var(b.x | size) = 4 (size + 0 or + 4), sd(b.x) ~ 3.5: about 0.33 in standardised units (a short run overestimates it).
        const double unknownKind = m_model.spread(p, {2});
        QVERIFY2(unknownKind > 0.2 && unknownKind < 1.0, qPrintable(QString::number(unknownKind)));
        p.conditions.categorical[0] = 1;
        const double knownKind = m_model.spread(p, {2});
        QVERIFY2(knownKind < 0.2 * unknownKind, qPrintable(QString::number(knownKind)));
    }

    // The estimate against the law of total variance worked out for the toy (standardised units:
    // every output has variance 1). Target b: Var(b.x) = Var(size) + 16 Var(kind) = 8.33 + 4,
    // Var(b.y) = 8.33 / 4. Knowing size leaves 4 / 12.33 of b.x and nothing of b.y: reduction
    // (2 - 0.324) / 2 = 0.84; knowing kind leaves 8.33 / 12.33 of b.x: (2 - 1.676) / 2 = 0.16;
    // noise: 0. With a pinned (a.x = size exactly), size tells nothing more and kind removes
    // nearly all that is left: the case where every condition once showed 0.0 %. (This run: 0.88,
    // 0.09, 0.00; pinned: kind 0.87, size 0.00. The 150-epoch toy model keeps some residual
    // spread that the closed form has not, so kind's shares come out low.)
    void specifyNextMatchesTheClosedForm() {
        const auto reduction = [](const std::vector<sfarm::ConditionSuggestion>& ranked, const std::string& column) {
            for (const auto& s : ranked)
                if (s.column == column) return s.spreadReduction;
            return std::nan("");
        };
        sfarm::PartialDesign p{ConditionValues::allUnknown(toySchema()), {}};
        const std::vector<int> b = {2, 3};
        const auto free = m_model.rankUnknownConditions(p, b);
        QVERIFY2(std::abs(reduction(free, "size") - 0.84) < 0.08, qPrintable(QString::number(reduction(free, "size"))));
        QVERIFY2(std::abs(reduction(free, "kind") - 0.16) < 0.1, qPrintable(QString::number(reduction(free, "kind"))));
        QVERIFY2(std::abs(reduction(free, "noise")) < 0.03, qPrintable(QString::number(reduction(free, "noise"))));

        p.outputs = parseKeypointPins(toySchema(), {"a=5,0"});
        p.conditions.numerical[1] = 0.5;  // noise known: a numerical condition set, as in the report
        const auto pinned = m_model.rankUnknownConditions(p, b);
        QCOMPARE(pinned.size(), size_t(2));
        QVERIFY2(reduction(pinned, "kind") > 0.75, qPrintable(QString::number(reduction(pinned, "kind"))));
        QVERIFY2(std::abs(reduction(pinned, "size")) < 0.05, qPrintable(QString::number(reduction(pinned, "size"))));
    }

    void savesLoadsAndRefusesForeignFiles() {
        const QTemporaryDir dir;
        const std::string path = dir.filePath("toy.sfm").toStdString();
        m_model.save(path);
        const sfarm::DesignSfarm loaded = sfarm::DesignSfarm::load(path);
        QVERIFY(loaded.schema() == toySchema());
        sfarm::PartialDesign p{ConditionValues::allUnknown(toySchema()), {}};
        QCOMPARE(loaded.rankUnknownConditions(p, {}).front().spreadReduction, m_model.rankUnknownConditions(p, {}).front().spreadReduction);
        QCOMPARE(loaded.impute(p, 8, 4).designs, m_model.impute(p, 8, 4).designs);  // bounds travel with the file
        // A plain CSV SFARM has no schema: refused, naming the file.
        const std::string csv = dir.filePath("t.csv").toStdString();
        {
            std::ofstream f(csv);
            f << "a,b\n1,2\n2,4\n3,6\n4,8\n";
        }
        api::SfarmTrainRequest r;
        r.dataPath = csv;
        r.outPath = dir.filePath("plain.sfm").toStdString();
        r.epochs = 2;
        api::trainSfarmOnCsv(r, {}, CancelToken());
        try {
            sfarm::DesignSfarm::load(r.outPath);
            QFAIL("a CSV SFARM loaded as a design SFARM");
        } catch (const BundleError& e) {
            QVERIFY(std::string(e.what()).find("plain.sfm") != std::string::npos);
        }
        QVERIFY_THROWS_EXCEPTION(BundleError, sfarm::DesignSfarm::load(csv));
    }

    void mixedElementKinds_data() {
        QTest::addColumn<bool>("atoms");
        QTest::addColumn<bool>("integer");
        QTest::addColumn<bool>("gaps");
        for (bool atoms : {false, true})
            for (bool integer : {false, true})
                for (bool gaps : {false, true})
                    QTest::newRow(QString("%1%2%3").arg(atoms ? "atoms " : "").arg(integer ? "integer " : "").arg(gaps ? "gaps" : "full").toLatin1())
                        << atoms << integer << gaps;
    }

    void mixedElementKinds() {
        // A wheel output that takes two standard sizes (atoms), a whole-number condition (teeth,
        // an integer element), a categorical one known in some rows, a Gaussian keypoint.
        QFETCH(bool, atoms);
        QFETCH(bool, integer);
        QFETCH(bool, gaps);
        Schema s;
        s.keypoints = {{"hub", "x_hub", "y_hub"}};
        s.outputs = {{"wheel"}};
        s.categorical = {{"style", {"road", "mtb"}}};
        s.numerical = {{"teeth", 30.0, 50.0}};
        DesignTable t = emptyDesignTable(s, 400);
        std::mt19937_64 rng(4);
        std::uniform_real_distribution<double> u;
        std::normal_distribution<double> n01;
        for (std::size_t r = 0; r < 400; ++r) {
            const int style = u(rng) < 0.5 ? 0 : 1;
            const double teeth = std::round(30 + 20 * u(rng)), wheel = style == 0 ? 622.0 : 559.0;
            t.outputs.insert(t.outputs.end(), {wheel / 2 + 3 * n01(rng), 300 + 2 * teeth + n01(rng), wheel});
            t.categorical.push_back(gaps && r % 3 == 0 ? DesignTable::kUnknownClass : style);
            t.numerical.push_back(gaps && r % 4 == 1 ? DesignTable::unknownNumber() : teeth);
            t.lineNumbers.push_back(static_cast<long>(r + 2));
            ++t.rows;
        }
        sfarm::DesignSfarmSettings settings;
        settings.epochs = 5;
        settings.hidden = 32;
        settings.atoms = atoms;
        settings.integerConditions = integer;
        std::vector<double> losses;
        const sfarm::DesignSfarm m = sfarm::DesignSfarm::train(s, t, settings, [&](int64_t, double l) { losses.push_back(l); }, CancelToken());
        QCOMPARE(losses.size(), std::size_t(5));
        for (double l : losses) QVERIFY(std::isfinite(l));
        sfarm::PartialDesign p{ConditionValues::allUnknown(s), {NAN, 380.0, NAN}};  // the hub's height pinned
        const sfarm::ImputedDesigns out = m.impute(p, 16, 2);
        for (std::size_t k = 0; k < out.designs.size(); ++k) {
            QCOMPARE(out.designs[k][1], 380.0);
            for (double v : out.designs[k]) QVERIFY(std::isfinite(v));
            const double teeth = out.conditions[k].numerical[0];
            QVERIFY(teeth >= 30.0 && teeth <= 50.0);
            if (integer) QCOMPARE(teeth, std::round(teeth));
        }
        const auto ranked = m.rankUnknownConditions(p, {});
        QCOMPARE(ranked.size(), std::size_t(2));
        for (const auto& c : ranked) QVERIFY(c.spreadReduction >= 0.0 && c.spreadReduction <= 1.0);
        for (const auto& c : ranked)
            if (c.column == "teeth" && integer) QCOMPARE(c.suggestedNumber, std::round(c.suggestedNumber));
        QVERIFY(std::isfinite(m.spread(p, {})));
        const QTemporaryDir dir;
        const std::string path = dir.filePath("mixed.sfm").toStdString();
        m.save(path);
        QCOMPARE(sfarm::DesignSfarm::load(path).impute(p, 4, 9).designs, m.impute(p, 4, 9).designs);
    }

    void keypointSpreadIsTheSampleCovarianceAndItsEllipse() {
        // Keypoint a moves along the diagonal (x = y), keypoint b is fixed at a value whose
        // average would round: the mean stays exact.
        const std::vector<std::vector<double>> designs = {{0, 0, 0.1, 7}, {2, 2, 0.1, 7}, {4, 4, 0.1, 7}};
        const auto s = keypointSpread(toySchema(), designs);
        QCOMPARE(s.size(), size_t(2));
        QCOMPARE(s[0].mean.x, 2.0);
        QCOMPARE(s[0].varX, 4.0);
        QCOMPARE(s[0].covXY, 4.0);
        QCOMPARE(s[1].mean.x, 0.1);
        QCOMPARE(s[1].varY, 0.0);
        double a = 0, b = 0, angle = 0;
        s[0].ellipse(2.0, a, b, angle);
        QVERIFY(std::abs(a - 2.0 * std::sqrt(8.0)) < 1e-12 && std::abs(b) < 1e-6);
        QVERIFY(std::abs(angle - M_PI / 4) < 1e-12);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, keypointSpread(toySchema(), {{1.0, 2.0}}));
    }

    void shippedDesignSfarmsMatchTheirModels() {
        // The studio pairs <kind>.sfm with <kind>.msm by schema; both are reproduced by
        // packaging/train-default-models.sh.
        for (const std::string kind : {"bike", "car"}) {
            const std::string dir = qEnvironmentVariable("MASKSTUDIO_MODELS_DIR").toStdString();
            QVERIFY2(!dir.empty(), "MASKSTUDIO_MODELS_DIR is set by CTest");
            const sfarm::DesignSfarm sfarm = sfarm::DesignSfarm::load(dir + "/" + kind + ".sfm");
            QVERIFY(sfarm.schema() == mcvae::loadBundle(dir + "/" + kind + ".msm").schema);
            const auto ranked = sfarm.rankUnknownConditions({ConditionValues::allUnknown(sfarm.schema()), {}}, {});
            QCOMPARE(ranked.size(), sfarm.schema().conditionCount());
            QVERIFY2(ranked.front().spreadReduction > 0.3, qPrintable(QString::number(ranked.front().spreadReduction)));
        }
    }
};

QTEST_GUILESS_MAIN(TestDesignSfarm)
#include "TestDesignSfarm.moc"
