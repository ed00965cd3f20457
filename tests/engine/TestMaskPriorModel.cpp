// Work II on the user's own data (engine/api/MaskPriorModel, `partial maskprior train|sample|score`):
// GeoBIKED's real table with gaps made by two real-looking sources, catalogue rows (the frame from a
// geometry chart: stem, saddle, seat-post top and fork end missing together) and photo rows (each
// keypoint occluded on its own), learnt by the vector prior (an MLP over which keypoints a row has).
// Held-out gaps score below an independent Bernoulli per keypoint, the draws miss the four
// catalogue points together about as often as the data, a draw is seeded, the .mpr file
// round-trips and wrong files are named; an image prior learns a fixed block; the command line
// writes the masks it says it writes.
#include <QtTest/QtTest>

#include <filesystem>
#include <random>

#include "api/MaskPriorModel.h"
#include "api/PartialTable.h"
#include "core/data/CsvReader.h"
#include "core/data/DataError.h"
#include "core/io/BundleError.h"
#include "core/runtime/TorchRuntime.h"
#include "partial/PartialModelFile.h"

using namespace ms;

namespace {

const std::vector<std::string> kCatalogueGaps = {"stem_top", "saddle_top", "seat_tube_top", "front_fork"};
constexpr double kCatalogueShare = 0.4, kOcclusion = 0.15;

// Blanks keypoints of GeoBIKED rows [first, first + count): catalogue rows lose the four component
// points, photo rows each keypoint with probability kOcclusion. Returns the share of rows missing
// all four catalogue points.
double writeGappedTable(const CsvTable& csv, std::size_t first, std::size_t count, const std::string& path, uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::vector<std::string> keypoints;
    for (const std::string& h : csv.header)
        if (h.rfind("x_", 0) == 0) keypoints.push_back(h.substr(2));
    std::vector<std::vector<std::string>> rows;
    int64_t allFour = 0;
    for (std::size_t r = first; r < first + count; ++r) {
        std::vector<std::string> row = csv.rows[r];
        const bool catalogue = u(rng) < kCatalogueShare;
        int missingFour = 0;
        for (const std::string& k : keypoints) {
            const bool component = std::find(kCatalogueGaps.begin(), kCatalogueGaps.end(), k) != kCatalogueGaps.end();
            if (catalogue ? component : u(rng) < kOcclusion) {
                row[static_cast<std::size_t>(csv.columnIndex("x_" + k))].clear();
                row[static_cast<std::size_t>(csv.columnIndex("y_" + k))].clear();
                missingFour += component;
            }
        }
        allFour += missingFour == 4;
        rows.push_back(row);
    }
    writeCsvFile(path, csv.header, rows);
    return static_cast<double>(allFour) / static_cast<double>(count);
}

int cli(const QStringList& args, QString* output) {
    QProcess p;
    p.start(MASKSTUDIO_CLI_PATH, args);
    p.waitForFinished(300000);
    *output = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
    return p.exitCode();
}

}  // namespace

class TestMaskPriorModel : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_source, m_train, m_test, m_prior;
    double m_testAllFour = 0.0;

private Q_SLOTS:
    void initTestCase() {
        initTorchRuntime(1);  // small networks: a second thread buys nothing, and CTest may run another test beside this one
        const char* shared = std::getenv("MASKSTUDIO_SHARED_DATA");
        if (!shared || !*shared) QFAIL("MASKSTUDIO_SHARED_DATA is not set: point it at the shared data folder (../shared/data)");
        const std::string path = std::string(shared) + "/geobiked/df_parameters_final.csv";
        if (!std::filesystem::is_regular_file(path)) QFAIL(qPrintable(QString("GeoBIKED data not found at %1").arg(path.c_str())));
        m_source = path;
        const CsvTable csv = readCsvFile(path);
        QVERIFY(csv.rows.size() > 4000);
        m_train = m_dir.filePath("train.csv").toStdString();
        m_test = m_dir.filePath("test.csv").toStdString();
        m_prior = m_dir.filePath("gaps.mpr").toStdString();
        writeGappedTable(csv, 0, 3000, m_train, 1);
        m_testAllFour = writeGappedTable(csv, 3000, 1000, m_test, 2);
    }

    void theVectorPriorLearnsWhichKeypointsGoMissingTogether() {
        api::MaskPriorTrainRequest r;
        r.dataPath = m_train;
        r.outPath = m_prior;
        const api::MaskPriorTrainResult trained = api::trainMaskPriorOnCsv(r, {}, CancelToken());
        QCOMPARE(trained.rows, int64_t{3000});
        QCOMPARE(trained.entries, int64_t{12});  // the keypoints (the default schema reads the wheel diameters as conditions)
        QVERIFY(trained.distinctMasks > 100);
        // held-out gaps: the four catalogue points are one event, not four
        const api::MaskPriorScore held = api::scoreCsvMasks(m_prior, m_test);
        QCOMPARE(held.rows, int64_t{1000});
        QCOMPARE(held.lines.front(), 2L);
        QVERIFY2(held.bitsPerEntry < 0.8 * held.bernoulliBitsPerEntry,
                 qPrintable(QString("%1 vs %2").arg(held.bitsPerEntry).arg(held.bernoulliBitsPerEntry)));
        api::MaskPriorSampling how;
        how.count = 1000;
        how.seed = 5;
        const api::MaskPriorDraws draws = api::sampleMaskPrior(m_prior, how);
        QCOMPARE(draws.rows, int64_t{1000});
        QCOMPARE(draws.entries.size(), std::size_t{12});
        std::vector<std::size_t> four;
        for (const std::string& name : kCatalogueGaps)
            four.push_back(static_cast<std::size_t>(std::find(draws.entries.begin(), draws.entries.end(), name) - draws.entries.begin()));
        QVERIFY(four.back() < 12);
        int64_t allFour = 0, someButNotAll = 0;
        for (int64_t i = 0; i < draws.rows; ++i) {
            int missing = 0;
            for (std::size_t e : four) missing += draws.masks[static_cast<std::size_t>(i) * 12 + e] == 0;
            allFour += missing == 4;
            someButNotAll += missing > 0 && missing < 4;
        }
        const double share = static_cast<double>(allFour) / 1000.0;
        QVERIFY2(std::abs(share - m_testAllFour) < 0.07, qPrintable(QString("%1 vs data %2").arg(share).arg(m_testAllFour)));
        // independent entries at the same rates would miss all four together far less often (about 6 %)
        double independent = 1.0;
        for (std::size_t e : four) independent *= 1.0 - draws.drawnRate[e];
        QVERIFY2(share > 4.0 * independent, qPrintable(QString("%1 vs independent %2").arg(share).arg(independent)));
        QVERIFY2(someButNotAll < allFour, qPrintable(QString("%1 partial vs %2 all").arg(someButNotAll).arg(allFour)));
        for (std::size_t e = 0; e < draws.dataRate.size(); ++e)
            QVERIFY2(std::abs(draws.dataRate[e] - draws.drawnRate[e]) < 0.06, draws.entries[e].c_str());
        // seeded
        const api::MaskPriorDraws again = api::sampleMaskPrior(m_prior, how);
        QVERIFY(again.masks == draws.masks);
        how.seed = 6;
        QVERIFY(api::sampleMaskPrior(m_prior, how).masks != draws.masks);
    }

    void wrongFilesAndDataAreNamed() {
        // a file that is no mask prior
        const std::string notPrior = m_dir.filePath("train.csv").toStdString();
        try {
            api::sampleMaskPrior(notPrior, {});
            QFAIL("a CSV read as a mask prior");
        } catch (const BundleError& e) {
            QVERIFY2(std::string(e.what()).find(notPrior) != std::string::npos, e.what());
        }
        // a table without the prior's columns
        const std::string other = m_dir.filePath("other.csv").toStdString();
        writeCsvFile(other, {"x_a", "y_a"}, {{"1", "2"}});
        try {
            api::scoreCsvMasks(m_prior, other);
            QFAIL("a table without the prior's columns was scored");
        } catch (const DataError& e) {
            QVERIFY2(std::string(e.what()).find("other.csv") != std::string::npos, e.what());
        }
        api::MaskPriorSampling bad;
        bad.sampler = "euler";
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, api::sampleMaskPrior(m_prior, bad));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, api::scoreImageMasks(m_prior, std::vector<uint8_t>(64, 1), 1, 8, 8));
    }

    void anImagePriorLearnsAFixedBlock() {
        constexpr int64_t kSide = 8, kCount = 64;
        std::vector<uint8_t> observed(kCount * kSide * kSide, 1);
        for (int64_t i = 0; i < kCount; ++i)
            for (int64_t y = 2; y < 6; ++y)
                for (int64_t x = 1; x < 5; ++x) observed[static_cast<std::size_t>((i * kSide + y) * kSide + x)] = 0;
        api::MaskPriorTrainRequest r;
        r.outPath = m_dir.filePath("block.mpr").toStdString();
        r.updates = 300;
        r.batchSize = 32;
        r.lr = 2e-3;
        r.baseChannels = 8;
        const api::MaskPriorTrainResult trained = api::trainMaskPriorOnImageMasks(observed, kCount, kSide, kSide, r, {}, CancelToken());
        QCOMPARE(trained.distinctMasks, int64_t{1});
        QVERIFY2(trained.bitsPerEntry < 0.1, qPrintable(QString::number(trained.bitsPerEntry)));
        api::MaskPriorSampling how;
        how.count = 16;
        const api::MaskPriorDraws draws = api::sampleMaskPrior(r.outPath, how);
        QCOMPARE(draws.dataKind, std::string("images"));
        int64_t agree = 0;
        for (std::size_t i = 0; i < draws.masks.size(); ++i) agree += draws.masks[i] == observed[i % (kSide * kSide)];
        QVERIFY2(agree >= static_cast<int64_t>(0.98 * static_cast<double>(draws.masks.size())), qPrintable(QString::number(agree)));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 api::trainMaskPriorOnImageMasks(observed, kCount, kSide, kSide + 1, r, {}, CancelToken()));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, api::scoreImageMasks(r.outPath, observed, kCount / 4, 16, 16));
    }

    // The partial-observation trainer's partition: auto takes the learnt prior for these gaps (the
    // four catalogue points go together), the keypoint rule for gaps that do not; the prior's draws
    // are stored in the model, whose ensemble then completes a table; a prior of other entries is named.
    void theTableTrainerPartitionsWithTheLearntPriorWhenGapsGoTogether() {
        api::PartialTrainRequest r;
        r.dataPath = m_train;
        r.outPath = m_dir.filePath("gaps.mpd").toStdString();
        r.updates = 200;
        r.hidden = 64;
        r.priorUpdates = 500;
        r.priorPool = 256;
        const api::PartialTrainResult auto_ = api::trainPartialOnCsv(r, {}, CancelToken());
        QVERIFY2(auto_.context.find("prior learnt over the rows' gaps") != std::string::npos, auto_.context.c_str());
        const partial::PartialModelFile model = partial::loadPartialModel(r.outPath);
        QCOMPARE(model.parts.context.priorPool.sizes(), (at::IntArrayRef{256, 24}));
        // x and y of a keypoint share their draw
        QVERIFY(at::equal(model.parts.context.priorPool.slice(1, 0, 24, 2), model.parts.context.priorPool.slice(1, 1, 24, 2)));
        api::PartialImputeRequest impute;
        impute.modelPath = r.outPath;
        impute.dataPath = m_train;  // (the held-out rows hold a class, GRAVEL, the training rows never show: a DataError)
        impute.outPath = m_dir.filePath("filled.csv").toStdString();
        impute.members = 2;
        QVERIFY(api::imputeCsvWithPartial(impute).filledCells > 1000);
        // the prior of `partial maskprior train` instead of learning one
        r.maskPriorPath = m_prior;
        QVERIFY(api::trainPartialOnCsv(r, {}, CancelToken()).context.find(m_prior) != std::string::npos);
        r.context = "keypoint";
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, api::trainPartialOnCsv(r, {}, CancelToken()));
        r.context = "prior";
        r.maskPriorPath = m_dir.filePath("block.mpr").toStdString();  // of 8 x 8 images
        try {
            api::trainPartialOnCsv(r, {}, CancelToken());
            QFAIL("an image mask prior made a table's contexts");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("block.mpr") != std::string::npos, e.what());
        }
        // complete rows (no gaps): the hand rule
        r.maskPriorPath.clear();
        r.context = "auto";
        r.dataPath = m_dir.filePath("complete.csv").toStdString();
        const CsvTable full = readCsvFile(m_source);
        writeCsvFile(r.dataPath, full.header, {full.rows.begin(), full.rows.begin() + 50});
        const std::string complete = api::trainPartialOnCsv(r, {}, CancelToken()).context;
        QVERIFY2(complete.find("whole keypoints") != std::string::npos, complete.c_str());
    }

    void theCommandLineTrainsDrawsAndScores() {
        const QString prior = m_dir.filePath("cli.mpr"), drawn = m_dir.filePath("drawn.csv");
        QString text;
        QCOMPARE(cli({"partial", "maskprior", "train", "--data", QString::fromStdString(m_train), "--out", prior, "--updates", "200",
                      "--threads", "1", "--json"},
                     &text),
                 0);
        QVERIFY2(text.contains("\"rows\":3000") && text.contains("\"entries\":12"), qPrintable(text));
        QCOMPARE(cli({"partial", "maskprior", "sample", "--model", prior, "--out", drawn, "--count", "50", "--json"}, &text), 0);
        QVERIFY2(text.contains("\"masks\":50"), qPrintable(text));
        const CsvTable back = readCsvFile(drawn.toStdString());
        QCOMPARE(back.rows.size(), std::size_t{50});
        QCOMPARE(back.header.size(), std::size_t{12});
        QVERIFY(std::find(back.header.begin(), back.header.end(), "stem_top") != back.header.end());
        for (const auto& row : back.rows)
            for (const std::string& cell : row) QVERIFY(cell == "0" || cell == "1");
        QCOMPARE(cli({"partial", "maskprior", "score", "--model", prior, "--data", QString::fromStdString(m_test), "--json"}, &text), 0);
        QVERIFY2(text.contains("\"masks\":1000") && text.contains("bits_per_entry"), qPrintable(text));
        QVERIFY(cli({"partial", "maskprior", "score", "--model", QString::fromStdString(m_test), "--data", QString::fromStdString(m_test)},
                    &text) != 0);
        QVERIFY2(text.contains("test.csv") && text.contains("mask prior"), qPrintable(text));
    }
};

QTEST_GUILESS_MAIN(TestMaskPriorModel)
#include "TestMaskPriorModel.moc"
