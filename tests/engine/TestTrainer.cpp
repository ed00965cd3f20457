// Training loop behaviour: determinism, loss goes down, resume == uninterrupted, cancel keeps
// a readable checkpoint, NaN is reported, bundles round-trip.
#include <QtTest/QtTest>

#include <ATen/ATen.h>

#include <chrono>
#include <thread>

#include "core/data/DesignTensors.h"
#include "core/synth/BikeSynth.h"
#include "mcvae/McVaeTrainer.h"
#include "mcvae/ModelBundle.h"

using namespace ms;

namespace {

struct Fixture {
    SynthResult synth = synthBikes(300, 5);
    Normalization norm = Normalization::fit(synth.table);
    DesignTensors all = makeDesignTensors(synth.table, norm);
    mcvae::McVaeConfig config() const {
        mcvae::McVaeConfig c;
        c.outputDim = static_cast<int64_t>(synth.schema.outputDim());
        for (const auto& k : synth.schema.categorical) c.classCounts.push_back(static_cast<int64_t>(k.classes.size()));
        c.numericalCount = static_cast<int64_t>(synth.schema.numerical.size());
        return c;
    }
    mcvae::TrainingConfig training(int64_t epochs) const {
        mcvae::TrainingConfig t;
        t.epochs = epochs;
        t.batchSize = 64;
        t.seed = 11;
        t.validateEvery = 1;
        t.checkpointEvery = 2;
        return t;
    }
    mcvae::McVae freshModel() const {
        at::manual_seed(5);
        return mcvae::McVae(config());
    }
    DesignTensors train() const { return all.select(range(0, 250)); }
    DesignTensors valid() const { return all.select(range(250, 300)); }
    static std::vector<int64_t> range(int64_t a, int64_t b) {
        std::vector<int64_t> r;
        for (int64_t i = a; i < b; ++i) r.push_back(i);
        return r;
    }
};

bool sameParameters(const mcvae::McVae& a, const mcvae::McVae& b) {
    const auto pa = a->parameters(), pb = b->parameters();
    for (size_t i = 0; i < pa.size(); ++i)
        if (!at::equal(pa[i], pb[i])) return false;
    return true;
}

}  // namespace

class TestTrainer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { at::set_num_threads(1); }

    void deterministicAndLearns() {
        Fixture f;
        mcvae::McVae a = f.freshModel(), b = f.freshModel();
        mcvae::McVaeTrainer ta(a, f.training(6), f.train(), f.valid(), at::kCPU);
        mcvae::McVaeTrainer tb(b, f.training(6), f.train(), f.valid(), at::kCPU);
        const TrainerState sa = ta.run({}, {}, CancelToken());
        tb.run({}, {}, CancelToken());
        QVERIFY2(sameParameters(a, b), "same seed must give identical weights on CPU");
        QCOMPARE(sa.history.size(), size_t(6));
        QVERIFY(sa.finished);
        QVERIFY2(sa.history.back().reconstruction < 0.7 * sa.history.front().reconstruction,
                 qPrintable(QString("reconstruction %1 -> %2").arg(sa.history.front().reconstruction).arg(sa.history.back().reconstruction)));
        QVERIFY(!std::isnan(sa.history.back().validation));
    }

    void resumeEqualsUninterrupted() {
        Fixture f;
        mcvae::McVae straight = f.freshModel();
        mcvae::McVaeTrainer(straight, f.training(4), f.train(), f.valid(), at::kCPU).run({}, {}, CancelToken());

        // Same run, checkpointed to a bundle after epoch 2, then continued from the file.
        QTemporaryDir dir;
        const std::string path = dir.filePath("ckpt.msm").toStdString();
        mcvae::McVae first = f.freshModel();
        mcvae::ModelBundle bundle;
        bundle.schema = f.synth.schema;
        bundle.normalization = f.norm;
        bundle.config = f.config();
        bundle.training = f.training(4);
        bundle.model = first;
        CancelToken stopAfterCheckpoint;
        mcvae::McVaeTrainer(first, f.training(4), f.train(), f.valid(), at::kCPU)
            .run({}, [&](const TrainerState& s) {
                if (s.completedEpochs != 2) return;
                bundle.state = s;
                mcvae::saveBundle(bundle, path);
                stopAfterCheckpoint.cancel();  // simulate the process dying right after
            }, stopAfterCheckpoint);

        mcvae::ModelBundle loaded = mcvae::loadBundle(path);
        QCOMPARE(loaded.state.completedEpochs, int64_t(2));
        mcvae::McVaeTrainer resumed(loaded.model, loaded.training, f.train(), f.valid(), at::kCPU);
        resumed.restore(loaded.state);
        const TrainerState end = resumed.run({}, {}, CancelToken());
        QCOMPARE(end.completedEpochs, int64_t(4));
        QCOMPARE(end.history.size(), size_t(4));
        QVERIFY2(sameParameters(straight, loaded.model), "resumed run must end with the uninterrupted run's weights");
    }

    void cancelLeavesReadableCheckpoint() {
        Fixture f;
        QTemporaryDir dir;
        const std::string path = dir.filePath("cancel.msm").toStdString();
        mcvae::McVae m = f.freshModel();
        mcvae::ModelBundle bundle;
        bundle.schema = f.synth.schema;
        bundle.normalization = f.norm;
        bundle.config = f.config();
        bundle.training = f.training(50);
        bundle.model = m;
        CancelToken cancel;
        mcvae::McVaeTrainer trainer(m, f.training(50), f.train(), f.valid(), at::kCPU);
        int checkpoints = 0;
        const TrainerState s = trainer.run(
            [&](const TrainingProgress& p) { if (p.epoch == 3) cancel.cancel(); },
            [&](const TrainerState& st) { ++checkpoints; bundle.state = st; mcvae::saveBundle(bundle, path); }, cancel);
        QVERIFY(trainer.cancelled());
        QVERIFY(!s.partial);  // cancelled at an epoch boundary
        QCOMPARE(s.completedEpochs, int64_t(3));
        QCOMPARE(checkpoints, 2);  // epoch 2 (checkpointEvery) and the cancel
        const mcvae::ModelBundle loaded = mcvae::loadBundle(path);
        QCOMPARE(loaded.state.completedEpochs, int64_t(3));
        QVERIFY(sameParameters(loaded.model, m));
    }

    void cancelMidEpochMarksPartial() {
        Fixture f;
        mcvae::McVae m = f.freshModel();
        mcvae::TrainingConfig t = f.training(50);
        t.batchSize = 8;  // many steps per epoch
        CancelToken cancel;
        std::thread stopper([&] { std::this_thread::sleep_for(std::chrono::milliseconds(30)); cancel.cancel(); });
        mcvae::McVaeTrainer trainer(m, t, f.train(), f.valid(), at::kCPU);
        const TrainerState s = trainer.run({}, {}, cancel);
        stopper.join();
        QVERIFY(trainer.cancelled());
        QVERIFY(s.completedEpochs < 50);
        QVERIFY(s.globalStep > 0);
    }

    void divergenceIsReported() {
        Fixture f;
        mcvae::TrainingConfig t = f.training(5);
        t.adamw.lr = 1e30;
        t.adamw.weightDecay = 0.0;
        mcvae::McVae m = f.freshModel();
        mcvae::McVaeTrainer trainer(m, t, f.train(), f.valid(), at::kCPU);
        try {
            trainer.run({}, {}, CancelToken());
            QFAIL("expected TrainingDiverged");
        } catch (const mcvae::TrainingDiverged& e) {
            QVERIFY2(std::string(e.what()).find("epoch") != std::string::npos, e.what());
            QVERIFY2(std::string(e.what()).find("learning rate") != std::string::npos, e.what());
        }
    }

    void invalidSettingsRejected() {
        Fixture f;
        mcvae::TrainingConfig t = f.training(5);
        t.sparsity.start = 1.5;
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, mcvae::McVaeTrainer(f.freshModel(), t, f.train(), f.valid(), at::kCPU));
    }
};

QTEST_APPLESS_MAIN(TestTrainer)
#include "TestTrainer.moc"
