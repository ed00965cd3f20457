// Learning from incomplete designs on a user's CSV (api/PartialTable): a bicycle table with 30 %
// of its keypoint cells empty and one row without any keypoint is refused by the complete-data
// builder but accepted here (the empty row skipped with its line); the trained .mpd fills
// exactly the empty cells (every written cell kept as written), samples keep pinned keypoints
// exactly, and a model file of another kind is named as such.
#include <QtTest/QtTest>

#include <cmath>
#include <cstdlib>
#include <set>

#include "api/ExploreSession.h"
#include "api/PartialDesignModel.h"
#include "api/PartialTable.h"
#include "core/conditioning/ConditionValues.h"
#include "core/data/CsvReader.h"
#include "core/data/DataError.h"
#include "core/data/DesignTableBuilder.h"
#include "core/data/NumberText.h"
#include "core/data/SchemaInference.h"
#include "core/io/BundleError.h"
#include "mcvae/Preset.h"

using namespace ms;

namespace {

std::string modelsDir() {
    const char* env = std::getenv("MASKSTUDIO_MODELS_DIR");
    return env ? env : "models";
}

bool isKeypointColumn(const std::string& name) { return name.rfind("x_", 0) == 0 || name.rfind("y_", 0) == 0; }

}  // namespace

class TestPartialTable : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string m_gappy, m_model;
    CsvTable m_written;
    std::set<std::pair<std::size_t, std::size_t>> m_blanked;  // (row, column) emptied by the test
    static constexpr std::size_t kRows = 300, kEmptyRow = 17;

    // The trained model completing `data` into a file of the test's folder, with K members.
    api::PartialImputeRequest imputeRequest(const std::string& data, const char* out, int64_t members) {
        api::PartialImputeRequest r;
        r.modelPath = m_model;
        r.dataPath = data;
        r.outPath = m_dir.filePath(out).toStdString();
        r.members = members;
        return r;
    }

private Q_SLOTS:
    void initTestCase() {
        CsvTable bikes = readCsvFile(modelsDir() + "/bike.csv");
        QVERIFY(bikes.rows.size() > kRows);
        bikes.rows.resize(kRows);
        bikes.lineNumbers.resize(kRows);
        std::srand(3);
        for (std::size_t r = 0; r < kRows; ++r)
            for (std::size_t c = 0; c < bikes.header.size(); ++c)
                if (isKeypointColumn(bikes.header[c]) && (r == kEmptyRow || std::rand() % 10 < 3)) {
                    bikes.rows[r][c].clear();
                    if (r != kEmptyRow) m_blanked.insert({r, c});
                }
        m_gappy = m_dir.filePath("gappy.csv").toStdString();
        writeCsvFile(m_gappy, bikes.header, bikes.rows);
        m_written = readCsvFile(m_gappy);
        m_model = m_dir.filePath("bike.mpd").toStdString();
    }

    void completeDataBuilderRefusesGapsWithItsLine() {
        const Schema schema = inferSchema(m_written, mcvae::loadPreset("bike").columns);
        try {
            buildDesignTable(m_written, schema);
            QFAIL("a CSV with empty keypoint cells was accepted");
        } catch (const DataError& e) {
            QVERIFY2(std::string(e.what()).find("empty keypoint value") != std::string::npos, e.what());
        }
        std::vector<long> skipped;
        const DesignTable t = buildDesignTableWithGaps(m_written, schema, &skipped);
        QCOMPARE(t.rows, kRows - 1);
        QCOMPARE(skipped, std::vector<long>{m_written.lineNumbers[kEmptyRow]});
        std::size_t gaps = 0;
        for (double v : t.outputs) gaps += std::isnan(v);
        QCOMPARE(gaps, m_blanked.size());
        const api::CsvGapSummary summary = api::summariseCsvGaps(m_gappy, "", "bike");
        QCOMPARE(summary.rows, int64_t(kRows - 1));
        QCOMPARE(summary.skippedLines.size(), std::size_t(1));
        QVERIFY(summary.rowsWithGaps > 250);
    }

    void trainsOnIncompleteRowsOnly() {
        api::PartialTrainRequest r;
        r.dataPath = m_gappy;
        r.preset = "bike";
        r.outPath = m_model;
        r.updates = 300;
        r.hidden = 64;
        r.blocks = 2;
        const api::PartialTrainResult res = api::trainPartialOnCsv(r, {}, CancelToken());
        QCOMPARE(res.rows, int64_t(kRows - 1));
        QCOMPARE(res.skippedLines, std::vector<long>{m_written.lineNumbers[kEmptyRow]});
        QVERIFY(res.observedFraction > 0.6 && res.observedFraction < 0.85);  // the keypoints' 70 % and the complete wheel diameters
        QVERIFY(std::isfinite(res.finalLoss));
        QCOMPARE(res.updates, int64_t(300));
        QVERIFY(QFile::exists(QString::fromStdString(m_model)));
    }

    void imputeFillsExactlyTheEmptyCells() {
        const api::PartialImputeRequest r = imputeRequest(m_gappy, "filled.csv", 4);
        const api::PartialImputeResult res = api::imputeCsvWithPartial(r);
        QCOMPARE(res.filledCells, int64_t(m_blanked.size()));
        QCOMPARE(res.skippedLines.size(), std::size_t(1));
        const CsvTable filled = readCsvFile(r.outPath);
        QCOMPARE(filled.header, m_written.header);
        QCOMPARE(filled.rows.size(), m_written.rows.size());
        for (std::size_t row = 0; row < filled.rows.size(); ++row)
            for (std::size_t c = 0; c < filled.header.size(); ++c) {
                const std::string& before = m_written.rows[row][c];
                const std::string& after = filled.rows[row][c];
                if (m_blanked.count({row, c})) {
                    const ParsedNumber n = parseNumber(after);
                    QVERIFY2(n.kind == NumberKind::Finite, qPrintable(QString::fromStdString(filled.header[c] + " = '" + after + "'")));
                } else {
                    QCOMPARE(after, before);  // the row without keypoints too
                }
            }
    }

    // A class the model never saw (a new bike style in the user's table) is completed as an
    // unknown condition and reported with its column, class, rows and first line; the builder
    // without that list still refuses it by name.
    void imputeReadsAnUnseenClassAsUnknown() {
        const Schema schema = inferSchema(m_written, mcvae::loadPreset("bike").columns);
        QVERIFY(!schema.categorical.empty());
        const std::string column = schema.categorical.front().column;
        CsvTable edited = m_written;
        const std::size_t c = static_cast<std::size_t>(edited.columnIndex(column));
        for (std::size_t row : {5, 9, 40}) edited.rows[row][c] = "HOVERBIKE";
        const std::string path = m_dir.filePath("unseen.csv").toStdString();
        writeCsvFile(path, edited.header, edited.rows);
        const CsvTable reread = readCsvFile(path);
        try {
            buildDesignTableWithGaps(reread, schema, nullptr);
            QFAIL("an unseen class was accepted without a list to report it in");
        } catch (const DataError& e) {
            QVERIFY2(std::string(e.what()).find("HOVERBIKE") != std::string::npos, e.what());
        }
        const api::PartialImputeRequest r = imputeRequest(path, "unseen-filled.csv", 2);
        const api::PartialImputeResult res = api::imputeCsvWithPartial(r);
        QCOMPARE(res.filledCells, int64_t(m_blanked.size()));
        QCOMPARE(res.unseenClasses.size(), std::size_t(1));
        QCOMPARE(res.unseenClasses[0].column, column);
        QCOMPARE(res.unseenClasses[0].value, std::string("HOVERBIKE"));
        QCOMPARE(res.unseenClasses[0].cells, std::size_t(3));
        QCOMPARE(res.unseenClasses[0].firstLine, reread.lineNumbers[5]);
        QVERIFY(describeUnseenClasses(res.unseenClasses).find("'HOVERBIKE' (3 rows from line") != std::string::npos);
        const CsvTable filled = readCsvFile(r.outPath);
        QCOMPARE(filled.rows[9][c], std::string("HOVERBIKE"));  // the user's cell is written back as it was
    }

    void samplesKeepPinsExactly() {
        api::PartialSampleRequest r;
        r.modelPath = m_model;
        r.outPath = m_dir.filePath("samples.csv").toStdString();
        r.pins = {"BB=0.25,-0.125"};
        r.count = 6;
        r.steps = 4;
        r.members = 2;
        QCOMPARE(api::samplePartialDesigns(r).designs, int64_t(6));
        const CsvTable s = readCsvFile(r.outPath);
        QCOMPARE(s.rows.size(), std::size_t(6));
        const int x = s.columnIndex("x_BB"), y = s.columnIndex("y_BB"), saddle = s.columnIndex("x_saddle_top");
        QVERIFY(x >= 0 && y >= 0 && saddle >= 0);
        std::set<std::string> saddles;
        for (const auto& row : s.rows) {
            QCOMPARE(row[static_cast<std::size_t>(x)], std::string("0.25"));
            QCOMPARE(row[static_cast<std::size_t>(y)], std::string("-0.125"));
            QVERIFY(parseNumber(row[static_cast<std::size_t>(saddle)]).kind == NumberKind::Finite);
            saddles.insert(row[static_cast<std::size_t>(saddle)]);
        }
        QVERIFY(saddles.size() > 1);  // samples with spread
        r.pins = {"nose=1,2"};
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, api::samplePartialDesigns(r));
    }

    // The studio's path: a .mpd loads into the explore session like any model; pins come back
    // exactly, the mean design is deterministic, samples differ, the spread is measured.
    void exploresLikeAnyModel() {
        api::ExploreSession session;
        const api::ModelInfo& info = session.load(m_model);
        QVERIFY(info.partial);
        QCOMPARE(info.latentDim, 0);
        QVERIFY(!info.designSfarm);
        QCOMPARE(info.schema.keypoints.size(), std::size_t(12));
        QVERIFY(session.loaded());

        api::ExploreQuery q;
        q.request.conditions = parseConditionAssignments(info.schema, {"BikeStyle=ROAD"});
        q.pins.assign(info.schema.outputDim(), std::nan(""));
        const std::size_t bbX = 2, bbY = 3;  // x_BB, y_BB
        q.pins[bbX] = 0.25;
        q.pins[bbY] = -0.125;
        q.request.latent = mcvae::LatentMode::Zero;
        const api::ExploreView mean = session.explore(q);
        QVERIFY(mean.pinned);
        QCOMPARE(mean.designs.size(), std::size_t(1));
        QCOMPARE(mean.designs[0][bbX], 0.25);
        QCOMPARE(mean.designs[0][bbY], -0.125);
        QCOMPARE(mean.spread.size(), info.schema.keypoints.size());
        QCOMPARE(session.explore(q).designs[0], mean.designs[0]);  // the mean design is deterministic

        q.request.latent = mcvae::LatentMode::Sample;
        q.request.count = 4;
        const api::ExploreView samples = session.explore(q);
        QCOMPARE(samples.designs.size(), std::size_t(4));
        QCOMPARE(samples.drawings.size(), std::size_t(4));
        std::set<double> saddles;
        for (const std::vector<double>& d : samples.designs) {
            QCOMPARE(d[bbX], 0.25);
            saddles.insert(d[20]);  // x_saddle_top
        }
        QVERIFY(saddles.size() > 1);

        q.pins.clear();  // no pins: completions of the conditions alone
        const api::ExploreView free = session.explore(q);
        QVERIFY(!free.pinned);
        QCOMPARE(free.designs.size(), std::size_t(4));
        for (double v : free.designs[0]) QVERIFY(std::isfinite(v));

        const api::PartialDesignModel model = api::PartialDesignModel::load(m_model);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model.complete(q.request.conditions, {1.0, 2.0}, 1, {}));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, model.complete(q.request.conditions, {}, 0, {}));
    }

    void otherModelFilesAreNamed() {
        api::PartialImputeRequest r;
        r.modelPath = modelsDir() + "/bike.sfm";
        r.dataPath = m_gappy;
        r.outPath = m_dir.filePath("never.csv").toStdString();
        try {
            api::imputeCsvWithPartial(r);
            QFAIL("an SFARM model was loaded as a partial-observation model");
        } catch (const BundleError& e) {
            QVERIFY2(std::string(e.what()).find("bike.sfm") != std::string::npos, e.what());
        }
        QVERIFY(!QFile::exists(QString::fromStdString(r.outPath)));
    }
};

QTEST_GUILESS_MAIN(TestPartialTable)
#include "TestPartialTable.moc"
