// The exploration engine thread: a model loads off the GUI thread, a burst of edits is
// coalesced into few generations that end on the last state, stale requests are dropped and a
// bad request or model gives an error instead of a crash.
#include <QtTest/QtTest>

#include "api/TrainRun.h"
#include "core/data/DesignTableBuilder.h"
#include "core/synth/BikeSynth.h"
#include "ui/workers/ExploreEngine.h"

using namespace ms;

class TestExploreEngine : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_model;

private Q_SLOTS:
    void initTestCase() {
        const SynthResult bikes = synthBikes(300, 1);
        writeDesignCsv(m_dir.filePath("bikes.csv").toStdString(), bikes.schema, bikes.table);
        api::TrainRequest r;
        r.dataPath = m_dir.filePath("bikes.csv").toStdString();
        r.preset = "bike";
        r.epochs = 3;
        r.device = "cpu";
        m_model = m_dir.filePath("bikes.msm");
        r.outPath = m_model.toStdString();
        api::trainToFile(r, {}, CancelToken());
    }

    void burstOfEditsIsCoalescedAndEndsOnTheLastState() {
        ExploreEngine engine;
        QSignalSpy loaded(&engine, &ExploreEngine::modelLoaded);
        QSignalSpy generated(&engine, &ExploreEngine::generated);
        const quint64 serial = engine.loadModel(m_model, "cpu");
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
        const api::ModelInfo info = qvariant_cast<api::ModelInfo>(loaded.first().at(0));
        QCOMPARE(qvariant_cast<quint64>(loaded.first().at(1)), serial);

        const auto& style = info.schema.categorical[0];
        GenerationJob job;
        job.modelSerial = serial;
        job.request.conditions = ConditionValues::allUnknown(info.schema);
        job.request.latent = mcvae::LatentMode::Zero;
        for (int i = 0; i < 100; ++i) {  // a dragged control: 100 edits in a row
            job.request.conditions.categorical[0] = i % static_cast<int>(style.classes.size());
            job.request.seed = static_cast<quint64>(i);
            engine.requestGeneration(job);
        }
        QTRY_VERIFY_WITH_TIMEOUT(!generated.isEmpty() &&
                                     qvariant_cast<GenerationOutput>(generated.last().at(0)).id == engine.requestsMade(),
                                 20000);
        QTest::qWait(100);  // nothing else may arrive
        const int runs = engine.generationsRun();
        QCOMPARE(generated.count(), runs);
        QVERIFY2(runs < 20, qPrintable(QString("%1 generations for 100 edits").arg(runs)));
        const GenerationOutput last = qvariant_cast<GenerationOutput>(generated.last().at(0));
        QVERIFY(last.error.isEmpty());
        QCOMPARE(last.request.conditions.categorical[0], 99 % static_cast<int>(style.classes.size()));
        QCOMPARE(last.request.seed, quint64(99));
        QCOMPARE(last.designs.size(), size_t(1));
        QCOMPARE(last.drawings.size(), size_t(1));
        QVERIFY(!last.drawings[0].circles.empty());  // drawn as a bicycle: wheels
    }

    void drawingsShowTheRimStyleAndBottlesOfTheConditions() {
        ExploreEngine engine;
        QSignalSpy loaded(&engine, &ExploreEngine::modelLoaded);
        QSignalSpy generated(&engine, &ExploreEngine::generated);
        const quint64 serial = engine.loadModel(m_model, "cpu");
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
        const Schema schema = qvariant_cast<api::ModelInfo>(loaded.first().at(0)).schema;
        GenerationJob job;
        job.modelSerial = serial;
        job.request.latent = mcvae::LatentMode::Zero;
        job.request.conditions =
            parseConditionAssignments(schema, {"RIM_STYLE front=disc", "bottle DOWNTUBE0 show OHCLASS: True=1"});
        engine.requestGeneration(job);
        QTRY_COMPARE_WITH_TIMEOUT(generated.count(), 1, 20000);
        const Drawing d = qvariant_cast<GenerationOutput>(generated.first().at(0)).drawings.at(0);
        const auto count = [&](const std::string& layer, bool filled) {
            int n = 0;
            for (const auto& c : d.circles) n += c.layer == layer && c.filled == filled;
            for (const auto& p : d.polylines) n += p.layer == layer && p.filled == filled;
            return n;
        };
        QCOMPARE(count("disc", true), 1);      // the front wheel is a disc
        QCOMPARE(count("spokes", false), 18);  // the rear (unknown) keeps 18 spokes
        QCOMPARE(count("bottles", true), 1);   // one bottle, on the down tube
    }

    void staleRequestsAreDroppedAndBadOnesReportErrors() {
        ExploreEngine engine;
        QSignalSpy loaded(&engine, &ExploreEngine::modelLoaded);
        QSignalSpy failed(&engine, &ExploreEngine::modelLoadFailed);
        QSignalSpy generated(&engine, &ExploreEngine::generated);
        const quint64 serial = engine.loadModel(m_model, "cpu");
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
        const api::ModelInfo info = qvariant_cast<api::ModelInfo>(loaded.first().at(0));

        GenerationJob stale;
        stale.modelSerial = serial + 7;
        stale.request.conditions = ConditionValues::allUnknown(info.schema);
        engine.requestGeneration(stale);
        QTest::qWait(200);
        QCOMPARE(generated.count(), 0);

        GenerationJob bad;
        bad.modelSerial = serial;
        bad.request.conditions.categorical = {1};  // wrong size for this model
        engine.requestGeneration(bad);
        QTRY_COMPARE_WITH_TIMEOUT(generated.count(), 1, 20000);
        QVERIFY(!qvariant_cast<GenerationOutput>(generated.first().at(0)).error.isEmpty());

        QFile junk(m_dir.filePath("junk.msm"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("junk");
        junk.close();
        engine.loadModel(m_dir.filePath("junk.msm"), "cpu");
        QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, 20000);
        QVERIFY(failed.first().at(1).toString().contains("junk.msm"));
    }
};

QTEST_GUILESS_MAIN(TestExploreEngine)
#include "TestExploreEngine.moc"
