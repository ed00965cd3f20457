// The studio's image view (offscreen): a tiny image model trained by the CLI drives generation
// with previews, seed modes, history and recall, cancel at any step, live coalescing and
// inpainting that keeps every pixel outside the mask; a model learned from incomplete images
// (.mpd) completes the masked region by ensemble inference with its own settings (K, steps); a
// model trained with cross-attention follows a target shape painted on its own layer or taken
// from a design, shows where a token acts (attention overlay), and learns a concept from a
// picture in the background (two stages, cancel keeps a usable model) that becomes a toggle.
// Training from the Training dock's Images tab: TestImageTrainingPanel.
#include <QtTest/QtTest>

#include <QComboBox>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>

#include "ui/image/ConceptDialog.h"
#include "ui/image/ImagePanel.h"
#include "ui/image/MaskDocument.h"
#include "ui/image/MaskEditor.h"
#include "ui/window/MainWindow.h"
#include "ui/workers/ImageEngine.h"
#include "ImageTestSupport.h"

using namespace ms;

using ms::testing::runCli;
using ms::testing::waitFor;

class TestImagePanel : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_model;
    QString m_crossModel;  // trained with --cross-attention: follows target shapes

    void openModel(ImagePanel& panel) {
        QSignalSpy ready(&panel, &ImagePanel::modelReady);
        panel.openModel(m_model);
        QVERIFY(waitFor(ready, 1));
        QVERIFY(panel.hasModel());
    }

    QImage generateOnce(ImagePanel& panel) {
        QSignalSpy done(&panel, &ImagePanel::imageReady);
        panel.generate();
        if (!waitFor(done, 1)) return {};
        return panel.currentImage();
    }

private Q_SLOTS:
    void initTestCase() {
        const QString images = m_dir.filePath("bikes");
        m_model = m_dir.filePath("tiny.msi");
        QCOMPARE(runCli({"image", "render", "--data", qEnvironmentVariable("MASKSTUDIO_MODELS_DIR") + "/bike.csv", "--preset",
                         "bike", "--size", "32", "--limit", "48", "--out", images}), 0);
        QCOMPARE(runCli({"image", "train", "--images", images, "--preset", "bike", "--ae-epochs", "1", "--epochs", "2", "--base",
                         "16", "--mult", "1,2", "--batch", "16", "--threads", "1", "--out", m_model}), 0);
        m_crossModel = m_dir.filePath("cross.msi");
        QCOMPARE(runCli({"image", "train", "--images", images, "--preset", "bike", "--ae-epochs", "1", "--epochs", "2", "--base",
                         "16", "--mult", "1,2", "--batch", "16", "--threads", "1", "--cross-attention", "--out", m_crossModel}), 0);
    }

    void aTargetShapeIsPaintedOrTakenFromTheDesign() {
        ImagePanel plain;
        openModel(plain);
        QVERIFY(!plain.followsTargetShapes());
        QVERIFY(!plain.findChild<QWidget*>("useTargetShape")->isVisibleTo(&plain));
        QVERIFY(!plain.findChild<QComboBox*>("maskLayer")->isVisibleTo(&plain));

        ImagePanel panel;
        QSignalSpy ready(&panel, &ImagePanel::modelReady);
        panel.openModel(m_crossModel);
        QVERIFY(waitFor(ready, 1));
        QVERIFY(panel.followsTargetShapes());
        QVERIFY(panel.findChild<QWidget*>("useTargetShape")->isVisibleTo(&panel));
        QVERIFY(panel.findChild<QComboBox*>("maskLayer")->isVisibleTo(&panel));
        QVERIFY(panel.findChild<QPushButton*>("targetFromDesign")->isEnabled());  // image render recorded its frame
        QVERIFY(!panel.useTargetShape());
        panel.setSteps(4);
        panel.setSeedMode(SeedMode::Fixed);
        panel.setSeed(7);

        // Painted on the Target shape layer: the inpainting region stays empty, the shape is used.
        MaskEditor* editor = panel.maskEditor();
        panel.findChild<QPushButton*>("editTargetShape")->click();
        QCOMPARE(editor->layer(), MaskLayer::TargetShape);
        editor->document()->stroke({QPointF(6, 20), QPointF(26, 20)}, MaskTool::Brush, 10, 1.0);
        QVERIFY(panel.useTargetShape());
        QVERIFY(editor->document(MaskLayer::TargetShape)->coverage() > 0.1);
        QCOMPARE(editor->document(MaskLayer::Inpaint)->coverage(), 0.0);
        const QImage shaped = generateOnce(panel);
        QVERIFY(!shaped.isNull());
        QVERIFY(panel.findChild<QListWidget*>("imageHistory")->item(0)->toolTip().contains("target shape covers"));
        // The same seed and conditions without the shape: another image (the shape reaches the U-Net).
        panel.setUseTargetShape(false);
        const QImage free = generateOnce(panel);
        QVERIFY(free != shaped);
        // Undo on that layer takes the stroke back; the inpainting layer has its own history.
        editor->document()->undoStack()->undo();
        QCOMPARE(editor->document(MaskLayer::TargetShape)->coverage(), 0.0);

        // From a design: a bicycle-sized frame and two wheels, drawn in the model's render frame.
        Drawing design;
        design.circles.push_back({{300.0, 340.0}, 340.0, "wheel"});
        design.circles.push_back({{1300.0, 340.0}, 340.0, "wheel"});
        design.polylines.push_back({{{300.0, 340.0}, {750.0, 340.0}, {1300.0, 340.0}, {700.0, 900.0}, {300.0, 340.0}}, true, "frame"});
        QVERIFY(panel.takeTargetShapeFrom(design));
        const double coverage = editor->document(MaskLayer::TargetShape)->coverage();
        QVERIFY2(coverage > 0.15 && coverage < 0.9, QByteArray::number(coverage));
        QVERIFY(panel.useTargetShape());
        QVERIFY(!generateOnce(panel).isNull());
        QVERIFY(!panel.takeTargetShapeFrom(Drawing{}));  // nothing to take: a message, no change
        QCOMPARE(editor->document(MaskLayer::TargetShape)->coverage(), coverage);
        QVERIFY(!plain.takeTargetShapeFrom(design));
    }

    void attentionOverlayAndAConceptLearntFromAPicture() {
        ImagePanel panel;
        QSignalSpy ready(&panel, &ImagePanel::modelReady);
        panel.openModel(m_crossModel);
        QVERIFY(waitFor(ready, 1));
        panel.setSteps(3);
        panel.setSeedMode(SeedMode::Fixed);
        QVERIFY(panel.concepts().isEmpty());
        QVERIFY(!panel.findChild<QWidget*>("conceptToggles")->isVisibleTo(&panel));

        // Attention overlay: with the overlay off no maps are computed (a U-Net pass saved); switching
        // it on asks for the current image's maps, every token has one; choosing one overlays it.
        QVERIFY(!generateOnce(panel).isNull());
        QVERIFY(panel.attentionTokens().isEmpty());
        QVERIFY(panel.maskEditor()->heatOverlay().isNull());
        const QImage shown = panel.currentImage();
        QVERIFY(panel.setAttentionOverlay("target shape"));
        QTRY_VERIFY_WITH_TIMEOUT(!panel.maskEditor()->heatOverlay().isNull(), 30000);
        QCOMPARE(panel.currentImage(), shown);  // the same image, no new generation
        QCOMPARE(panel.historyCount(), 1);
        const QStringList tokens = panel.attentionTokens();
        QVERIFY2(tokens.contains("target shape") && tokens.contains(QString::fromStdString(panel.modelSchema().categorical[0].column)),
                 qPrintable(tokens.join(",")));
        const QImage heat = panel.maskEditor()->heatOverlay();
        int strongest = 0, weakest = 255;  // stretched between the map's extremes, or a faint even tint
        for (int y = 0; y < heat.height(); ++y)
            for (int x = 0; x < heat.width(); ++x) {
                strongest = std::max(strongest, qAlpha(heat.pixel(x, y)));
                weakest = std::min(weakest, qAlpha(heat.pixel(x, y)));
            }
        QVERIFY2((strongest == 190 && weakest == 0) || (strongest == 40 && weakest == 40),
                 qPrintable(QString("%1 %2").arg(strongest).arg(weakest)));
        // While the overlay shows, each result brings its maps; a recalled history entry keeps them.
        QVERIFY(!generateOnce(panel).isNull());
        QCOMPARE(panel.attentionTokens(), tokens);
        QVERIFY(!panel.maskEditor()->heatOverlay().isNull());
        panel.recall(1);
        QCOMPARE(panel.currentImage(), shown);
        QCOMPARE(panel.attentionTokens(), tokens);
        QCOMPARE(panel.maskEditor()->heatOverlay(), heat);
        QVERIFY(!panel.setAttentionOverlay("no such token"));
        QVERIFY(panel.setAttentionOverlay(QString()));
        QVERIFY(panel.maskEditor()->heatOverlay().isNull());

        // Learn a concept from one rendered bike and its region.
        ConceptDialog* dialog = panel.showConceptDialog();
        QVERIFY(dialog);
        QVERIFY(!dialog->learn());  // no picture yet: refused, with the reason
        QVERIFY(dialog->status().contains("picture"));
        QVERIFY(!dialog->setPicture(m_dir.filePath("no-such.png")));
        QVERIFY(dialog->setPicture(m_dir.filePath("bikes/design_00003.png")));
        QCOMPARE(dialog->maskEditor()->baseImage().width(), 32);
        QVERIFY(!dialog->learn());  // no region painted
        QVERIFY(dialog->status().contains("region"));
        dialog->maskEditor()->document()->stroke({QPointF(4, 20), QPointF(28, 20)}, MaskTool::Brush, 14, 1.0);
        dialog->setConceptName(QString::fromStdString(panel.modelSchema().categorical[0].column));
        QVERIFY(!dialog->learn());  // a condition's name
        QVERIFY(dialog->status().contains("already"));
        dialog->setConceptName("my_bike");
        QCOMPARE(QFileInfo(dialog->outputPath()).fileName(), QStringLiteral("cross-my_bike.msi"));  // beside the model, not over it
        dialog->setSteps(4, 3, 2);
        QSignalSpy learnt(dialog, &ConceptDialog::conceptLearnt);
        QSignalSpy progress(dialog->engine(), &ConceptEngine::progress);
        QSignalSpy reopened(&panel, &ImagePanel::modelReady);
        QVERIFY(dialog->learn());
        QVERIFY(dialog->running());
        QVERIFY(!dialog->learn());  // one at a time
        QVERIFY(waitFor(learnt, 1, 120000));
        QCOMPARE(progress.count(), 7);  // 4 + 3 steps
        QVERIFY(!dialog->lastPreview().isNull());
        QVERIFY(waitFor(reopened, 1));
        QCOMPARE(panel.modelPath(), dialog->outputPath());
        QCOMPARE(panel.concepts(), QStringList{"my_bike"});
        QCOMPARE(panel.conceptsOn(), QStringList{"my_bike"});  // ticked after learning
        QCOMPARE(panel.guidance(), 3.0);  // concepts are drawn with guidance 3 (raised from 1)
        QVERIFY(panel.findChild<QWidget*>("conceptToggles")->isVisibleTo(&panel));
        QVERIFY(panel.setAttentionOverlay("my_bike"));
        const QImage withConcept = generateOnce(panel);
        QVERIFY(!withConcept.isNull());
        QVERIFY(panel.attentionTokens().contains("my_bike"));
        panel.setConceptOn("my_bike", false);
        QVERIFY(generateOnce(panel) != withConcept);  // the concept reaches the U-Net
        QCOMPARE(panel.guidance(), 1.0);  // back, as the user had it
        panel.setGuidance(2.0);  // a guidance of the user's own is left alone
        panel.setConceptOn("my_bike", true);
        panel.setConceptOn("my_bike", false);
        QCOMPARE(panel.guidance(), 2.0);
        panel.setGuidance(1.0);

        // The model it started from is as it was; Cancel keeps a usable model.
        ImagePanel original;
        QSignalSpy originalReady(&original, &ImagePanel::modelReady);
        original.openModel(m_crossModel);
        QVERIFY(waitFor(originalReady, 1));
        QVERIFY(original.concepts().isEmpty());
        dialog = panel.showConceptDialog();
        dialog->setConceptName("second");
        dialog->setSteps(100000, 0, 0);
        dialog->setOutputPath(m_dir.filePath("cancelled.msi"));
        QSignalSpy finished(dialog->engine(), &ConceptEngine::finished);
        QSignalSpy started(dialog->engine(), &ConceptEngine::progress);
        QVERIFY(dialog->learn());
        QVERIFY(waitFor(started, 1));
        dialog->cancel();
        QVERIFY(waitFor(finished, 1));
        QCOMPARE(finished.at(0).at(2).toBool(), true);
        QVERIFY(dialog->status().contains("Cancelled"));
        QVERIFY(waitFor(reopened, 2));
        QCOMPARE(panel.concepts(), (QStringList{"my_bike", "second"}));
        QVERIFY(!generateOnce(panel).isNull());
    }

    void generatesWithPreviewsSeedsAndHistory() {
        ImagePanel panel;
        QPushButton* generate = nullptr;
        for (QPushButton* b : panel.findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("Generate")) generate = b;
        QVERIFY(generate && !generate->isEnabled());  // nothing to generate with yet
        openModel(panel);
        QVERIFY(generate->isEnabled());
        QCOMPARE(panel.maskEditor()->brushSize(), 4);  // an eighth of the 32 px image, not all of it
        // The tool rows fold: the panel fits a third of a 1280 px window (its fixed rows needed ~730 px).
        QVERIFY2(panel.minimumSizeHint().width() < 420, qPrintable(QString::number(panel.minimumSizeHint().width())));
        QSignalSpy previews(panel.engine(), &ImageEngine::preview);
        panel.setSteps(8);
        panel.setSeedMode(SeedMode::Increment);
        panel.setSeed(5);
        panel.setConditions({"RIM_STYLE front=trispoke", "NotACondition=1"});
        const QImage first = generateOnce(panel);
        QVERIFY(!first.isNull());
        QCOMPARE(first.size(), QSize(32, 32));
        QVERIFY(previews.count() >= 4);  // every 8 / 10 -> each step previews
        QCOMPARE(panel.seed(), quint64(6));  // incremented for the next one
        QCOMPARE(panel.historyCount(), 1);
        const QImage second = generateOnce(panel);  // seed 6
        QVERIFY(second != first);
        QCOMPARE(panel.historyCount(), 2);
        panel.setSeedMode(SeedMode::Fixed);
        panel.setSeed(5);
        QCOMPARE(generateOnce(panel), first);  // same seed, same conditions, same image
        QCOMPARE(panel.seed(), quint64(5));
        panel.recall(1);  // history is newest first: index 1 is the seed-6 image
        QCOMPARE(panel.currentImage(), second);
        QCOMPARE(panel.seed(), quint64(6));

        // Issue 18: a batch of N at once (the spin box beside Generate, typed): N history entries
        // named by seed and place, the first shown; the batch is reproducible from its seed.
        auto* batch = panel.findChild<QSpinBox*>(QStringLiteral("imageBatch"));
        QVERIFY(batch != nullptr);
        batch->setFocus();
        batch->selectAll();
        QTest::keyClicks(batch, QStringLiteral("3"));
        QTest::keyClick(batch, Qt::Key_Return);
        QCOMPARE(panel.batchSize(), 3);
        panel.setSeed(9);
        const QImage firstOfBatch = generateOnce(panel);
        QCOMPARE(panel.historyCount(), 6);
        QListWidget* history = panel.findChild<QListWidget*>();
        QVERIFY(history != nullptr);
        QCOMPARE(history->item(0)->text(), QStringLiteral("9 #1"));
        QCOMPARE(history->item(2)->text(), QStringLiteral("9 #3"));
        QVERIFY(history->item(1)->toolTip().contains(QStringLiteral("image 2 of a batch of 3")));
        const QImage a = history->item(0)->data(Qt::UserRole).value<QImage>(), b = history->item(1)->data(Qt::UserRole).value<QImage>(),
                     c = history->item(2)->data(Qt::UserRole).value<QImage>();
        QCOMPARE(a, firstOfBatch);
        QVERIFY(a != b && b != c && a != c);  // three different bikes
        panel.recall(2);
        QCOMPARE(panel.currentImage(), c);
        QCOMPARE(panel.seed(), quint64(9));
        panel.setSeed(9);
        QCOMPARE(generateOnce(panel), firstOfBatch);  // the same batch again
        panel.setBatchSize(1);
    }

    void cancelStopsAtAStepAndLiveConverges() {
        ImagePanel panel;
        openModel(panel);
        panel.setSteps(400);
        QSignalSpy finished(panel.engine(), &ImageEngine::finished);
        QSignalSpy previews(panel.engine(), &ImageEngine::preview);
        panel.generate();
        QVERIFY(waitFor(previews, 1));
        panel.cancel();
        QVERIFY(waitFor(finished, 1));
        // read in place (qvariant_cast's copy of the whole result trips GCC 12's maybe-uninitialized at -O3)
        QVERIFY(static_cast<const ImageJobResult*>(finished.last().at(0).constData())->cancelled);
        QVERIFY(panel.status().contains("Cancelled"));
        QCOMPARE(panel.historyCount(), 0);

        // Live: a burst of condition edits ends on an image for the last one.
        panel.setSteps(6);
        panel.setLive(true);
        QSignalSpy ready(&panel, &ImagePanel::imageReady);
        for (int i = 0; i < 12; ++i) panel.setConditions({QStringLiteral("Teeth on chainring=%1").arg(30 + i)});
        QVERIFY(waitFor(ready, 1));
        QTest::qWait(300);
        QCOMPARE(ready.count(), 1);  // superseded jobs never finish as images
        QVERIFY(panel.engine()->jobsRun() < 14);
    }

    void inpaintingKeepsEveryPixelOutsideTheMask() {
        ImagePanel panel;
        openModel(panel);
        panel.setSteps(6);
        const QImage base = generateOnce(panel);
        QVERIFY(!base.isNull());
        panel.inpaint();  // nothing painted yet
        QVERIFY(panel.status().contains("Paint"));
        panel.maskEditor()->document()->stroke({QPointF(4, 16), QPointF(28, 16)}, MaskTool::Brush, 8, 1.0);
        const QImage mask = panel.maskEditor()->document()->mask();
        QSignalSpy ready(&panel, &ImagePanel::imageReady);
        panel.inpaint();
        QVERIFY(waitFor(ready, 1));
        const QImage out = panel.currentImage().convertToFormat(QImage::Format_Grayscale8);
        const QImage in = base.convertToFormat(QImage::Format_Grayscale8);
        int changedInside = 0;
        for (int y = 0; y < 32; ++y)
            for (int x = 0; x < 32; ++x) {
                const bool masked = qGray(mask.pixel(x, y)) > 127;
                if (!masked) QCOMPARE(qGray(out.pixel(x, y)), qGray(in.pixel(x, y)));
                else changedInside += qGray(out.pixel(x, y)) != qGray(in.pixel(x, y));
            }
        QVERIFY(changedInside > 0);
        QCOMPARE(panel.historyCount(), 2);
    }

    void aModelLearnedFromIncompleteImagesCompletesTheMaskedRegion() {
        // Trained by the CLI on the rendered bikes with the right half of every third one hidden.
        const QString folder = m_dir.filePath("bikes");
        QImage hideRight(32, 32, QImage::Format_Grayscale8);
        for (int y = 0; y < 32; ++y)
            for (int x = 0; x < 32; ++x) hideRight.setPixel(x, y, x < 16 ? qRgb(255, 255, 255) : qRgb(0, 0, 0));
        const QStringList pngs = QDir(folder).entryList({"*.png"}, QDir::Files, QDir::Name);
        QVERIFY(pngs.size() >= 12);
        for (int i = 0; i < pngs.size(); i += 3) QVERIFY(hideRight.save(folder + "/" + QFileInfo(pngs[i]).completeBaseName() + ".mask.png"));
        const QString model = m_dir.filePath("gaps.mpd");
        QCOMPARE(runCli({"partial", "train", "--images", folder, "--updates", "30", "--batch", "8", "--unet-channels", "8", "--out", model}), 0);
        for (int i = 0; i < pngs.size(); i += 3) QFile::remove(folder + "/" + QFileInfo(pngs[i]).completeBaseName() + ".mask.png");

        ImagePanel panel;
        QSignalSpy ready(&panel, &ImagePanel::modelReady);
        panel.openModel(model);
        QVERIFY(waitFor(ready, 1));
        QVERIFY2(ready.first().at(0).toString().contains("incomplete images"), qPrintable(ready.first().at(0).toString()));
        auto* members = panel.findChild<QSpinBox*>("imageMembers");
        auto* steps = panel.findChild<QSpinBox*>("imageSteps");
        QVERIFY(members && steps);
        QVERIFY(!members->isHidden());                                // K applies
        QVERIFY(panel.findChild<QSpinBox*>("repaintJump")->isHidden());  // RePaint does not
        QCOMPARE(steps->value(), 0);                                  // single step by default
        QCOMPARE(steps->text(), QStringLiteral("single step"));

        QVERIFY(panel.openImage(folder + "/" + pngs[1]));
        const QImage base = panel.currentImage();
        panel.maskEditor()->document()->stroke({QPointF(20, 4), QPointF(20, 28)}, MaskTool::Brush, 8, 1.0);
        const QImage mask = panel.maskEditor()->document()->mask();
        const auto completeWith = [&](int k, int n) {
            panel.setMembers(k);
            panel.setSteps(n);
            QSignalSpy done(&panel, &ImagePanel::imageReady);
            panel.inpaint();
            return waitFor(done, 1) ? panel.currentImage().convertToFormat(QImage::Format_Grayscale8) : QImage();
        };
        for (const auto& [k, n] : {std::pair{4, 0}, std::pair{2, 4}}) {
            QVERIFY(panel.openImage(folder + "/" + pngs[1]));
            const QImage out = completeWith(k, n);
            QVERIFY(!out.isNull());
            int changedInside = 0;
            for (int y = 0; y < 32; ++y)
                for (int x = 0; x < 32; ++x) {
                    if (qGray(mask.pixel(x, y)) <= 127) QCOMPARE(qGray(out.pixel(x, y)), qGray(base.pixel(x, y)));
                    else changedInside += qGray(out.pixel(x, y)) != qGray(base.pixel(x, y));
                }
            QVERIFY(changedInside > 0);
        }
        QVERIFY(panel.status().contains("Inpainted"));
        // Generate = complete an image with every pixel hidden.
        panel.setSteps(4);
        QSignalSpy done(&panel, &ImagePanel::imageReady);
        panel.generate();
        QVERIFY(waitFor(done, 1));
        QCOMPARE(panel.currentImage().size(), QSize(32, 32));

        // Back to an mcLDM: its settings return.
        openModel(panel);
        QVERIFY(members->isHidden());
        QVERIFY(!panel.findChild<QSpinBox*>("repaintJump")->isHidden());
        QCOMPARE(steps->minimum(), 1);
    }

    void openingImagesAndBadFiles() {
        ImagePanel panel;
        openModel(panel);
        const QString png = m_dir.filePath("big.png");
        QImage big(100, 100, QImage::Format_Grayscale8);
        big.fill(200);
        QVERIFY(big.save(png));
        QVERIFY(panel.openImage(png));
        QCOMPARE(panel.currentImage().size(), QSize(32, 32));
        const QString bad = m_dir.filePath("bad.png");
        { QFile f(bad); QVERIFY(f.open(QIODevice::WriteOnly)); f.write("not a png"); }
        QVERIFY(!panel.openImage(bad));
        QVERIFY(panel.status().contains("bad.png"));
        QCOMPARE(panel.currentImage().size(), QSize(32, 32));  // the previous image stays
        // A keypoint model is not an image model: the message names it.
        QSignalSpy failed(panel.engine(), &ImageEngine::modelLoadFailed);
        panel.openModel(qEnvironmentVariable("MASKSTUDIO_MODELS_DIR") + "/bike.msm");
        QVERIFY(waitFor(failed, 1));
        QVERIFY(failed.last().at(1).toString().contains("bike.msm"));
        // ...and the image model that was open stays open and usable (issue 18, bug 2).
        QVERIFY(panel.hasModel());
        QVERIFY2(panel.status().contains("stays loaded"), qPrintable(panel.status()));
        panel.setSteps(4);
        QVERIFY(!generateOnce(panel).isNull());
    }

    // A bike image model while the car is the keypoint model: the Image dock says which conditions
    // do not reach it and offers the keypoint model that has them; a click switches (issue 18, bug 7).
    void anImageModelForOtherConditionsSaysSoAndOffersToSwitch() {
        QStandardPaths::setTestModeEnabled(true);
        const QString models = qEnvironmentVariable("MASKSTUDIO_MODELS_DIR");
        MainWindow w;
        w.setInteractive(false);
        QSignalSpy loaded(&w, &MainWindow::modelReady);
        QVERIFY(w.openModel(models + "/bike.msm"));  // both in the switcher
        QVERIFY(waitFor(loaded, 1));
        QVERIFY(w.openModel(models + "/car.msm"));
        QVERIFY(waitFor(loaded, 2));
        w.show();
        ImagePanel* panel = w.imagePanel();
        QSignalSpy ready(panel, &ImagePanel::modelReady);
        w.openImageModel(m_model);  // as File → Open image model… does: the Image dock shows
        QVERIFY(waitFor(ready, 1));
        QTRY_VERIFY(!panel->conditionNote().isEmpty());
        QVERIFY2(panel->conditionNote().contains("car") && panel->conditionNote().contains("Bike style"), qPrintable(panel->conditionNote()));
        QPushButton* change = panel->switchKeypointModelButton();
        QVERIFY(change->isVisible());
        QVERIFY2(change->text().contains("bike"), qPrintable(change->text()));
        QTest::mouseClick(change, Qt::LeftButton);
        QVERIFY(waitFor(loaded, 3));
        QCOMPARE(QFileInfo(QString::fromStdString(w.currentModel()->path)).fileName(), QStringLiteral("bike.msm"));
        QTRY_VERIFY(panel->conditionNote().isEmpty());  // the bike's conditions reach the image model
        QVERIFY(!change->isVisible());
    }

    // First launch: the studio opens the built-in image model (models/bike.msi, a cross-attention
    // model) in the Image dock and generates a bike; the bike design's silhouette becomes a target
    // shape and Generate fills it (issue 17).
    void theBuiltInImageModelGeneratesOnFirstLaunch() {
        QStandardPaths::setTestModeEnabled(true);
        const QString models = qEnvironmentVariable("MASKSTUDIO_MODELS_DIR");
        QVERIFY2(QFile::exists(models + "/bike.msi"), "models/bike.msi (packaging/train-default-image-model.sh) is missing");
        QSettings().remove("lastImageModel");  // a first launch: no image model remembered (the tests above opened theirs)
        MainWindow w;
        w.setInteractive(false);
        QSignalSpy loaded(&w, &MainWindow::modelReady);
        QSignalSpy shown(&w, &MainWindow::designsShown);
        QVERIFY(w.openModel(models + "/bike.msm"));
        QVERIFY(waitFor(loaded, 1));
        QVERIFY(waitFor(shown, 1));
        w.show();
        ImagePanel* panel = w.imagePanel();
        QSignalSpy generated(panel, &ImagePanel::imageReady);
        QVERIFY(w.openStartupImageModel());
        QVERIFY(waitFor(generated, 1, 120000));
        QCOMPARE(QFileInfo(panel->modelPath()).fileName(), QStringLiteral("bike.msi"));
        QCOMPARE(panel->currentImage().width(), 64);
        QVERIFY(panel->followsTargetShapes());
        QVERIFY(panel->conditionNote().isEmpty());  // the keypoint bike's conditions all reach it
        // a bike sketch: mostly white paper with dark strokes, not noise
        const QImage image = panel->currentImage().convertToFormat(QImage::Format_Grayscale8);
        int white = 0, dark = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) {
                const int v = qGray(image.pixel(x, y));
                white += v > 200;
                dark += v < 100;
            }
        QVERIFY2(white > image.width() * image.height() / 2 && dark > 20,
                 qPrintable(QString("white %1, dark %2").arg(white).arg(dark)));
        // the design's silhouette as the target shape, then Generate
        panel->findChild<QPushButton*>("targetFromDesign")->click();
        QVERIFY(panel->maskEditor()->document(MaskLayer::TargetShape)->coverage() > 0.05);
        QVERIFY(panel->useTargetShape());
        panel->generate();
        QVERIFY(waitFor(generated, 2, 120000));
    }
};

QTEST_MAIN(TestImagePanel)
#include "TestImagePanel.moc"
