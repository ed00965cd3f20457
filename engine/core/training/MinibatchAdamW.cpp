#include "core/training/MinibatchAdamW.h"

#include "core/runtime/StepError.h"
#include "core/runtime/ThreadBudget.h"

#include <ATen/ATen.h>
#include <torch/optim/adamw.h>

#include <c10/util/Exception.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <mutex>
#include <stdexcept>

namespace ms {

namespace {

// zeroGrad, then backward, then step: how the two optimisers plug into one loop.
struct OptimizerHooks {
    std::function<void()> zeroGrad;
    std::function<void(double lr)> step;
};

// The learning rate of update `done` (0-based) of `total`.
double learningRateAt(const MinibatchSettings& s, int64_t done, int64_t total) {
    if (!s.cosineDecay || total <= 1) return s.lr;
    const double t = static_cast<double>(done) / static_cast<double>(total - 1);
    return s.lr * 0.5 * (1.0 + std::cos(M_PI * t));
}

void checkSettings(const MinibatchSettings& s, int64_t rows) {
    if (s.epochs < 1 || s.batchSize < 1 || !(s.lr > 0) || rows < 1)
        throw std::invalid_argument(s.model + " training: epochs, batch size, learning rate and rows must be positive");
    if (s.epochsDone < 0 || s.epochsDone >= s.epochs)
        throw std::invalid_argument(s.model + " training: " + std::to_string(s.epochsDone) + " of " + std::to_string(s.epochs) +
                                    " epochs done: nothing left to train");
    const EpochPosition& p = s.resumeFrom;
    if (p.defined() && (p.epoch != s.epochsDone + 1 || p.permutation.numel() != rows || p.rowsDone < 0 ||
                        p.rowsDone >= rows || p.rowsDone % s.batchSize != 0 || !p.generatorState.defined()))
        throw std::invalid_argument(s.model + " training: the position to resume from (epoch " + std::to_string(p.epoch) + ", " +
                                    std::to_string(p.rowsDone) + " of " + std::to_string(p.permutation.numel()) +
                                    " rows) does not fit this run (epoch " + std::to_string(s.epochsDone + 1) + ", " +
                                    std::to_string(rows) + " rows, batch " + std::to_string(s.batchSize) + ")");
}

at::Tensor generatorState(at::Generator& g) {
    std::lock_guard<std::mutex> lock(g.mutex());
    return g.get_state();
}

void setGeneratorState(at::Generator& g, const at::Tensor& state) {
    std::lock_guard<std::mutex> lock(g.mutex());
    g.set_state(state);
}

std::vector<double> runLoop(int64_t rows, const MinibatchSettings& s, at::Generator& shuffle, const BatchLossFn& batchLoss,
                            const EpochLossFn& onEpoch, const CancelToken& cancel, const OptimizerHooks& optimizer) {
    using Clock = std::chrono::steady_clock;
    std::vector<double> history;
    const int64_t stepsPerEpoch = (rows + s.batchSize - 1) / s.batchSize, total = stepsPerEpoch * s.epochs;
    const EpochPosition& resume = s.resumeFrom;
    int64_t done = stepsPerEpoch * s.epochsDone + (resume.defined() ? resume.rowsDone / s.batchSize : 0);
    if (resume.defined()) setGeneratorState(shuffle, resume.generatorState);
    const bool midEpoch = s.midEpoch.everySeconds > 0 && s.midEpoch.save;
    const auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s.midEpoch.everySeconds));
    Clock::time_point lastCheckpoint = Clock::now();
    for (int64_t epoch = s.epochsDone + 1; epoch <= s.epochs && !cancel.cancelled(); ++epoch) {
        const bool resuming = resume.defined() && epoch == resume.epoch;
        const at::Tensor perm = resuming ? resume.permutation.to(at::kLong) : at::randperm(rows, shuffle, at::kLong);
        double sum = resuming ? resume.lossSum : 0.0;
        int64_t seen = resuming ? resume.rowsDone : 0, saved = seen;
        const auto savePosition = [&] {
            s.midEpoch.save(EpochPosition{epoch, seen, sum, perm, generatorState(shuffle)});
            saved = seen;
        };
        for (int64_t start = seen, step = seen / s.batchSize + 1; start < rows && !cancel.cancelled(); start += s.batchSize, ++step) {
            followThreadShare();  // the studio's other workers may have started or stopped
            const at::Tensor idx = perm.narrow(0, start, std::min(s.batchSize, rows - start));
            double value = 0.0;
            try {
                const at::Tensor loss = batchLoss(idx);
                value = loss.item<double>();
                if (!std::isfinite(value))
                    throw std::runtime_error(s.model + " training diverged: loss " + std::to_string(value) + " at epoch " +
                                             std::to_string(epoch) + ", step " + std::to_string(step));
                optimizer.zeroGrad();
                loss.backward();
                optimizer.step(learningRateAt(s, done++, total));
            } catch (const c10::Error&) {
                rethrowAsStepError(s.model + " training, epoch " + std::to_string(epoch) + ", step " + std::to_string(step));
            }
            sum += value * static_cast<double>(idx.size(0));
            seen += idx.size(0);
            if (midEpoch && seen < rows && Clock::now() - lastCheckpoint >= interval) {
                savePosition();
                lastCheckpoint = Clock::now();
            }
        }
        if (seen < rows) {  // cancelled mid-epoch: no partial epoch in the history; where it stopped saved
            if (midEpoch && seen != saved) savePosition();
            break;
        }
        history.push_back(sum / static_cast<double>(rows));
        if (onEpoch) onEpoch(epoch, history.back());
        lastCheckpoint = Clock::now();
    }
    return history;
}

}  // namespace

std::vector<double> trainMinibatchAdamW(const std::vector<at::Tensor>& parameters, int64_t rows,
                                        const MinibatchSettings& s, at::Generator& shuffle, const BatchLossFn& batchLoss,
                                        const EpochLossFn& onEpoch, const CancelToken& cancel) {
    checkSettings(s, rows);
    torch::optim::AdamW optimizer(parameters, torch::optim::AdamWOptions(s.lr).weight_decay(s.weightDecay));
    return runLoop(rows, s, shuffle, batchLoss, onEpoch, cancel, {[&] { optimizer.zero_grad(); }, [&](double lr) {
                       for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
                       optimizer.step();
                   }});
}

std::vector<double> trainMinibatchFlatAdamW(torch::nn::Module& module, int64_t rows, const MinibatchSettings& s,
                                            at::Generator& shuffle, const BatchLossFn& batchLoss,
                                            const EpochLossFn& onEpoch, const CancelToken& cancel,
                                            AdamWState* optimizerState) {
    checkSettings(s, rows);
    AdamWSettings as;
    as.lr = s.lr;
    as.beta2 = 0.999;
    as.weightDecay = s.weightDecay;
    FlatAdamW optimizer(module, as);
    // Autograd accumulates into an existing .grad in place, so these views make backward()
    // write straight into the flat gradient buffer.
    for (auto& p : module.named_parameters()) p.value().mutable_grad() = optimizer.gradientOf(p.key());
    if (optimizerState && optimizerState->expAvg.defined()) optimizer.setState(*optimizerState);
    // The state is current when onEpoch runs, so that an epoch's checkpoint can resume exactly.
    const EpochLossFn epochEnd = [&](int64_t epoch, double loss) {
        if (optimizerState) *optimizerState = optimizer.state();
        if (onEpoch) onEpoch(epoch, loss);
    };
    MinibatchSettings loop = s;
    if (s.midEpoch.save)
        loop.midEpoch.save = [&](const EpochPosition& position) {
            if (optimizerState) *optimizerState = optimizer.state();
            s.midEpoch.save(position);
        };
    auto history = runLoop(rows, loop, shuffle, batchLoss, epochEnd, cancel,
                           {[&] { optimizer.gradients().zero_(); }, [&](double lr) { optimizer.step(lr); }});
    if (optimizerState) *optimizerState = optimizer.state();
    return history;
}

}  // namespace ms
