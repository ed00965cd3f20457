// SFARM on a user's CSV: empty cells are unknown values; training ignores text columns; imputation
// fills exactly the empty cells of the modelled columns (everything else stays as written) and
// beats the column mean; scores are finite; "measure next" puts the informative column ahead of
// pure noise; bad cells and foreign files are named.
#include <QtTest/QtTest>

#include <cmath>
#include <fstream>
#include <random>

#include "api/SfarmTable.h"
#include "core/data/CsvReader.h"
#include "core/data/DataError.h"
#include "core/data/NumberText.h"
#include "experiments/AcquisitionBenchmark.h"
#include "mcvae/ModelBundle.h"
#include "sfarm/SfarmModelFile.h"

using namespace ms;

class TestSfarmTable : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_csv, m_model;
    std::vector<std::array<double, 5>> m_truth;  // a, b, c, d, e

    static std::string text(double v) { return formatNumber(std::round(v * 1e4) / 1e4); }

private Q_SLOTS:
    void initTestCase() {
        m_csv = m_dir.filePath("parts.csv");
        m_model = m_dir.filePath("parts.sfm");
        std::mt19937_64 rng(3);
        std::normal_distribution<double> n01;
        std::uniform_real_distribution<double> u;
        std::ofstream out(m_csv.toStdString());
        out << "name,a,b,c,d,e\n";
        for (int i = 0; i < 400; ++i) {
            const double a = n01(rng);
            const std::array<double, 5> v{a, 2 * a + 0.1 * n01(rng), 5 - a + 0.1 * n01(rng), 0.3 * n01(rng), 10 + n01(rng)};
            m_truth.push_back(v);
            out << "part" << i;
            for (int j = 0; j < 5; ++j) out << "," << (u(rng) < 0.3 ? std::string() : text(v[static_cast<std::size_t>(j)]));
            out << "\n";
        }
    }

    void trainsOnNumericColumnsOnly() {
        api::SfarmTrainRequest r;
        r.dataPath = m_csv.toStdString();
        r.outPath = m_model.toStdString();
        r.epochs = 300;
        r.hidden = 32;
        const api::SfarmTrainResult res = api::trainSfarmOnCsv(r, {}, CancelToken());
        QCOMPARE(res.columns, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
        QCOMPARE(res.ignoredColumns, std::vector<std::string>{"name"});
        QVERIFY(res.observedFraction > 0.6 && res.observedFraction < 0.8);
        QVERIFY(std::isfinite(res.finalLoss));
        QVERIFY(QFile::exists(m_model));
    }

    void imputesOnlyTheEmptyCellsAndBeatsTheMean() {
        const std::string out = m_dir.filePath("filled.csv").toStdString();
        const api::SfarmImputeResult res = api::imputeCsvWithSfarm(m_model.toStdString(), m_csv.toStdString(), out, false, 1);
        const CsvTable in = readCsvFile(m_csv.toStdString()), done = readCsvFile(out);
        QCOMPARE(done.header, in.header);
        QCOMPARE(done.rows.size(), in.rows.size());
        int64_t empty = 0;
        double sfarmErr = 0, meanErr = 0;
        int64_t bFilled = 0;
        double bMean = 0;
        int64_t bSeen = 0;
        for (const auto& row : in.rows)
            if (!row[2].empty()) {
                bMean += parseNumber(row[2]).value;
                ++bSeen;
            }
        bMean /= static_cast<double>(bSeen);
        for (std::size_t i = 0; i < in.rows.size(); ++i)
            for (std::size_t c = 0; c < in.header.size(); ++c) {
                if (!in.rows[i][c].empty()) {
                    QCOMPARE(done.rows[i][c], in.rows[i][c]);  // as written, to the character
                    continue;
                }
                ++empty;
                QVERIFY(!done.rows[i][c].empty());
                if (c == 2 && !in.rows[i][1].empty()) {  // b missing, a known: b ~ 2a
                    const double truth = m_truth[i][1];
                    sfarmErr += std::pow(parseNumber(done.rows[i][c]).value - truth, 2);
                    meanErr += std::pow(bMean - truth, 2);
                    ++bFilled;
                }
            }
        QCOMPARE(res.filled, empty);
        QVERIFY(bFilled > 20);
        QVERIFY2(sfarmErr < 0.25 * meanErr, qPrintable(QString("%1 vs %2").arg(sfarmErr).arg(meanErr)));
    }

    void scoresAndRanksWhatToMeasureNext() {
        const auto ll = api::scoreCsvWithSfarm(m_model.toStdString(), m_csv.toStdString(), 8, 2);
        QCOMPARE(ll.size(), m_truth.size());
        for (double v : ll) QVERIFY(std::isfinite(v));
        // A row that knows only d: for target b, a (or c, which carry b) come before e (noise).
        const QString one = m_dir.filePath("one.csv");
        {
            std::ofstream out(one.toStdString());
            out << "name,a,b,c,d,e\nquery,,,,0.1,\n";
        }
        const auto ranking = api::acquireWithSfarm(m_model.toStdString(), one.toStdString(), 0, "b", 64, 4);
        QCOMPARE(ranking.size(), std::size_t(3));  // a, c, e: d is known, b is the target
        QVERIFY(ranking.front().column == "a" || ranking.front().column == "c");
        QCOMPARE(ranking.back().column, std::string("e"));
        QVERIFY(ranking.front().information > 5 * std::max(ranking.back().information, 1e-3));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, api::acquireWithSfarm(m_model.toStdString(), one.toStdString(), 0, "d", 8, 4));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, api::acquireWithSfarm(m_model.toStdString(), one.toStdString(), 5, "b", 8, 4));
    }

    void greedyAcquisitionBeatsARandomOrder() {
        // target = 3 * x1 + small noise; x0, x2 are noise: one acquisition settles the target.
        NumericTable t;
        t.rows = 300;
        t.columns = 4;
        std::mt19937_64 rng(5);
        std::normal_distribution<double> n01;
        for (std::size_t i = 0; i < t.rows; ++i) {
            const double x0 = n01(rng), x1 = n01(rng), x2 = n01(rng);
            t.values.insert(t.values.end(), {x0, x1, x2, 3 * x1 + 0.1 * n01(rng)});
        }
        experiments::AcquisitionBenchmarkSettings s;
        s.seeds = {0};
        s.epochs = 300;
        s.informationSamples = 16;
        const experiments::AcquisitionCurves c = experiments::runAcquisitionBenchmark(t, s, CancelToken());
        QCOMPARE(c.greedy.size(), std::size_t(4));
        QCOMPARE(c.greedy.front(), c.random.front());  // nothing acquired: the same prediction
        QVERIFY(c.greedyFirstPickShare[1] > 0.9);
        QVERIFY2(c.greedy[1] < 0.5 * c.random[1], qPrintable(QString("%1 vs %2").arg(c.greedy[1]).arg(c.random[1])));
        QVERIFY(std::abs(c.greedy.back() - c.random.back()) < 1e-9);  // everything acquired: the same again
    }

    void wholeNumberColumnsAreImputedAsWholeNumbers() {
        // teeth: whole numbers 30..50 that follow ratio; ratio: continuous.
        const QString csv = m_dir.filePath("gears.csv");
        std::vector<int> teeth;
        {
            std::mt19937_64 rng(5);
            std::uniform_int_distribution<int> t(30, 50);
            std::normal_distribution<double> n01;
            std::uniform_real_distribution<double> u;
            std::ofstream out(csv.toStdString());
            out << "teeth,ratio\n";
            for (int i = 0; i < 500; ++i) {
                teeth.push_back(t(rng));
                const double ratio = teeth.back() / 10.0 + 0.02 * n01(rng);
                out << (u(rng) < 0.3 ? std::string() : std::to_string(teeth.back())) << "," << text(ratio) << "\n";
            }
        }
        api::SfarmTrainRequest r;
        r.dataPath = csv.toStdString();
        r.outPath = m_dir.filePath("gears.sfm").toStdString();
        r.epochs = 400;
        r.hidden = 32;
        const api::SfarmTrainResult res = api::trainSfarmOnCsv(r, {}, CancelToken());
        QCOMPARE(res.integerColumns, std::vector<std::string>{"teeth"});
        const std::string out = m_dir.filePath("gears-filled.csv").toStdString();
        api::imputeCsvWithSfarm(r.outPath, csv.toStdString(), out, true, 3);  // sampled, not just the mode
        const CsvTable in = readCsvFile(csv.toStdString()), done = readCsvFile(out);
        int filled = 0;
        double absError = 0;
        for (std::size_t i = 0; i < in.rows.size(); ++i) {
            if (!in.rows[i][0].empty()) continue;
            const double v = parseNumber(done.rows[i][0]).value;
            QVERIFY2(v == std::round(v) && v >= 30 && v <= 50, done.rows[i][0].c_str());
            absError += std::abs(v - teeth[i]);
            ++filled;
        }
        QVERIFY(filled > 100);
        QVERIFY2(absError / filled < 1.0, qPrintable(QString::number(absError / filled)));  // read off the ratio
        // Opting out of both integers and atoms (each of its 21 values is an atom: >= 2 % of the
        // cells) models it as a Gaussian: fills are no longer whole numbers.
        r.integerColumns = false;
        r.atoms = false;
        r.outPath = m_dir.filePath("gears-continuous.sfm").toStdString();
        QVERIFY(api::trainSfarmOnCsv(r, {}, CancelToken()).integerColumns.empty());
        api::imputeCsvWithSfarm(r.outPath, csv.toStdString(), out, true, 3);
        const CsvTable continuous = readCsvFile(out);
        int fractional = 0;
        for (std::size_t i = 0; i < in.rows.size(); ++i)
            if (in.rows[i][0].empty()) {
                const double v = parseNumber(continuous.rows[i][0]).value;
                fractional += v != std::round(v) ? 1 : 0;
            }
        QVERIFY(fractional > filled / 2);
    }

    void repeatedValuesAreAtoms() {
        // slag: exactly 0 in about half of the mixes, else around 100 (as UCI Concrete's slag, fly
        // ash and superplasticiser); water: continuous, lower when slag is used.
        const QString csv = m_dir.filePath("mixes.csv");
        {
            std::mt19937_64 rng(8);
            std::normal_distribution<double> n01;
            std::uniform_real_distribution<double> u;
            std::ofstream out(csv.toStdString());
            out << "slag,water,noise\n";
            for (int i = 0; i < 600; ++i) {
                const bool none = u(rng) < 0.5;
                const double slag = none ? 0.0 : 100.0 + 20.0 * n01(rng), water = 180.0 - 0.2 * slag + 5.0 * n01(rng);
                out << (u(rng) < 0.2 ? std::string() : text(slag)) << "," << text(water) << "," << text(n01(rng)) << "\n";
            }
        }
        api::SfarmTrainRequest r;
        r.dataPath = csv.toStdString();
        r.epochs = 150;
        r.hidden = 32;
        r.integerColumns = false;
        const auto meanScore = [&](bool atoms) {
            r.atoms = atoms;
            r.outPath = m_dir.filePath(atoms ? "mixes-atoms.sfm" : "mixes-plain.sfm").toStdString();
            const api::SfarmTrainResult res = api::trainSfarmOnCsv(r, {}, CancelToken());
            const auto ll = api::scoreCsvWithSfarm(r.outPath, csv.toStdString(), 4, 1);
            double sum = 0;
            for (double v : ll) sum += v;
            return std::make_pair(res, sum / static_cast<double>(ll.size()));
        };
        const auto [plain, plainScore] = meanScore(false);
        const auto [atoms, atomScore] = meanScore(true);
        QVERIFY(plain.atomColumns.empty());
        QCOMPARE(atoms.atomColumns, (std::vector<std::pair<std::string, int64_t>>{{"slag", 1}}));  // the zeros; water, noise none
        QCOMPARE(sfarm::loadSfarmModel(r.outPath).model->config().atoms.size(), size_t(3));  // recorded in the file
        QVERIFY2(atomScore > plainScore + 1.0, qPrintable(QString("log p per row: plain %1, with atoms %2").arg(plainScore).arg(atomScore)));
        // Sampled fills: observed cells as written, and about half of the filled slag cells are
        // exactly 0 (the atom), the others far from it.
        const std::string out = m_dir.filePath("mixes-filled.csv").toStdString();
        api::imputeCsvWithSfarm(r.outPath, csv.toStdString(), out, true, 2);
        const CsvTable in = readCsvFile(csv.toStdString()), done = readCsvFile(out);
        int filled = 0, zeros = 0;
        for (std::size_t i = 0; i < in.rows.size(); ++i) {
            for (std::size_t c = 0; c < 3; ++c)
                if (!in.rows[i][c].empty()) QCOMPARE(done.rows[i][c], in.rows[i][c]);
            if (!in.rows[i][0].empty()) continue;
            const double v = parseNumber(done.rows[i][0]).value;
            ++filled;
            zeros += v == 0.0 ? 1 : 0;
            QVERIFY2(v == 0.0 || std::abs(v) > 30.0, done.rows[i][0].c_str());
        }
        QVERIFY(filled > 80);
        QVERIFY2(zeros > filled / 4 && zeros < 3 * filled / 4, qPrintable(QString("%1 of %2").arg(zeros).arg(filled)));
        // Measure next, for water with nothing known: slag (through the Monte Carlo estimate, as
        // the model has atoms) well ahead of the noise column.
        const QString one = m_dir.filePath("one-mix.csv");
        {
            std::ofstream o(one.toStdString());
            o << "slag,water,noise\n,,\n";
        }
        const auto ranking = api::acquireWithSfarm(r.outPath, one.toStdString(), 0, "water", 64, 3);
        QCOMPARE(ranking.size(), std::size_t(2));
        QCOMPARE(ranking.front().column, std::string("slag"));
        QVERIFY2(ranking.front().information > 0.2 && ranking.front().information > 5 * std::max(ranking.back().information, 1e-3),
                 qPrintable(QString("slag %1, noise %2").arg(ranking.front().information).arg(ranking.back().information)));
    }

    void badInputIsNamed() {
        const QString bad = m_dir.filePath("bad.csv");
        {
            std::ofstream out(bad.toStdString());
            out << "name,a,b,c,d,e\nx,1,2,3,4,5\ny,1,two,3,4,5\n";
        }
        try {
            api::imputeCsvWithSfarm(m_model.toStdString(), bad.toStdString(), m_dir.filePath("o.csv").toStdString(), false, 0);
            QFAIL("a text cell in a modelled column must be refused");
        } catch (const DataError& e) {
            QVERIFY2(QString(e.what()).contains("bad.csv:3") && QString(e.what()).contains("'b'"), e.what());
        }
        try {
            api::imputeCsvWithSfarm(m_csv.toStdString(), m_csv.toStdString(), m_dir.filePath("o.csv").toStdString(), false, 0);
            QFAIL("a CSV is not a model");
        } catch (const BundleError& e) {
            QVERIFY2(QString(e.what()).contains("parts.csv"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestSfarmTable)
#include "TestSfarmTable.moc"
