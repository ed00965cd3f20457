// The torch-free facades the GUI drives: trainToFile (history + held-out MSE per sparsity,
// cancel, fine-tuning on new data with the same schema) and ExploreSession (load, generate,
// nearest training design found beside the bundle).
#include <QtTest/QtTest>

#include <cmath>

#include "api/ExploreSession.h"
#include "api/TrainRun.h"
#include "core/data/DesignTableBuilder.h"
#include "core/synth/BikeSynth.h"
#include "core/synth/CarSynth.h"
#include "mcvae/ModelBundle.h"

using namespace ms;

class TestStudioFacade : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string path(const char* name) const { return m_dir.filePath(name).toStdString(); }

    api::TrainRequest bikeRequest(const char* data, const char* out, int64_t epochs) const {
        api::TrainRequest r;
        r.dataPath = path(data);
        r.preset = "bike";
        r.outPath = path(out);
        r.device = "cpu";
        r.epochs = epochs;
        return r;
    }

private Q_SLOTS:
    void initTestCase() {
        const SynthResult a = synthBikes(300, 1), b = synthBikes(200, 2), cars = synthCars(200, 1);
        writeDesignCsv(path("bike.csv"), a.schema, a.table);  // "bike.csv" beside "bike.msm"
        writeDesignCsv(path("other-bikes.csv"), b.schema, b.table);
        writeDesignCsv(path("cars.csv"), cars.schema, cars.table);
    }

    void trainReportsHistoryAndHeldOutMse() {
        int calls = 0;
        const api::TrainRunOutcome o = api::trainToFile(bikeRequest("bike.csv", "bike.msm", 8),
                                              [&](const TrainingProgress&) { ++calls; }, CancelToken());
        QVERIFY(!o.cancelled);
        QCOMPARE(o.completedEpochs, int64_t(8));
        QCOMPARE(o.history.size(), size_t(8));
        QCOMPARE(calls, 8);
        QCOMPARE(o.sparsities.size(), size_t(10));
        QCOMPARE(o.mseZ0.size(), size_t(10));
        for (double v : o.mseZ0) QVERIFY(std::isfinite(v) && v > 0);
        QVERIFY(o.history.back().reconstruction < o.history.front().reconstruction);
        QVERIFY(QFileInfo::exists(QString::fromStdString(o.bundlePath)));
    }

    void exploreTrainsAndFindsItsDesignSfarm() {
        api::ExploreSession s;
        QFile::remove(QString::fromStdString(path("bike.sfm")));
        const api::ModelInfo& before = s.load(path("bike.msm"), "cpu");
        QVERIFY(!before.designSfarm);
        QVERIFY2(before.designSfarmNote.find("sfarm design") != std::string::npos, before.designSfarmNote.c_str());
        QVERIFY_THROWS_EXCEPTION(std::logic_error, s.designSfarm());
        sfarm::DesignSfarmSettings settings;
        settings.epochs = 3;
        settings.hidden = 32;
        CancelToken cancelled;
        cancelled.cancel();
        QVERIFY(!s.trainDesignSfarm(settings, {}, cancelled).designSfarm);  // cancelled: nothing changes
        QVERIFY(!QFileInfo::exists(QString::fromStdString(path("bike.sfm"))));
        int epochs = 0;
        const api::ModelInfo& after = s.trainDesignSfarm(settings, [&](int64_t, double) { ++epochs; }, CancelToken());
        QCOMPARE(epochs, 3);
        QVERIFY(after.designSfarm);
        QVERIFY(QFileInfo::exists(QString::fromStdString(path("bike.sfm"))));
        QCOMPARE(s.designSfarm().rankUnknownConditions({ConditionValues::allUnknown(after.schema), {}}, {}).size(),
                 after.schema.conditionCount());
        api::ExploreSession again;  // the next load finds it beside the model
        QVERIFY(again.load(path("bike.msm"), "cpu").designSfarm);
        QFile::remove(QString::fromStdString(path("bike.sfm")));
    }

    void cancelledBeforeStartLeavesNoEvaluation() {
        CancelToken cancel;
        cancel.cancel();
        const api::TrainRunOutcome o = api::trainToFile(bikeRequest("bike.csv", "cancelled.msm", 8), {}, cancel);
        QVERIFY(o.cancelled);
        QCOMPARE(o.completedEpochs, int64_t(0));
        QVERIFY(o.mseZ0.empty());
        QVERIFY(mcvae::loadBundle(path("cancelled.msm")).model);  // still a readable bundle
    }

    void exploreGeneratesAndFindsNearestTrainingDesign() {
        api::ExploreSession s;
        QVERIFY(!s.loaded());
        const api::ModelInfo& info = s.load(path("bike.msm"), "cpu");
        QVERIFY(s.loaded());
        QCOMPARE(info.name, std::string("bike"));
        QCOMPARE(info.latentDim, 10);
        QCOMPARE(info.deviceName, std::string("cpu"));
        QCOMPARE(info.referenceRows, size_t(300));
        QCOMPARE(info.history.size(), size_t(8));

        mcvae::GenerationRequest r;
        r.conditions = ConditionValues::allUnknown(info.schema);
        r.count = 4;
        const auto designs = s.generate(r);
        QCOMPARE(designs.size(), size_t(4));
        QCOMPARE(designs[0].size(), info.schema.outputDim());

        // A training design is its own nearest neighbour.
        const SynthResult a = synthBikes(300, 1);
        std::vector<double> row(a.table.outputs.begin() + 17 * a.table.outputDim,
                                a.table.outputs.begin() + 18 * a.table.outputDim);
        const auto nearest = s.nearestReference(row);
        QVERIFY(nearest.has_value());
        for (size_t d = 0; d < row.size(); ++d) QCOMPARE((*nearest)[d], row[d]);

        r.count = 1;
        r.conditions.categorical.pop_back();
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, s.generate(r));
    }

    void aFailedLoadKeepsTheCurrentModel() {
        api::ExploreSession s;
        s.load(path("bike.msm"), "cpu");
        QFile junk(m_dir.filePath("junk.msm"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("not a bundle");
        junk.close();
        QVERIFY_THROWS_EXCEPTION(BundleError, s.load(path("junk.msm"), "cpu"));
        QVERIFY(s.loaded());
        QCOMPARE(s.info().name, std::string("bike"));
    }

    void fineTuneStartsFromTheModelOnNewData() {
        api::TrainRequest r = bikeRequest("other-bikes.csv", "tuned.msm", 3);
        r.fineTuneFrom = path("bike.msm");
        r.preset = "default";
        const api::TrainRunOutcome o = api::trainToFile(r, {}, CancelToken());
        QCOMPARE(o.completedEpochs, int64_t(3));
        const mcvae::ModelBundle tuned = mcvae::loadBundle(path("tuned.msm")), base = mcvae::loadBundle(path("bike.msm"));
        QCOMPARE(tuned.name, std::string("bike-finetuned"));
        QVERIFY(tuned.schema == base.schema);
        QVERIFY(tuned.normalization == base.normalization);
        // Starting from trained weights: the first epoch's loss is already near the base's last.
        QVERIFY(o.history.front().reconstruction < 2.0 * base.state.history.back().reconstruction);
    }

    void fineTuneRejectsAnotherSchema() {
        api::TrainRequest r = bikeRequest("cars.csv", "bad.msm", 2);
        r.fineTuneFrom = path("bike.msm");
        try {
            api::trainToFile(r, {}, CancelToken());
            QFAIL("fine-tuning a bike model on cars must fail");
        } catch (const std::exception& e) {
            QVERIFY2(QString(e.what()).contains("cars.csv"), e.what());
        }
    }

    void resumeAndFineTuneExcludeEachOther() {
        api::TrainRequest r = bikeRequest("bike.csv", "x.msm", 2);
        r.fineTuneFrom = r.resumeFrom = path("bike.msm");
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, api::trainToFile(r, {}, CancelToken()));
    }
};

QTEST_GUILESS_MAIN(TestStudioFacade)
#include "TestStudioFacade.moc"
