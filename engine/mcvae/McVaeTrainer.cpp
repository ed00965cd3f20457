#include "mcvae/McVaeTrainer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <c10/util/Exception.h>
#include <ATen/Parallel.h>
#include <c10/core/GradMode.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "core/runtime/StepError.h"
#include "core/runtime/Stopwatch.h"
#include "core/training/DataParallelSync.h"
#include "mcvae/McVaeFusedStep.h"

namespace ms::mcvae {

McVaeTrainer::McVaeTrainer(McVae model, TrainingConfig config, DesignTensors train, DesignTensors validation,
                           at::Device device)
    : m_model(std::move(model)), m_config(std::move(config)), m_device(device) {
    if (const std::string problem = m_config.validate(); !problem.empty())
        throw std::invalid_argument("training settings: " + problem);
    if (train.rows() == 0) throw std::invalid_argument("training set is empty");
    m_model->to(device);
    m_train = train.to(device);
    m_validation = validation.rows() > 0 ? validation.to(device) : validation;
    if (device.is_cpu()) {
        m_generator = at::make_generator<at::CPUGeneratorImpl>(m_config.seed);
    } else {
        m_generator = at::globalContext().defaultGenerator(device);
        m_generator.set_current_seed(m_config.seed);
    }
    m_step = std::make_unique<McVaeFusedStep>(m_model, m_config.adamw, m_config.klWeight);
}

McVaeTrainer::~McVaeTrainer() = default;

void McVaeTrainer::restore(const TrainerState& state) {
    m_state = state;
    m_state.partial = false;
    m_state.finished = false;
    if (state.optimizer.expAvg.defined()) {
        AdamWState opt = state.optimizer;
        opt.expAvg = opt.expAvg.to(m_device);
        opt.expAvgSq = opt.expAvgSq.to(m_device);
        m_step->optimizer().setState(opt);
    }
    if (state.rngState.defined() && m_device.is_cpu()) m_generator.set_state(state.rngState);
}

TrainerState McVaeTrainer::snapshot(bool partial) {
    TrainerState s = m_state;
    s.optimizer = m_step->optimizer().state();
    if (m_device.is_cpu()) s.rngState = m_generator.get_state();
    s.partial = partial;
    return s;
}

double McVaeTrainer::validate() {
    if (m_validation.rows() == 0) return std::numeric_limits<double>::quiet_NaN();
    c10::InferenceMode guard;
    const auto [mu, logvar] = m_model->encode(m_validation.outputs);
    const at::Tensor rec = m_model->decode(mu, m_validation.conditions);
    return (rec - m_validation.outputs).square().sum().item<double>() / static_cast<double>(m_validation.rows());
}

TrainerState McVaeTrainer::run(const TrainingProgressFn& onProgress, const CheckpointFn& onCheckpoint,
                               const CancelToken& cancel) {
    const int previousThreads = at::get_num_threads();
    if (m_config.threads > 0) at::set_num_threads(m_config.threads);
    struct RestoreThreads {
        int n;
        ~RestoreThreads() { at::set_num_threads(n); }
    } restoreThreads{previousThreads};

    c10::NoGradGuard noGrad;
    const int64_t n = m_train.rows();
    const int64_t batch = std::min(m_config.batchSize, n);
    const int64_t stepsPerEpoch = (n + batch - 1) / batch;
    const int64_t totalSteps = stepsPerEpoch * m_config.epochs;
    const int64_t conditionCount = m_train.conditions.categorical.size(1) + m_train.conditions.numerical.size(1);
    const int64_t latent = m_model->config().latentDim;
    const Stopwatch start;
    int64_t samplesThisRun = 0;
    m_cancelled = false;

    auto stop = [&](bool midEpoch) {
        m_cancelled = true;
        TrainerState st = snapshot(/*partial=*/midEpoch);
        if (onCheckpoint) onCheckpoint(st);
        return st;
    };
    DataParallelGroup* group = m_group;
    std::optional<GradientExchange> exchange;
    if (group) {
        at::Tensor weights = m_step->optimizer().parameters();
        group->broadcastFromRankZero(weights, "the initial weights");
        if (m_device.is_cpu()) alignGenerators(*group, m_generator, "the generator's state");
        exchange.emplace(*group);
    }
    bool stopAll = false;  // data parallel: some rank was cancelled (all stop at the same step)
    const auto stopRequested = [&] { return group ? stopAll : cancel.cancelled(); };
    // This process's rows of a batch [begin, end): all of them, or its rank's shard.
    const auto shardOf = [&](int64_t begin, int64_t end) {
        if (!group) return std::make_pair(begin, end);
        const auto [first, last] = shardOfBatch(end - begin, group->rank(), group->worldSize());
        return std::make_pair(begin + first, begin + last);
    };
    // The update after this process's gradients: data parallel, summed over the ranks first.
    const auto update = [&](double lr, int64_t step) {
        if (group) {
            at::Tensor gradients = m_step->optimizer().gradients();
            stopAll = exchange->sum(gradients, cancel.cancelled(), "the gradients of update " + std::to_string(step + 1));
        }
        m_step->optimizer().step(lr);
    };
    const int64_t lastEpoch = std::min(m_config.epochs, m_pauseAfter);
    for (int64_t epoch = m_state.completedEpochs; epoch < lastEpoch; ++epoch) {
        // Checked before the epoch's random draws so that a checkpoint taken here is an exact
        // epoch boundary that resumes bit-identically.
        if (group) stopAll = anyRank(*group, cancel.cancelled(), "epoch " + std::to_string(epoch + 1) + "'s start");
        if (stopRequested()) return stop(false);
        const double lr = m_config.learningRateAt(epoch);
        // Shuffle and draw this epoch's masking noise in one go; each step then takes views.
        const at::Tensor perm = at::randperm(n, m_generator, at::TensorOptions().dtype(at::kLong).device(m_device));
        const at::Tensor x = m_train.outputs.index_select(0, perm);
        const ConditionInput cond = m_train.conditions.select(perm);
        const at::Tensor maskNoise = at::rand({n, conditionCount}, m_generator, at::TensorOptions().device(m_device));
        at::Tensor lossSum = at::zeros({2}, x.options());
        double p = 0.0;
        // The CPU kernel: the epoch's latent noise in one draw too, each step on raw rows (masking
        // included), no tensor op per step.
        const at::Tensor epochEps =
            m_step->cpuKernel() ? at::randn({n, latent}, m_generator, x.options()) : at::Tensor();
        McVaeBatchRows<float> rows = epochEps.defined() ? McVaeFusedStep::cpuRows(x, cond, epochEps) : McVaeBatchRows<float>{};
        if (rows.rows == n) {
            const at::Tensor noise = maskNoise.contiguous();
            rows.keepNoise = noise.data_ptr<float>();
            const int64_t D = x.size(1), C = cond.categorical.size(1), M = cond.numerical.size(1);
            double sse = 0.0, kl = 0.0;
            for (int64_t s = 0; s < stepsPerEpoch; ++s) {
                if (s > 0 && stopRequested()) return stop(true);
                const int64_t begin = s * batch, end = std::min(begin + batch, n);
                const auto [first, last] = shardOf(begin, end);
                p = m_config.sparsity.at(m_state.globalStep, totalSteps);
                if (last > first) {
                    McVaeBatchRows<float> part = rows.slice(first, last, D, C, M, latent);
                    part.maskShare = p;
                    part.klRows = end - begin;
                    const auto [stepSse, stepKl] = m_step->computeGradients(part);
                    sse += stepSse;
                    kl += stepKl;
                } else {
                    m_step->optimizer().gradients().zero_();  // a rank without rows in a short last batch
                }
                update(lr, m_state.globalStep);
                ++m_state.globalStep;
            }
            lossSum = at::tensor({sse, kl}, at::kDouble);
        }
        for (int64_t s = 0; rows.rows != n && s < stepsPerEpoch; ++s) {
            if (s > 0 && stopRequested()) return stop(true);
            const int64_t begin = s * batch, end = std::min(begin + batch, n);
            const auto [first, last] = shardOf(begin, end);
            p = m_config.sparsity.at(m_state.globalStep, totalSteps);
            // drawn for the whole batch on every rank (the generators stay in step), each keeps its rows
            const at::Tensor eps = at::randn({end - begin, latent}, m_generator, x.options()).narrow(0, first - begin, last - first);
            try {
                if (last > first) {
                    const ConditionInput masked = cond.slice(first, last).masked(maskNoise.slice(0, first, last) >= p);
                    lossSum += m_step->computeGradients(x.slice(0, first, last), masked, eps, end - begin).to(lossSum.options());
                } else {
                    m_step->optimizer().gradients().zero_();
                }
                update(lr, m_state.globalStep);
            } catch (const c10::Error&) {
                rethrowAsStepError("mcVAE training, epoch " + std::to_string(epoch + 1) + ", step " + std::to_string(s + 1));
            }
            ++m_state.globalStep;
        }
        if (group) {  // the epoch's losses over every rank (a non-finite one then stops all of them)
            at::Tensor total = lossSum.to(at::TensorOptions().dtype(at::kDouble).device(at::kCPU));
            group->allReduceSum(total, "epoch " + std::to_string(epoch + 1) + "'s losses");
            lossSum = total;
        }
        samplesThisRun += n;

        EpochRecord rec;
        rec.epoch = epoch + 1;
        const at::Tensor losses = lossSum.cpu();
        rec.reconstruction = losses[0].item<double>() / static_cast<double>(n);
        rec.kl = losses[1].item<double>() / static_cast<double>(stepsPerEpoch);
        rec.sparsity = p;
        rec.learningRate = lr;
        if (!std::isfinite(rec.reconstruction) || !std::isfinite(rec.kl))
            throw TrainingDiverged("training diverged: the loss became " +
                                   std::string(std::isnan(rec.reconstruction + rec.kl) ? "NaN" : "infinite") +
                                   " in epoch " + std::to_string(epoch + 1) + " (update " +
                                   std::to_string(m_state.globalStep) + "); the last checkpoint (epoch " +
                                   std::to_string(m_state.completedEpochs) +
                                   ") is kept. Try a lower learning rate or check the data for extreme values.");
        const bool last = epoch + 1 == m_config.epochs;
        if (m_config.validateEvery > 0 && ((epoch + 1) % m_config.validateEvery == 0 || last))
            rec.validation = validate();
        m_state.history.push_back(rec);
        m_state.completedEpochs = epoch + 1;
        m_state.finished = last;
        // The checkpoint is handed over first (its copy is cheap, BackgroundWriter writes it), so
        // that by the time a listener hears of epoch e the file holds at least epoch e - 1.
        if (onCheckpoint && (last || (m_config.checkpointEvery > 0 && (epoch + 1) % m_config.checkpointEvery == 0)))
            onCheckpoint(snapshot(false));

        if (onProgress) {
            TrainingProgress prog;
            prog.epoch = epoch + 1;
            prog.epochs = m_config.epochs;
            prog.step = m_state.globalStep;
            prog.totalSteps = totalSteps;
            prog.elapsedSeconds = start.seconds();
            prog.samplesPerSecond = static_cast<double>(samplesThisRun) / std::max(prog.elapsedSeconds, 1e-9);
            prog.record = rec;
            onProgress(prog);
        }
    }
    m_state.finished = m_state.completedEpochs >= m_config.epochs;
    return snapshot(false);
}

}  // namespace ms::mcvae
