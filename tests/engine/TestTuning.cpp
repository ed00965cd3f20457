// The settings search: successive halving keeps the best third per rung and resumes trials
// instead of retraining them, runs trials on several threads, drops failing trials, stops at
// its budget or on cancel with the best so far; the mcVAE search includes the base settings,
// scores on folds of the training part only (the held-out rows can be anything) and writes a
// preset that train reads.
#include <QtTest/QtTest>

#include <fstream>

#include <atomic>
#include <chrono>
#include <cmath>
#include <mutex>
#include <set>
#include <thread>

#include "api/TrainJob.h"
#include "api/TuneJob.h"
#include "core/data/DesignTableBuilder.h"
#include "core/data/TrainTestSplit.h"
#include "core/synth/BikeSynth.h"
#include "core/tuning/SuccessiveHalving.h"
#include "mcvae/McVaeSearchSpace.h"
#include "mcvae/PreparedData.h"

using namespace ms;

namespace {

// A trial whose score is its quality plus a term that shrinks as it trains.
struct ToyTrial : HalvingTrial {
    int id;
    std::vector<double>* fractions;
    std::mutex* mutex;
    double trained = 0.0;
    ToyTrial(int i, std::vector<double>* f, std::mutex* m) : id(i), fractions(f), mutex(m) {}
    double trainTo(double fraction, const CancelToken&) override {
        if (fraction <= trained) throw std::logic_error("asked to train backwards");
        trained = fraction;
        {
            const std::lock_guard<std::mutex> lock(*mutex);
            fractions->push_back(fraction);
        }
        if (id == 5) throw std::runtime_error("diverged");
        const double quality = 1.0 + std::fmod(static_cast<double>(id) * 0.618, 1.0);  // a fixed shuffle of the ids
        return quality + 0.1 / fraction;
    }
};

}  // namespace

class TestTuning : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    // n synthetic bikes written as a CSV and read back as a user's table is.
    mcvae::PreparedData preparedBikes(std::size_t n, std::uint64_t seed, const mcvae::Preset& base) const {
        const SynthResult bikes = synthBikes(n, seed);
        const std::string csv = m_dir.filePath(QString("bikes-%1-%2.csv").arg(n).arg(seed)).toStdString();
        writeDesignCsv(csv, bikes.schema, bikes.table);
        return mcvae::prepareData(csv, "", base);
    }


private Q_SLOTS:
    void successiveHalvingKeepsTheBestThirdAndResumes() {
        std::vector<double> fractions;
        std::mutex mutex;
        HalvingSettings s;
        s.trials = 27;
        s.rungs = 3;
        s.workers = 3;
        std::set<std::thread::id> threads;
        s.onWorkerStart = [&] {
            const std::lock_guard<std::mutex> lock(mutex);
            threads.insert(std::this_thread::get_id());
        };
        std::vector<HalvingRecord> records;
        const HalvingOutcome out = runSuccessiveHalving([&](int id) { return std::make_unique<ToyTrial>(id, &fractions, &mutex); }, s,
                                                        [&](const HalvingRecord& r) { records.push_back(r); }, CancelToken());
        QCOMPARE(out.trialsStarted, int64_t(27));
        QCOMPARE(out.highestRung, 2);
        QVERIFY(threads.size() >= 2);
        // 27 first-rung results (one failed), ceil(26 / 3) = 9 at 1/3, 3 at the full budget.
        int perRung[3] = {0, 0, 0};
        for (const auto& r : records) ++perRung[r.rung];
        QCOMPARE(perRung[0], 27);
        QCOMPARE(perRung[1], 9);
        QCOMPARE(perRung[2], 3);
        QCOMPARE(fractions.size(), std::size_t(27 + 9 + 3));  // resumed, never retrained
        for (const auto& r : records)
            if (r.trial == 5) QVERIFY(!std::isfinite(r.score) && r.error == "diverged");
        // The survivors are exactly the best of the rung before, whatever order they arrived in.
        std::vector<std::pair<double, int>> first;
        for (const auto& r : records)
            if (r.rung == 0 && std::isfinite(r.score)) first.emplace_back(r.score, r.trial);
        std::sort(first.begin(), first.end());
        std::set<int> expected, second;
        for (int i = 0; i < 9; ++i) expected.insert(first[static_cast<std::size_t>(i)].second);
        for (const auto& r : records)
            if (r.rung == 1) second.insert(r.trial);
        QCOMPARE(second, expected);
        QCOMPARE(out.ranking.front(), first.front().second);  // the quality order holds to the end
        QCOMPARE(out.ranking.size(), std::size_t(3));
        QVERIFY(!out.cancelled && !out.outOfTime);
    }

    void aBudgetOrACancelStopsWithTheBestSoFar() {
        struct Slow : HalvingTrial {
            int id;
            explicit Slow(int i) : id(i) {}
            double trainTo(double f, const CancelToken&) override {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
                return 10.0 - id % 7 + 0.1 / f;
            }
        };
        HalvingSettings s;
        s.budgetSeconds = 0.5;
        s.workers = 2;
        const HalvingOutcome out = runSuccessiveHalving([](int id) { return std::make_unique<Slow>(id); }, s, {}, CancelToken());
        QVERIFY2(out.seconds < 1.5, qPrintable(QString::number(out.seconds)));
        QVERIFY(out.trialsStarted >= 4 && out.trialsStarted < 60);
        QVERIFY(!out.ranking.empty());
        CancelToken cancel;
        std::atomic<int> calls{0};
        struct Cancelling : HalvingTrial {
            CancelToken c;
            std::atomic<int>* n;
            Cancelling(CancelToken t, std::atomic<int>* k) : c(std::move(t)), n(k) {}
            double trainTo(double f, const CancelToken&) override {
                if (++*n == 12) c.cancel();
                return 1.0 / f + *n;
            }
        };
        HalvingSettings fixed;
        fixed.trials = 27;
        fixed.workers = 1;
        const HalvingOutcome stopped = runSuccessiveHalving([&](int) { return std::make_unique<Cancelling>(cancel, &calls); }, fixed, {}, cancel);
        QVERIFY(stopped.cancelled);
        QCOMPARE(stopped.highestRung, 0);
        QCOMPARE(stopped.ranking.size(), std::size_t(11));  // the 12th result came in after the cancel
    }

    void searchSpaceDrawsAreSeededAndInRange() {
        std::mt19937_64 a(3), b(3);
        const mcvae::Preset base;
        for (int i = 0; i < 50; ++i) {
            const mcvae::Preset p = mcvae::sampleMcVaeSettings(base, 400, a), q = mcvae::sampleMcVaeSettings(base, 400, b);
            QCOMPARE(mcvae::describeMcVaeSettings(p, 400), mcvae::describeMcVaeSettings(q, 400));
            QVERIFY(p.architecture.inputEmbedding >= 16 && p.architecture.inputEmbedding <= 256);
            QVERIFY(p.architecture.encoderHidden.size() >= 2 && p.architecture.encoderHidden.size() <= 4);
            QVERIFY(p.training.batchSize >= 16 && p.training.batchSize <= 400);
            QVERIFY(p.training.klWeight >= 0.5 && p.training.klWeight < 1.0);
            QVERIFY(p.training.validate().empty());
            const int64_t updates = p.training.epochs * ((400 + p.training.batchSize - 1) / p.training.batchSize);
            QVERIFY2(updates >= 3000 && updates < 40000 + 2 * 400, qPrintable(QString::number(updates)));
        }
    }

    void mcVaeSearchNeverSeesTheHeldOutRows() {
        const mcvae::Preset base = mcvae::loadPreset("default");
        const mcvae::PreparedData data = preparedBikes(240, 9, base);
        mcvae::McVaeTuningSettings s;
        s.trials = 3;
        s.rungs = 2;
        s.budgetSeconds = 0;
        s.finalists = 1;
        std::vector<mcvae::TuningTrialReport> reports;
        const mcvae::McVaeTuningResult r = mcvae::tuneMcVae(data, base, s, [&](const mcvae::TuningTrialReport& t) { reports.push_back(t); }, CancelToken());
        // The base settings are a finalist, cross-validated on every fold: the winner is never worse.
        bool baseSeen = false;
        for (const auto& f : r.finalists)
            if (f.base) {
                baseSeen = true;
                QCOMPARE(f.foldScores.size(), std::size_t(3));
            }
        QVERIFY(baseSeen);
        QVERIFY(std::isfinite(r.bestScore) && r.bestScore <= r.baseScore);
        QVERIFY(reports.size() >= 3 + 1 + 2);

        // Scramble the held-out rows' designs: the search's scores stay bit-identical.
        mcvae::PreparedData scrambled = data;
        const auto test = splitTrainTest(data.table, base.training.testFraction, base.training.seed).test;
        for (int64_t row : test)
            for (std::size_t d = 0; d < scrambled.table.outputDim; ++d)
                scrambled.table.outputs[static_cast<std::size_t>(row) * scrambled.table.outputDim + d] *= -3.0;
        const mcvae::McVaeTuningResult again = mcvae::tuneMcVae(scrambled, base, s, {}, CancelToken());
        QCOMPARE(again.bestScore, r.bestScore);
        QCOMPARE(again.baseScore, r.baseScore);
    }

    void mcVaeSearchEndsWithinItsBudget() {
        // The budget is the whole search's: cross-validation runs still going at the deadline
        // stop, and the finalists are compared on the folds they all have.
        const mcvae::Preset base = mcvae::loadPreset("default");
        const mcvae::PreparedData data = preparedBikes(300, 4, base);
        mcvae::McVaeTuningSettings s;
        s.budgetSeconds = 6.0;
        s.rungs = 2;
        std::vector<mcvae::TuningTrialReport> reports;
        const mcvae::McVaeTuningResult r = mcvae::tuneMcVae(data, base, s, [&](const mcvae::TuningTrialReport& t) { reports.push_back(t); }, CancelToken());
        QVERIFY2(r.seconds < s.budgetSeconds + 2.0, qPrintable(QString::number(r.seconds)));
        QVERIFY(!r.cancelled);
        QVERIFY(std::isfinite(r.bestScore));
        QVERIFY(r.foldsCompared >= 0 && r.foldsCompared <= s.folds);
        for (const auto& t : reports) QVERIFY(t.seconds < s.budgetSeconds + 2.0);
        for (const auto& f : r.finalists) QVERIFY(f.foldScores.size() >= static_cast<std::size_t>(r.foldsCompared));
    }

    void tuneJobWritesAPresetThatTrainReads() {
        const SynthResult bikes = synthBikes(200, 2);
        QTemporaryDir dir;
        const std::string csv = dir.filePath("b.csv").toStdString();
        writeDesignCsv(csv, bikes.schema, bikes.table);
        api::TuneRequest req;
        req.dataPath = csv;
        req.outPath = dir.filePath("best.json").toStdString();
        req.settings.trials = 2;
        req.settings.rungs = 2;
        req.settings.budgetSeconds = 0;
        req.settings.finalists = 1;
        const api::TuneOutcome out = api::runTuneJob(req, {}, CancelToken());
        QCOMPARE(out.presetPath, req.outPath);
        const mcvae::Preset p = mcvae::loadPreset(req.outPath);
        QCOMPARE(p.name, std::string("tuned-b"));
        // A hand-edited preset with a value of the wrong kind (found by tests/fuzz/FuzzPreset): an
        // error that names the file, not the JSON library's bare type error.
        const std::string broken = dir.filePath("broken.json").toStdString();
        std::ofstream(broken) << R"({"format": "maskstudio-preset", "columns": {"a": 7}, "training": 3})";
        try {
            (void)mcvae::loadPreset(broken);
            QFAIL("a preset with a number for its columns' roles loaded");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find(broken) != std::string::npos, e.what());
        }
        // A width no integer holds (3e44, also found by fuzzing) was converted with undefined
        // behaviour; now it is refused by key.
        std::ofstream(broken) << R"({"format": "maskstudio-preset", "architecture": {"encoder_hidden": [128, 3e44]}})";
        try {
            (void)mcvae::loadPreset(broken);
            QFAIL("a preset with a layer width of 3e44 loaded");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(std::string(e.what()).find("encoder_hidden: must be a whole number") != std::string::npos, e.what());
        }
        QCOMPARE(p.training.epochs, out.result.best.training.epochs);
        QVERIFY(p.architecture == out.result.best.architecture);
        api::TrainRequest t;
        t.dataPath = csv;
        t.preset = req.outPath;
        t.epochs = 3;
        const api::TrainResult trained = api::runTraining(t, {}, CancelToken());
        QCOMPARE(trained.bundle.config.inputEmbedding, p.architecture.inputEmbedding);
        QCOMPARE(trained.bundle.training.batchSize, p.training.batchSize);
    }
};

QTEST_GUILESS_MAIN(TestTuning)
#include "TestTuning.moc"
