// SFARM on a CSV with every mix of element kinds (issue 13): Gaussian, integer (discretised
// logistic) and categorical (text) columns, one Gaussian or a mixture, with and without atoms
// (a zero-inflated column), with and without empty cells. For each mix: training has a finite
// loss, imputation (means, draws, means rounded to whole numbers) fills exactly the empty cells
// with values of the right kind, every score is
// finite, "measure next" ranks every unknown column, and the .sfm round-trips to the same fills.
#include <QtTest/QtTest>

#include <cmath>
#include <fstream>
#include <limits>
#include <random>
#include <set>

#include "api/SfarmTable.h"
#include "core/data/CsvReader.h"
#include "core/data/NumberText.h"
#include "sfarm/SfarmModelFile.h"

using namespace ms;

namespace {

enum Kind { Gaussian = 1, Integer = 2, Categorical = 4 };

struct Column {
    std::string name;
    Kind kind;
    bool atoms = false;  // continuous with a repeated value
};

std::vector<Column> columnsFor(int kinds, bool atoms) {
    std::vector<Column> c;
    if (kinds & Gaussian) c.insert(c.end(), {{"length", Gaussian}, {"mass", Gaussian}});
    if (kinds & Integer) c.insert(c.end(), {{"rating", Integer}, {"count", Integer}});
    if (kinds & Categorical) c.insert(c.end(), {{"colour", Categorical}, {"grade", Categorical}});
    if (atoms) c.push_back({"coating", Gaussian, true});
    return c;
}

// 120 rows of correlated values; `gaps`: about 20 % of the cells empty (never a whole row).
void writeTable(const std::string& path, const std::vector<Column>& columns, bool gaps, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> n01;
    std::uniform_real_distribution<double> u;
    std::ofstream out(path);
    out << "id";
    for (const auto& c : columns) out << "," << c.name;
    out << "\n";
    for (int i = 0; i < 120; ++i) {
        const double z = n01(rng);
        out << "row" << i;
        std::vector<std::string> cells;
        for (const auto& c : columns) {
            std::string v;
            if (c.name == "length") v = formatNumber(std::round((400 + 50 * z) * 10) / 10);
            else if (c.name == "mass") v = formatNumber(std::round((2 * (400 + 50 * z) + 5 * n01(rng)) * 10) / 10);
            else if (c.name == "rating") v = std::to_string(std::clamp<long>(std::lround(5 + 2 * z + 0.5 * n01(rng)), 0, 10));
            else if (c.name == "count") v = std::to_string(std::clamp<long>(std::lround(2 + z + n01(rng)), 0, 8));
            else if (c.name == "colour") v = z < -0.4 ? "red" : z < 0.4 ? "green" : "blue";
            else if (c.name == "grade") v = u(rng) < 0.5 + 0.3 * std::tanh(z) ? "A" : "B";
            else if (c.name == "coating") v = u(rng) < 0.4 ? "0" : formatNumber(std::round(std::exp(3 + 0.3 * z) * 10) / 10);
            cells.push_back(v);
        }
        if (gaps) {
            std::size_t kept = cells.size();
            for (auto& cell : cells)
                if (kept > 1 && u(rng) < 0.2) {
                    cell.clear();
                    --kept;
                }
        }
        for (const auto& cell : cells) out << "," << cell;
        out << "\n";
    }
}

bool isWholeNumber(const std::string& cell, double low, double high) {
    const ParsedNumber p = parseNumber(cell);
    return p.kind == NumberKind::Finite && p.value == std::round(p.value) && p.value >= low && p.value <= high;
}

}  // namespace

class TestSfarmElementKinds : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    std::string path(const std::string& name) const { return m_dir.filePath(QString::fromStdString(name)).toStdString(); }

private Q_SLOTS:
    void everyMixOfKinds_data() {
        QTest::addColumn<int>("kinds");
        QTest::addColumn<int>("mixture");
        QTest::addColumn<bool>("atoms");
        QTest::addColumn<bool>("gaps");
        const char* names[] = {"", "gauss", "int", "gauss+int", "cat", "gauss+cat", "int+cat", "gauss+int+cat"};
        for (int kinds = 1; kinds < 8; ++kinds)
            for (int mixture : {1, 3})
                for (bool atoms : {false, true})
                    for (bool gaps : {false, true})
                        QTest::newRow(QString("%1 mix%2%3%4").arg(names[kinds]).arg(mixture).arg(atoms ? " atoms" : "").arg(gaps ? " gaps" : "")
                                          .toLatin1()) << kinds << mixture << atoms << gaps;
    }

    void everyMixOfKinds() {
        QFETCH(int, kinds);
        QFETCH(int, mixture);
        QFETCH(bool, atoms);
        QFETCH(bool, gaps);
        const std::vector<Column> columns = columnsFor(kinds, atoms);
        const std::string csv = path("t.csv"), model = path("t.sfm");
        writeTable(csv, columns, gaps, static_cast<uint64_t>(kinds * 16 + mixture * 4 + atoms * 2 + gaps));

        api::SfarmTrainRequest r;
        r.dataPath = csv;
        r.outPath = model;
        r.epochs = 4;
        r.hidden = 16;
        r.mixture = mixture;
        r.atoms = atoms;
        std::vector<double> losses;
        const api::SfarmTrainResult res = api::trainSfarmOnCsv(r, [&](int64_t, double loss) { losses.push_back(loss); }, CancelToken());
        QCOMPARE(res.columns.size(), columns.size());
        QCOMPARE(res.ignoredColumns, std::vector<std::string>{"id"});
        QCOMPARE(losses.size(), std::size_t(4));
        for (double l : losses) QVERIFY2(std::isfinite(l), qPrintable(QString::number(l)));
        QCOMPARE(res.integerColumns.size(), std::size_t(kinds & Integer ? 2 : 0));
        QCOMPARE(res.categoricalColumns.size(), std::size_t(kinds & Categorical ? 2 : 0));
        if (atoms) QVERIFY(!res.atomColumns.empty() && res.atomColumns.front().first == "coating");

        // Imputation: exactly the empty cells, each with a value of its column's kind.
        const CsvTable in = readCsvFile(csv);
        for (int fill = 0; fill < 3; ++fill) {
            const bool sample = fill == 1, whole = fill == 2;  // the means; one draw; the means, whole numbers rounded
            const std::string filled = path(fill == 0 ? "filled.csv" : fill == 1 ? "drawn.csv" : "whole.csv");
            const api::SfarmImputeResult imp = api::imputeCsvWithSfarm(model, csv, filled, sample, 3, whole);
            const CsvTable out = readCsvFile(filled);
            int64_t empty = 0;
            for (std::size_t i = 0; i < in.rows.size(); ++i)
                for (std::size_t c = 0; c < in.header.size(); ++c) {
                    const std::string& was = in.rows[i][c];
                    const std::string& now = out.rows[i][c];
                    if (!was.empty()) {
                        QCOMPARE(now, was);
                        continue;
                    }
                    ++empty;
                    const Column& col = columns[c - 1];
                    if (col.kind == Categorical) {
                        const std::set<std::string> known = col.name == "colour" ? std::set<std::string>{"red", "green", "blue"}
                                                                                  : std::set<std::string>{"A", "B"};
                        QVERIFY2(known.count(now), now.c_str());
                    } else if (col.kind == Integer && (sample || whole)) {
                        QVERIFY2(isWholeNumber(now, 0, 10), now.c_str());
                    } else if (col.kind == Integer) {
                        const ParsedNumber v = parseNumber(now);  // a mean over the levels
                        QVERIFY2(v.kind == NumberKind::Finite && v.value >= 0 && v.value <= 10, now.c_str());
                    } else {
                        QVERIFY2(parseNumber(now).kind == NumberKind::Finite, now.c_str());
                    }
                }
            QCOMPARE(imp.filled, empty);
            QCOMPARE(empty > 0, gaps);
        }

        for (double ll : api::scoreCsvWithSfarm(model, csv, 3, 1)) QVERIFY(std::isfinite(ll));

        // Measure next: a row that knows only its first column; the target is the last one.
        const std::string query = path("query.csv");
        {
            std::ofstream q(query);
            q << in.header[0];
            for (std::size_t c = 1; c < in.header.size(); ++c) q << "," << in.header[c];
            q << "\nq," << in.rows[0][1] << std::string(columns.size() - 1, ',') << "\n";
        }
        if (!in.rows[0][1].empty()) {
            const auto ranking = api::acquireWithSfarm(model, query, 0, columns.back().name, 8, 2);
            QCOMPARE(ranking.size(), columns.size() - 2);
            for (const auto& a : ranking) QVERIFY(std::isfinite(a.information));
        }

        // The file round-trips: saved again and loaded, it fills the same values.
        const sfarm::SfarmModelFile loaded = sfarm::loadSfarmModel(model);
        sfarm::saveSfarmModel(loaded, path("again.sfm"));
        api::imputeCsvWithSfarm(path("again.sfm"), csv, path("again.csv"), false, 3);
        QCOMPARE(readCsvFile(path("again.csv")).rows, readCsvFile(path("filled.csv")).rows);
        QCOMPARE(sfarm::loadSfarmModel(path("again.sfm")).classNames, loaded.classNames);
    }

    void tuneSearchesOnHeldOutCells() {
        const std::string csv = path("tune.csv"), model = path("tune.sfm");
        writeTable(csv, columnsFor(Gaussian | Integer | Categorical, true), true, 11);
        api::SfarmTrainRequest r;
        r.dataPath = csv;
        r.outPath = model;
        r.epochs = 30;
        r.tune = true;
        r.tuneTrials = 4;
        std::vector<api::SfarmTuneTrial> seen;
        const api::SfarmTrainResult res = api::trainSfarmOnCsv(r, {}, CancelToken(), [&](const api::SfarmTuneTrial& t) { seen.push_back(t); });
        // 4 trials on the first rung, the best 2 continued; the kept model is the best of the last rung.
        QCOMPARE(seen.size(), std::size_t(4 + 2));
        double best = std::numeric_limits<double>::infinity();
        for (const auto& t : seen)
            if (t.rung == 1) best = std::min(best, t.validationError);
        QCOMPARE(res.validationError, best);
        QVERIFY(!res.tunedSettings.empty());
        QVERIFY(sfarm::loadSfarmModel(model).training.value("tuned", false));
        QVERIFY(api::imputeCsvWithSfarm(model, csv, path("tune-filled.csv"), false, 1).filled > 0);
    }

    void unknownClassAndMarkersAreNamed() {
        const std::string csv = path("k.csv"), model = path("k.sfm");
        writeTable(csv, columnsFor(Gaussian | Categorical, false), true, 7);
        api::SfarmTrainRequest r;
        r.dataPath = csv;
        r.outPath = model;
        r.epochs = 2;
        r.hidden = 8;
        api::trainSfarmOnCsv(r, {}, CancelToken());
        // NA / NaN / ? mean unknown and are filled; a class the model never saw is named.
        const std::string markers = path("markers.csv");
        {
            std::ofstream f(markers);
            f << "id,length,mass,colour,grade\na,NA,800,red,?\nb,410,NaN,N/A,B\n";
        }
        const std::string out = path("markers-filled.csv");
        QCOMPARE(api::imputeCsvWithSfarm(model, markers, out, false, 0).filled, int64_t(4));
        for (const auto& row : readCsvFile(out).rows)
            for (const auto& cell : row) QVERIFY(!cell.empty() && cell != "NA" && cell != "?");
        const std::string foreign = path("foreign.csv");
        {
            std::ofstream f(foreign);
            f << "id,length,mass,colour,grade\na,400,800,purple,A\n";
        }
        try {
            api::imputeCsvWithSfarm(model, foreign, out, false, 0);
            QFAIL("an unknown class was accepted");
        } catch (const std::exception& e) {
            const QString what = e.what();
            QVERIFY2(what.contains("foreign.csv:2") && what.contains("colour") && what.contains("'purple'"), qPrintable(what));
        }
    }
};

QTEST_GUILESS_MAIN(TestSfarmElementKinds)
#include "TestSfarmElementKinds.moc"
