// Data-parallel training over c10d (issue 19): ranks are threads of this process meeting at
// 127.0.0.1, each with its own Gloo group, exactly as separate processes would. k steps on 2
// ranks with a global batch of B (shards of B/2) give the weights one rank gets with batch B, for
// both minibatch loops and for the image trainers (mcLDM, BatchNorm statistics included, and the
// autoencoder); a rank that never joins, that fails mid-run or whose loss goes non-finite stops the
// other within the timeout with a message naming the rank and the phase; bad settings are named.
// The mcVAE (`train`), with its own hand-written step, trains the same on 2 ranks as on one too.
// Separate processes through the command line (`launch`, killed ranks): TestDistributedCli.
#include <QtTest/QtTest>

#include <QTemporaryDir>


#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cstdlib>
#include <functional>
#include <limits>
#include <mutex>
#include <future>
#include <thread>

#include "api/TrainJob.h"
#include "core/training/MinibatchAdamW.h"
#include "diffusion/KlAutoencoder.h"
#include "diffusion/McLdmTrainer.h"
#include "diffusion/McUnet.h"
#include "diffusion/NoiseSchedule.h"
#include "distributed/DistributedSettings.h"
#include "distributed/GlooGroup.h"
#include "DistributedTestSupport.h"
#include "SmallUnets.h"

using namespace ms;
using ms::distributed::DistributedError;
using ms::distributed::DistributedSettings;
using ms::distributed::GlooGroup;
using ms::testing::firstBikes;
using ms::testing::freePort;
using ms::testing::ListeningSocket;
using ms::testing::rankOf;

namespace {

struct TinyNetImpl : torch::nn::Module {
    torch::nn::Linear a{nullptr}, b{nullptr};
    TinyNetImpl() {
        a = register_module("a", torch::nn::Linear(4, 8));
        b = register_module("b", torch::nn::Linear(8, 1));
    }
    at::Tensor forward(const at::Tensor& x) { return b->forward(at::tanh(a->forward(x))); }
};
TORCH_MODULE(TinyNet);

// 69 rows: with a global batch of 16 the last batch has 5 rows, shards of 3 and 2 (weighted).
constexpr int64_t kRows = 69;

struct Run {
    std::vector<at::Tensor> weights;
    std::vector<std::string> names;  // where known
    at::Tensor probe;                // the trained network's output on a fixed batch (image trainers)
    std::vector<double> losses;
};

// A seeded network built before any thread starts (torch's default generator is global).
TinyNet seededNet(at::ScalarType dtype) {
    torch::manual_seed(7);
    TinyNet net;
    net->to(dtype);
    return net;
}

// beforeStep(k) runs before the k-th loss (0-based) this rank computes; poisoned(k) makes that loss NaN.
Run train(TinyNet net, DataParallelGroup* group, bool flat, at::ScalarType dtype, const std::function<void(int64_t)>& beforeStep = {},
          const std::function<bool(int64_t)>& poisoned = {}) {
    const at::Tensor x = at::linspace(-2.0, 2.0, kRows * 4, at::TensorOptions().dtype(dtype)).reshape({kRows, 4}).sin();
    const at::Tensor y = x.sum(1, true).cos();
    MinibatchSettings s;
    s.epochs = 3;
    s.batchSize = 16;
    s.lr = 1e-2;
    s.weightDecay = 1e-3;
    s.model = "tiny";
    s.group = group;
    at::Generator shuffle = at::make_generator<at::CPUGeneratorImpl>(11);
    int64_t steps = 0;
    const BatchLossFn loss = [&](const at::Tensor& idx) {
        if (beforeStep) beforeStep(steps);
        const at::Tensor loss = (net->forward(x.index_select(0, idx)) - y.index_select(0, idx)).square().mean();
        const bool poison = poisoned && poisoned(steps);
        ++steps;
        return poison ? loss * std::numeric_limits<double>::quiet_NaN() : loss;
    };
    Run r;
    r.losses = flat ? trainMinibatchFlatAdamW(*net, kRows, s, shuffle, loss, nullptr, CancelToken())
                    : trainMinibatchAdamW(net->parameters(), kRows, s, shuffle, loss, nullptr, CancelToken());
    for (const at::Tensor& p : net->parameters()) r.weights.push_back(p.detach().clone());
    return r;
}

double maxDifference(const Run& a, const Run& b) {
    double worst = 0;
    for (std::size_t k = 0; k < a.weights.size(); ++k)
        worst = std::max(worst, (a.weights[k] - b.weights[k]).abs().max().item<double>());
    return worst;
}

// Runs `work(rank)` for ranks 0..world-1 on threads; returns what each returned or threw.
template <typename T>
std::vector<std::future<T>> onRanks(int world, const std::function<T(int)>& work) {
    std::vector<std::future<T>> out;
    for (int r = 0; r < world; ++r) out.push_back(std::async(std::launch::async, work, r));
    return out;
}

// The image trainers on a small problem: an mcLDM whose conditions go through the projections'
// BatchNorm, with cross-attention, target masks, mask dropout, placement shifts and the sparsity
// schedule (every per-row draw the trainer makes), and the first-stage autoencoder.
struct ImageProblem {
    at::Tensor latents, masks, images;
    ConditionInput conditions;
};

ImageProblem imageProblem(int64_t rows) {
    at::Generator g = at::make_generator<at::CPUGeneratorImpl>(21);
    ImageProblem p;
    p.latents = at::randn({rows, 4, 8, 8}, g);
    p.masks = (at::rand({rows, 1, 32, 32}, g) > 0.6).to(at::kFloat);
    p.images = at::rand({rows, 1, 16, 16}, g) * 2 - 1;
    at::Tensor categorical = at::stack({at::randint(-1, 3, {rows}, g), at::randint(-1, 2, {rows}, g)}, 1);
    const at::Tensor known = (at::rand({rows, 1}, g) > 0.3).to(at::kFloat);
    p.conditions = ConditionInput{categorical, at::rand({rows, 1}, g), known};
    return p;
}

// Every parameter and buffer (BatchNorm's running statistics too) of a module, flattened.
Run stateOf(torch::nn::Module& m, std::vector<double> losses) {
    Run r;
    r.losses = std::move(losses);
    for (const auto& p : m.named_parameters()) {
        r.weights.push_back(p.value().detach().clone());
        r.names.push_back(p.key());
    }
    for (const auto& b : m.named_buffers())
        if (at::isFloatingType(b.value().scalar_type())) {
            r.weights.push_back(b.value().detach().clone());
            r.names.push_back(b.key());
        }
    return r;
}

Run trainSmallLdm(int64_t rows, DataParallelGroup* group, bool perturb) {
    static std::mutex construction;  // torch's default generator is global
    diffusion::McUnet unet{nullptr};
    {
        std::lock_guard<std::mutex> lock(construction);
        torch::manual_seed(3);
        unet = diffusion::McUnet(testing::smallCrossAttentionUnet({1, 2}));
    }
    if (perturb) {
        torch::NoGradGuard noGrad;
        for (auto& p : unet->parameters()) p.add_(0.25);
    }
    const ImageProblem data = imageProblem(rows);
    diffusion::LdmTrainSettings s;
    s.epochs = 2;
    s.batchSize = 8;
    s.lr = 1e-3;
    s.placementShift = 1;
    s.group = group;
    at::Generator g = at::make_generator<at::CPUGeneratorImpl>(5);
    auto losses = diffusion::trainMcLdm(unet, data.latents, data.conditions, diffusion::NoiseSchedule::linear(100), s, g, {},
                                        CancelToken(), 0, nullptr, data.masks);
    Run r = stateOf(*unet, std::move(losses));
    // in training mode: the condition projections normalise with the probe batch's statistics
    torch::NoGradGuard noGrad;
    unet->train();
    const int64_t n = std::min<int64_t>(rows, 12);
    r.probe = unet->forward(data.latents.narrow(0, 0, n), at::arange(n, at::kLong) * 7, data.conditions.slice(0, n),
                            diffusion::TokenInput(data.masks.narrow(0, 0, n)));
    return r;
}

Run trainSmallAutoencoder(int64_t rows, DataParallelGroup* group, bool perturb) {
    static std::mutex construction;
    diffusion::KlAutoencoder model{nullptr};
    {
        std::lock_guard<std::mutex> lock(construction);
        torch::manual_seed(4);
        diffusion::KlAutoencoderConfig c;
        c.hiddenChannels = 8;
        model = diffusion::KlAutoencoder(c);
    }
    if (perturb) {
        torch::NoGradGuard noGrad;
        for (auto& p : model->parameters()) p.mul_(0.5);
    }
    diffusion::AutoencoderTrainSettings s;
    s.epochs = 2;
    s.batchSize = 8;
    s.klWeight = 1e-3;  // large enough that the sampled noise matters to the weights
    s.group = group;
    at::Generator g = at::make_generator<at::CPUGeneratorImpl>(6);
    const at::Tensor images = imageProblem(rows).images;
    auto losses = diffusion::trainAutoencoder(model, images, s, g, {}, CancelToken());
    Run r = stateOf(*model, std::move(losses));
    torch::NoGradGuard noGrad;
    r.probe = model->decode(model->encodeDistribution(images).first);
    return r;
}

// 1 rank with the whole batch against 2 ranks (rank 1 starting from other weights). What the
// training computes must agree to float round-off: the loss of every epoch, and the trained
// network's output on a fixed batch. The weights themselves agree to round-off except for
// parameters the loss cannot depend on (a bias right before a normalisation, the attention keys'
// bias: their true gradient is 0), which AdamW moves by about lr per step whatever the size of
// the round-off it sees (its step is g / sqrt(v)); those are reported, not compared.
void imageTrainerMatches(const std::function<Run(int64_t, DataParallelGroup*, bool)>& trainer, int64_t rows, const char* name) {
    const Run single = trainer(rows, nullptr, false);
    const int port = freePort();
    auto ranks = onRanks<Run>(2, [&](int rank) {
        GlooGroup group(rankOf(rank, 2, port));
        return trainer(rows, &group, rank == 1);
    });
    const Run r0 = ranks[0].get(), r1 = ranks[1].get();
    const double betweenRanks = maxDifference(r0, r1);
    const double outputs = (r0.probe - single.probe).abs().max().item<double>() / single.probe.abs().max().item<double>();
    int64_t matching = 0, total = 0;
    std::string worst;
    double worstDifference = 0.0;
    for (std::size_t k = 0; k < r0.weights.size(); ++k) {
        const at::Tensor d = (r0.weights[k] - single.weights[k]).abs();
        matching += (d <= 1e-5).sum().item<int64_t>();
        total += d.numel();
        if (d.max().item<double>() > worstDifference) {
            worstDifference = d.max().item<double>();
            worst = r0.names[k];
        }
    }
    qInfo("%s, %lld rows, batch 8, 2 epochs: epoch losses %.7f %.7f (2 ranks) vs %.7f %.7f (1 rank); output on a fixed batch: max "
          "relative difference %.3g; weights and BatchNorm statistics within 1e-5: %lld of %lld (largest difference %.3g, %s); "
          "between the ranks %.3g",
          name, static_cast<long long>(rows), r0.losses[0], r0.losses[1], single.losses[0], single.losses[1], outputs,
          static_cast<long long>(matching), static_cast<long long>(total), worstDifference, worst.c_str(), betweenRanks);
    QCOMPARE(r0.losses.size(), std::size_t(2));
    for (std::size_t e = 0; e < 2; ++e) QVERIFY(std::abs(r0.losses[e] - single.losses[e]) <= 1e-5 * std::abs(single.losses[e]));
    QVERIFY2(outputs <= 1e-5, qPrintable(QString::number(outputs)));
    QVERIFY(static_cast<double>(matching) >= 0.99 * static_cast<double>(total));
    QCOMPARE(betweenRanks, 0.0);  // the same step on the same weights on every rank
}

}  // namespace

class TestDistributed : public QObject {
    Q_OBJECT

    void twoRanksEqualOneRankWithTheWholeBatch(bool flat, at::ScalarType dtype, double tolerance) {
        const Run single = train(seededNet(dtype), nullptr, flat, dtype);
        const int port = freePort();
        // Rank 1 starts from other weights: rank 0's reach it before the first step.
        std::vector<TinyNet> nets{seededNet(dtype), seededNet(dtype)};
        {
            torch::NoGradGuard noGrad;
            for (auto& p : nets[1]->parameters()) p.add_(0.5);
        }
        auto ranks = onRanks<Run>(2, [&](int rank) {
            GlooGroup group(rankOf(rank, 2, port));
            return train(nets[static_cast<std::size_t>(rank)], &group, flat, dtype);
        });
        const Run r0 = ranks[0].get(), r1 = ranks[1].get();
        QCOMPARE(r0.losses.size(), std::size_t(3));
        const double vsSingle = maxDifference(r0, single), betweenRanks = maxDifference(r0, r1);
        qInfo("%s loop, %s: max |2 ranks - 1 rank| %.3g, between the ranks %.3g; epoch losses %.6f %.6f %.6f vs %.6f %.6f %.6f",
              flat ? "flat-AdamW" : "per-tensor AdamW", dtype == at::kDouble ? "double" : "float", vsSingle, betweenRanks,
              r0.losses[0], r0.losses[1], r0.losses[2], single.losses[0], single.losses[1], single.losses[2]);
        QVERIFY2(vsSingle <= tolerance, qPrintable(QString::number(vsSingle)));
        QCOMPARE(betweenRanks, 0.0);  // the same step on the same weights on every rank
        for (std::size_t e = 0; e < 3; ++e) QVERIFY(std::abs(r0.losses[e] - single.losses[e]) <= tolerance);
        QCOMPARE(r0.losses, r1.losses);  // every rank reports the global loss
    }

private Q_SLOTS:
    void flatLoopOnTwoRanksMatchesOneRank() { twoRanksEqualOneRankWithTheWholeBatch(true, at::kFloat, 1e-5); }
    void flatLoopInDoubleMatchesToRounding() { twoRanksEqualOneRankWithTheWholeBatch(true, at::kDouble, 1e-12); }
    void perTensorLoopOnTwoRanksMatchesOneRank() { twoRanksEqualOneRankWithTheWholeBatch(false, at::kFloat, 1e-5); }

    // The image trainers draw every per-row random number for the global batch and run the
    // condition projections (BatchNorm) over it: 2 ranks train as 1 rank with the whole batch.
    // 21 rows: the last batch of 5 splits 3 / 2.
    void mcLdmOnTwoRanksMatchesOneRank() { imageTrainerMatches(trainSmallLdm, 21, "mcLDM"); }
    // 17 rows: the last batch has one row, rank 1 none (its generator is brought back in step).
    void autoencoderOnTwoRanksMatchesOneRank() { imageTrainerMatches(trainSmallAutoencoder, 17, "autoencoder"); }

    // The mcVAE's step is its own (McVaeFusedStep, the CPU kernel), not the minibatch loop: the
    // same run through `train`'s engine call on 1 and on 2 ranks. 114 bike rows leave 97 to train
    // on: batches of 16 split 8 / 8, the last batch of 1 leaves rank 1 without rows.
    void mcVaeOnTwoRanksMatchesOneRank() {
        QTemporaryDir dir;
        const QString data = firstBikes(dir, 114);
        QVERIFY(!data.isEmpty());
        api::TrainRequest request;
        request.dataPath = data.toStdString();
        request.preset = "bike";
        request.device = "cpu";
        request.epochs = 3;
        request.batchSize = 16;
        request.threads = 1;
        request.seed = 3;
        const api::TrainResult single = api::runTraining(request, {}, CancelToken());
        QCOMPARE(single.trainRows % 16, int64_t(1));
        const int port = freePort();
        auto ranks = onRanks<api::TrainResult>(2, [&](int rank) {
            api::TrainRequest onRank = request;
            onRank.distributed = rankOf(rank, 2, port);
            return api::runTraining(onRank, {}, CancelToken());
        });
        const api::TrainResult r0 = ranks[0].get(), r1 = ranks[1].get();
        const auto weights = [](const api::TrainResult& r) {
            std::vector<at::Tensor> w;
            for (const at::Tensor& p : r.bundle.model->parameters()) w.push_back(p.detach().clone());
            return w;
        };
        const std::vector<at::Tensor> w0 = weights(r0), w1 = weights(r1), ws = weights(single);
        double vsSingle = 0.0, betweenRanks = 0.0, largest = 0.0;
        for (std::size_t k = 0; k < ws.size(); ++k) {
            vsSingle = std::max(vsSingle, (w0[k] - ws[k]).abs().max().item<double>());
            betweenRanks = std::max(betweenRanks, (w0[k] - w1[k]).abs().max().item<double>());
            largest = std::max(largest, ws[k].abs().max().item<double>());
        }
        const auto& h0 = r0.bundle.state.history;
        const auto& hs = single.bundle.state.history;
        QCOMPARE(h0.size(), std::size_t(3));
        QCOMPARE(hs.size(), std::size_t(3));
        qInfo("mcVAE, %lld rows, batch 16, 3 epochs: reconstruction %.7f %.7f %.7f (2 ranks) vs %.7f %.7f %.7f (1 rank), KL %.7f vs "
              "%.7f; max |2 ranks - 1 rank| over the weights %.3g (largest weight %.3g); between the ranks %.3g",
              static_cast<long long>(single.trainRows), h0[0].reconstruction, h0[1].reconstruction, h0[2].reconstruction,
              hs[0].reconstruction, hs[1].reconstruction, hs[2].reconstruction, h0[2].kl, hs[2].kl, vsSingle, largest, betweenRanks);
        for (std::size_t e = 0; e < 3; ++e) {
            QVERIFY(std::abs(h0[e].reconstruction - hs[e].reconstruction) <= 1e-5 * std::abs(hs[e].reconstruction));
            QVERIFY(std::abs(h0[e].kl - hs[e].kl) <= 1e-5 * std::abs(hs[e].kl));
            QCOMPARE(r1.bundle.state.history[e].reconstruction, h0[e].reconstruction);  // every rank reports the global loss
        }
        QVERIFY2(vsSingle <= 1e-5, qPrintable(QString::number(vsSingle)));
        QCOMPARE(betweenRanks, 0.0);
        QCOMPARE(r0.bundle.state.globalStep, single.bundle.state.globalStep);
    }

    void aRankThatNeverJoinsIsNamedWithinTheTimeout() {
        QElapsedTimer clock;
        clock.start();
        try {
            GlooGroup alone(rankOf(0, 2, freePort(), 1.0));
            QFAIL("rank 0 of 2 started without rank 1");
        } catch (const DistributedError& e) {
            const QString why = e.what();
            QVERIFY2(why.contains("rank 0 of 2") && why.contains("not all 2 ranks joined"), qPrintable(why));
        }
        QVERIFY2(clock.elapsed() < 10000, qPrintable(QString::number(clock.elapsed())));
    }

    void aRankThatFailsMidRunStopsTheOthers() {
        const int port = freePort();
        std::vector<TinyNet> nets{seededNet(at::kFloat), seededNet(at::kFloat)};
        QElapsedTimer clock;
        clock.start();
        auto ranks = onRanks<std::string>(2, [&](int rank) -> std::string {
            try {
                GlooGroup group(rankOf(rank, 2, port, 5.0));
                train(nets[static_cast<std::size_t>(rank)], &group, true, at::kFloat, [&](int64_t step) {
                    if (rank == 1 && step == 3) throw std::runtime_error("rank 1 lost its data");
                });
                return "finished";
            } catch (const std::exception& e) {
                return e.what();
            }
        });
        const std::string r0 = ranks[0].get(), r1 = ranks[1].get();
        qInfo("rank 0: %s (after %lld ms)", r0.c_str(), static_cast<long long>(clock.elapsed()));
        QCOMPARE(QString::fromStdString(r1), QString("rank 1 lost its data"));
        QVERIFY2(QString::fromStdString(r0).contains("rank 0 of 2") && QString::fromStdString(r0).contains("exchanging"), r0.c_str());
        QVERIFY2(clock.elapsed() < 15000, qPrintable(QString::number(clock.elapsed())));
    }

    // A non-finite loss on one rank: the step's loss, the non-finite flag and the gradients travel
    // in one all-reduce, so every rank learns it at that step and stops before its optimizer step,
    // each naming where the loss went (rank 1's 4th step: epoch 1, step 4).
    void aNonFiniteLossOnOneRankStopsEveryRankAtThatStep() {
        for (const bool flat : {true, false}) {
            const int port = freePort();
            std::vector<TinyNet> nets{seededNet(at::kFloat), seededNet(at::kFloat)};
            auto ranks = onRanks<std::string>(2, [&](int rank) -> std::string {
                try {
                    GlooGroup group(rankOf(rank, 2, port, 5.0));
                    train(nets[static_cast<std::size_t>(rank)], &group, flat, at::kFloat, {},
                          [rank](int64_t step) { return rank == 1 && step == 3; });
                    return "finished";
                } catch (const std::exception& e) {
                    return e.what();
                }
            });
            const QString r0 = QString::fromStdString(ranks[0].get()), r1 = QString::fromStdString(ranks[1].get());
            qInfo("%s loop: rank 0: %s; rank 1: %s", flat ? "flat-AdamW" : "per-tensor AdamW", qPrintable(r0), qPrintable(r1));
            QCOMPARE(r1, QString("tiny training diverged: a non-finite loss on rank 1 at epoch 1, step 4"));
            QCOMPARE(r0, QString("tiny training diverged: a non-finite loss on another rank at epoch 1, step 4"));
        }
    }

    void aPortInUseIsNamed() {
        const ListeningSocket taken;
        try {
            GlooGroup group(rankOf(0, 2, taken.port(), 2.0));
            QFAIL("rank 0 listened on a port in use");
        } catch (const DistributedError& e) {
            QVERIFY2(QString(e.what()).contains("in use") && QString(e.what()).contains(QString::number(taken.port())), e.what());
        }
    }

    void settingsComeFromTorchrunsVariables() {
        qputenv("WORLD_SIZE", "4");
        qputenv("RANK", "3");
        qputenv("LOCAL_RANK", "1");
        qputenv("MASTER_ADDR", "10.0.0.5");
        qputenv("MASTER_PORT", "29600");
        const DistributedSettings s = DistributedSettings::fromEnvironment();
        QCOMPARE(s.worldSize, 4);
        QCOMPARE(s.rank, 3);
        QCOMPARE(s.localRank, 1);
        QCOMPARE(QString::fromStdString(s.masterAddress), QString("10.0.0.5"));
        QCOMPARE(s.masterPort, 29600);
        qputenv("RANK", "4");  // not a rank of 4
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, DistributedSettings::fromEnvironment());
        try {
            qputenv("RANK", "0");
            qputenv("WORLD_SIZE", "two");
            DistributedSettings::fromEnvironment();
            QFAIL("WORLD_SIZE=two accepted");
        } catch (const std::invalid_argument& e) {
            QVERIFY2(QString(e.what()).contains("WORLD_SIZE='two'"), e.what());
        }
        for (const char* v : {"WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT"}) qunsetenv(v);
        QVERIFY(!DistributedSettings::fromEnvironment().distributed());

        // srun: SLURM's task numbers inside a job step, not in the batch script itself
        qputenv("SLURM_PROCID", "2");
        qputenv("SLURM_NTASKS", "8");
        qputenv("SLURM_LOCALID", "0");
        QVERIFY(!DistributedSettings::fromEnvironment().distributed());
        qputenv("SLURM_STEP_ID", "0");
        DistributedSettings slurm = DistributedSettings::fromEnvironment();
        QCOMPARE(slurm.rank, 2);
        QCOMPARE(slurm.worldSize, 8);
        // torchrun's variables win over the launcher's; Open MPI's over SLURM's
        qputenv("OMPI_COMM_WORLD_RANK", "5");
        qputenv("OMPI_COMM_WORLD_SIZE", "6");
        qputenv("OMPI_COMM_WORLD_LOCAL_RANK", "1");
        slurm = DistributedSettings::fromEnvironment();
        QCOMPARE(slurm.rank, 5);
        QCOMPARE(slurm.worldSize, 6);
        QCOMPARE(slurm.localRank, 1);
        qputenv("RANK", "1");
        qputenv("WORLD_SIZE", "2");
        QCOMPARE(DistributedSettings::fromEnvironment().worldSize, 2);
        for (const char* v : {"SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID", "SLURM_STEP_ID", "OMPI_COMM_WORLD_RANK",
                              "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK", "RANK", "WORLD_SIZE"})
            qunsetenv(v);
        DistributedSettings m;
        m.setMaster("[::1]:1234");
        QCOMPARE(QString::fromStdString(m.masterAddress), QString("::1"));
        QCOMPARE(m.masterPort, 1234);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m.setMaster("host:99999"));
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, m.setMaster("host"));
    }
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "TestDistributed.moc"
