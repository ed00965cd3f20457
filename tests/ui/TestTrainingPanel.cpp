// A training run driven through the GUI objects: schema review with clear errors, a short run
// that fills the curves and the per-sparsity chart and writes its run folder, cancel that
// leaves a usable checkpoint, and resume.
#include <QtTest/QtTest>

#include <QComboBox>
#include <QPushButton>

#include <memory>

#include "core/data/CsvReader.h"
#include "core/data/DesignTableBuilder.h"
#include "core/synth/BikeSynth.h"
#include "mcvae/ModelBundle.h"
#include "mcvae/Preset.h"
#include "ui/training/ScheduleEditor.h"
#include "ui/training/SchemaEditor.h"
#include "core/data/ColumnLabel.h"
#include <QLineEdit>
#include <QTableWidget>
#include "ui/training/GapPreviewView.h"
#include "ui/training/TrainingMonitor.h"
#include "ui/training/TrainingPanel.h"
#include "ui/training/TuneMonitor.h"
#include "ui/workers/TrainingEngine.h"

using namespace ms;

class TestTrainingPanel : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    QString writeBikes(const char* name, std::size_t n) {
        const SynthResult bikes = synthBikes(n, 4);
        const QString path = m_dir.filePath(name);
        writeDesignCsv(path.toStdString(), bikes.schema, bikes.table);
        return path;
    }

    // A panel without dialogs, its runs in `runs`, on `rows` synthetic bikes with the bike preset.
    std::unique_ptr<TrainingPanel> bikePanel(TrainingEngine& engine, const char* runs, const char* csv, std::size_t rows,
                                             int epochs) {
        auto panel = std::make_unique<TrainingPanel>(&engine);
        panel->setInteractive(false);
        panel->setRunsRoot(m_dir.filePath(runs));
        panel->setPreset("bike");
        if (!panel->setDataFile(writeBikes(csv, rows))) return nullptr;
        panel->setEpochs(epochs);
        return panel;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void schemaReviewReportsBadRows() {
        TrainingEngine engine;
        TrainingPanel panel(&engine);
        panel.setInteractive(false);
        QFile bad(m_dir.filePath("bad.csv"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("x_a,y_a,style\n1,2,road\n3,abc,mtb\n");
        bad.close();
        QVERIFY(!panel.setDataFile(bad.fileName()));
        QVERIFY(!panel.schemaEditor()->isValid());
        const QString problem = panel.schemaEditor()->problem();
        QVERIFY2(problem.contains("bad.csv:3") && problem.contains("y_a"), qPrintable(problem));
        QVERIFY(!panel.startTraining());
        QVERIFY(!panel.schemaEditor()->canLearnFromGaps());  // a text cell is an error, not a gap

        // The user can fix the schema: ignoring the broken keypoint leaves nothing to generate,
        // making "style" numerical is refused because it holds text.
        QVERIFY(panel.setDataFile(writeBikes("good.csv", 200)));
        QVERIFY(panel.schemaEditor()->isValid());
        QCOMPARE(panel.schemaEditor()->schema().keypoints.size(), size_t(12));
        panel.schemaEditor()->overrideColumn("BikeStyle", {ColumnRole::Numerical});
        QVERIFY(!panel.schemaEditor()->isValid());
        panel.schemaEditor()->overrideColumn("BikeStyle", {ColumnRole::Ignore});
        QVERIFY(panel.schemaEditor()->isValid());
        QCOMPARE(panel.schemaEditor()->schema().categorical.size(), size_t(6));
        QVERIFY(panel.scheduleEditor()->plottedPoints() > 100);

        // Issue 18: a condition's label is edited in the table (typed into its Label cell) and kept
        // in the schema the run saves; the tidy name shows until then.
        auto* view = panel.schemaEditor()->findChild<QTableWidget*>();
        QVERIFY(view != nullptr);
        int rim = -1;
        for (int r = 0; r < view->rowCount(); ++r)
            if (view->item(r, 0)->text() == QStringLiteral("RIM_STYLE front")) rim = r;
        QVERIFY(rim >= 0);
        QCOMPARE(view->item(rim, 3)->text(), QStringLiteral("Rim style front"));
        view->editItem(view->item(rim, 3));
        QLineEdit* editor = nullptr;  // the cell's editor (the Keypoint column's line edits are cell widgets)
        for (QLineEdit* e : view->viewport()->findChildren<QLineEdit*>())
            if (e->text() == QStringLiteral("Rim style front")) editor = e;
        QVERIFY(editor != nullptr);
        editor->selectAll();
        QTest::keyClicks(editor, QStringLiteral("Front rim"));
        QTest::keyClick(editor, Qt::Key_Return);
        const auto rimLabel = [&] {
            const Schema& schema = panel.schemaEditor()->schema();
            for (std::size_t c = 0; c < schema.categorical.size(); ++c)
                if (schema.categorical[c].column == "RIM_STYLE front") return conditionLabel(schema, c) + "|" + schema.categorical[c].label;
            return std::string("missing");
        };
        QTRY_COMPARE(rimLabel(), std::string("Front rim|Front rim"));
        QCOMPARE(view->item(rim, 3)->text(), QStringLiteral("Front rim"));
        panel.schemaEditor()->setColumnLabel("RIM_STYLE front", QString());  // empty: back to the tidy name
        QCOMPARE(rimLabel(), std::string("Rim style front|"));
    }

    // Empty keypoint cells are gaps, not errors: the dock says how many rows miss keypoints, names
    // the rows it will skip, offers to learn from incomplete designs and trains a .mpd that the
    // studio is handed.
    void incompleteDesignsAreOfferedAndLearned() {
        const SynthResult bikes = synthBikes(240, 5);
        const QString path = m_dir.filePath("gappy.csv");
        writeDesignCsv(path.toStdString(), bikes.schema, bikes.table);
        CsvTable csv = readCsvFile(path.toStdString());
        const int saddleX = csv.columnIndex("x_saddle_top"), saddleY = csv.columnIndex("y_saddle_top");
        const int frontX = csv.columnIndex("x_front_wheel_center");
        QVERIFY(saddleX >= 0 && saddleY >= 0 && frontX >= 0);
        for (std::size_t r = 0; r < csv.rows.size(); r += 3) csv.rows[r][static_cast<std::size_t>(saddleX)].clear();
        for (std::size_t r = 1; r < csv.rows.size(); r += 4) csv.rows[r][static_cast<std::size_t>(frontX)] = "NA";
        for (const KeypointSpec& k : bikes.schema.keypoints)  // line 5 has no keypoint at all
            for (const std::string& c : {k.xColumn, k.yColumn}) csv.rows[3][static_cast<std::size_t>(csv.columnIndex(c))].clear();
        writeCsvFile(path.toStdString(), csv.header, csv.rows);

        TrainingEngine engine;
        TrainingPanel panel(&engine);
        panel.setInteractive(false);
        panel.setRunsRoot(m_dir.filePath("partial-runs"));
        panel.setPreset("bike");
        QVERIFY(!panel.setDataFile(path));
        SchemaEditor* schema = panel.schemaEditor();
        QVERIFY(!schema->isValid());
        QVERIFY(schema->canLearnFromGaps());
        QCOMPARE(schema->gaps().rows, int64_t(239));
        QCOMPARE(schema->gaps().skippedLines, std::vector<long>{5});
        const QString problem = schema->problem();
        QVERIFY2(problem.contains("of 239 rows have missing keypoints") && problem.contains("gappy.csv line 5"), qPrintable(problem));
        QVERIFY(!panel.startTraining());  // the mcVAE needs complete rows, and says so
        QVERIFY2(panel.monitor()->statusText().contains("Learn from incomplete designs"), qPrintable(panel.monitor()->statusText()));
        QPushButton* offer = nullptr;
        for (QPushButton* b : panel.findChildren<QPushButton*>())
            if (b->text() == "Learn from incomplete designs") offer = b;
        QVERIFY(offer && !offer->isHidden() && offer->isEnabled());

        panel.setPartialUpdates(200);
        QSignalSpy trained(&panel, &TrainingPanel::modelTrained);
        QVERIFY(panel.startPartialTraining());
        QVERIFY(panel.isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(trained.count(), 1, 120000);
        const QString model = trained.at(0).at(0).toString();
        QVERIFY2(model.endsWith("model.mpd") && QFileInfo::exists(model), qPrintable(model));
        QVERIFY(panel.monitor()->curvePoints() > 0);
        QVERIFY2(panel.monitor()->statusText().contains("Learned from 239 designs"), qPrintable(panel.monitor()->statusText()));
        QVERIFY(QFileInfo::exists(panel.currentRun()->schemaPath()));
        // The partition: these gaps (saddle every third row, front wheel every fourth) are
        // independent, so Automatic hides whole keypoints; the preview shows the data's gaps only.
        const GapPreviewView* gaps = panel.monitor()->gapPreview();
        QVERIFY2(gaps->isVisibleTo(panel.monitor()), qPrintable(QString("%1 rows, context %2").arg(gaps->preview().dataRows()).arg(gaps->preview().context.c_str())));
        QVERIFY2(QString::fromStdString(gaps->preview().context).contains("whole keypoints"), gaps->preview().context.c_str());
        QCOMPARE(gaps->preview().dataRows(), int64_t{12});
        QCOMPARE(gaps->preview().priorRows(), int64_t{0});
        QCOMPARE(gaps->preview().entries.size(), bikes.schema.keypoints.size() + bikes.schema.outputs.size());
        // Asked for the learnt prior, it shows as many of its draws beside them, and logs the choice.
        QComboBox* partition = panel.findChild<QComboBox*>();
        for (QComboBox* c : panel.findChildren<QComboBox*>())
            if (c->findData(QStringLiteral("prior")) >= 0) partition = c;
        QVERIFY(partition && !partition->isHidden() && partition->count() == 4);  // its form row shows for gappy tables
        partition->setCurrentIndex(partition->findData(QStringLiteral("prior")));
        QCOMPARE(panel.partition(), QStringLiteral("prior"));
        panel.setPartialPriorUpdates(300);
        QVERIFY(panel.startPartialTraining());
        QVERIFY2(panel.monitor()->statusText().contains("go missing together"), qPrintable(panel.monitor()->statusText()));
        QTRY_COMPARE_WITH_TIMEOUT(trained.count(), 2, 120000);
        QCOMPARE(gaps->preview().priorRows(), int64_t{12});
        QVERIFY2(QString::fromStdString(gaps->preview().context).contains("prior learnt over the rows' gaps"),
                 gaps->preview().context.c_str());
        QFile log(panel.currentRun()->logPath());
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(log.readAll()).contains("contexts: intersections with 2048 draws"));

        // Once the table is complete again the offer goes away.
        QVERIFY(panel.setDataFile(writeBikes("complete.csv", 200)));
        QVERIFY(offer->isHidden());
        QVERIFY(partition->isHidden());
    }

    void defaultPresetScalesWithTheData() {
        // The built-in default spends a budget of updates: a small table gets small batches and
        // many epochs, a large one the authors' batch of 128.
        TrainingEngine engine;
        TrainingPanel panel(&engine);
        panel.setInteractive(false);
        panel.setPreset("default");
        QVERIFY(panel.setDataFile(writeBikes("small.csv", 300)));
        const api::TrainRequest small = panel.requestFromForm();
        QCOMPARE(*small.batchSize, int64_t(16));
        QVERIFY(*small.epochs * ((255 + 15) / 16) >= 15000);
        QVERIFY(panel.setDataFile(writeBikes("large.csv", 4000)));
        QCOMPARE(*panel.requestFromForm().batchSize, int64_t(128));
    }

    void findSettingsSelectsTheBestAsAPreset() {
        TrainingEngine engine;
        TrainingPanel panel(&engine);
        panel.setInteractive(false);
        panel.setRunsRoot(m_dir.filePath("search-runs"));
        panel.setPreset("default");
        QVERIFY(panel.setDataFile(writeBikes("search.csv", 300)));
        panel.setSearchTrials(3);
        QVERIFY(panel.findSettings(1.0));
        QVERIFY(panel.isSearching());
        QVERIFY(!panel.startTraining());  // both cores are busy: one job at a time
        QVERIFY(!panel.findSettings(1.0));
        QTRY_VERIFY_WITH_TIMEOUT(!panel.isSearching(), 240000);
        // Every trial result was plotted; the best became the selected preset, read from its file.
        QVERIFY2(panel.tuneMonitor()->points() >= 3 + 3, qPrintable(panel.tuneMonitor()->statusText()));
        QVERIFY2(panel.presetKey().endsWith("preset.json"), qPrintable(panel.presetKey()));
        QVERIFY(QFileInfo::exists(panel.presetKey()));
        const mcvae::Preset tuned = mcvae::loadPreset(panel.presetKey().toStdString());
        QCOMPARE(tuned.name, std::string("tuned-search"));
        const api::TrainRequest r = panel.requestFromForm();
        QCOMPARE(r.preset, panel.presetKey().toStdString());
        QCOMPARE(*r.epochs, tuned.training.epochs);
        QCOMPARE(*r.batchSize, tuned.training.batchSize);
        QVERIFY2(panel.tuneMonitor()->statusText().contains("cross-validated"), qPrintable(panel.tuneMonitor()->statusText()));
    }

    void shortRunFillsThePlotsAndTheRunFolder() {
        TrainingEngine engine;
        const auto owned = bikePanel(engine, "runs", "bikes.csv", 400, 12);
        QVERIFY(owned);
        TrainingPanel& panel = *owned;
        QSignalSpy trained(&panel, &TrainingPanel::modelTrained);
        QVERIFY(panel.startTraining());
        QVERIFY(panel.isRunning());
        QVERIFY(!panel.startTraining());  // one run at a time
        QTRY_COMPARE_WITH_TIMEOUT(trained.count(), 1, 120000);
        QVERIFY(!panel.isRunning());
        QCOMPARE(panel.monitor()->curvePoints(), 12);
        QCOMPARE(panel.monitor()->resultBars(), 10);
        QVERIFY2(panel.monitor()->statusText().contains("Finished 12 epochs"), qPrintable(panel.monitor()->statusText()));

        const RunFolder run = *panel.currentRun();
        QCOMPARE(trained.first().at(0).toString(), run.modelPath());
        for (const QString& f : {run.settingsPath(), run.schemaPath(), run.logPath(), run.modelPath()})
            QVERIFY2(QFileInfo::exists(f), qPrintable(f));
        QFile curves(run.curvesPath());
        QVERIFY(curves.open(QIODevice::ReadOnly));
        QCOMPARE(QString(curves.readAll()).trimmed().split('\n').size(), 13);  // header + 12 epochs
        const api::TrainRequest saved = run.readRequest();
        QCOMPARE(saved.epochs.value_or(0), int64_t(12));
        QCOMPARE(saved.preset, std::string("bike"));
        QCOMPARE(mcvae::loadBundle(run.modelPath().toStdString()).state.completedEpochs, int64_t(12));
    }

    void cancelLeavesAUsableCheckpointThatResumes() {
        TrainingEngine engine;
        const auto owned = bikePanel(engine, "runs-cancel", "many.csv", 3000, 5000);
        QVERIFY(owned);
        TrainingPanel& panel = *owned;
        QSignalSpy progressed(&engine, &TrainingEngine::progressed);
        QSignalSpy finished(&engine, &TrainingEngine::finished);
        QVERIFY(panel.startTraining());
        QTRY_VERIFY_WITH_TIMEOUT(panel.monitor()->curvePoints() >= 2, 60000);
        panel.cancelTraining();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        const api::TrainRunOutcome outcome = qvariant_cast<api::TrainRunOutcome>(finished.first().at(0));
        QVERIFY(outcome.cancelled);
        QVERIFY(outcome.completedEpochs >= 2 && outcome.completedEpochs < 5000);
        QVERIFY(panel.monitor()->statusText().contains("Cancelled"));
        const RunFolder run = *panel.currentRun();
        const mcvae::ModelBundle b = mcvae::loadBundle(run.modelPath().toStdString());
        QVERIFY(b.state.completedEpochs >= 2);

        // Resume to a small total so the test stays short.
        const int64_t done = b.state.completedEpochs;
        panel.setEpochs(static_cast<int>(done + 3));
        finished.clear();
        QFile settings(run.settingsPath());
        QVERIFY(settings.open(QIODevice::ReadWrite));
        QByteArray json = settings.readAll().replace("5000", QByteArray::number(qlonglong(done + 3)));
        settings.resize(0);
        settings.write(json);
        settings.close();
        QVERIFY(panel.resumeRun(run.dir()));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        const api::TrainRunOutcome resumed = qvariant_cast<api::TrainRunOutcome>(finished.first().at(0));
        QVERIFY(!resumed.cancelled);
        QCOMPARE(resumed.completedEpochs, done + 3);
    }
};

QTEST_MAIN(TestTrainingPanel)
#include "TestTrainingPanel.moc"
