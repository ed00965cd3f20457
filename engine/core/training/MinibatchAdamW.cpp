#include "core/training/MinibatchAdamW.h"

#include "core/runtime/StepError.h"
#include "core/runtime/ThreadBudget.h"
#include "core/training/DataParallelSync.h"

#include <ATen/ATen.h>
#include <torch/optim/adamw.h>

#include <c10/util/Exception.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace ms {

namespace {

// What every rank of a data-parallel step adds beside its gradients, summed with them in the
// step's one all-reduce: its shard's loss times its rows, 1 for a non-finite loss, 1 for a cancel.
// All ranks then report the global batch's loss, and throw or stop at the same step.
enum StepValue : std::size_t { kLossTimesRows, kNonFinite, kCancelled, kStepValues };

// zeroGrad, then backward, then step: how the two optimisers plug into one loop. Data parallel:
// the parameters come from rank 0 before the first step, and before every step the gradients,
// scaled by the rank's share of the batch, are summed over the ranks as one flat buffer, the
// step's values (StepValue) in its last entries.
struct OptimizerHooks {
    std::function<void()> zeroGrad;
    std::function<void(double lr)> step;
    std::function<void(DataParallelGroup&)> broadcastParameters;
    std::function<void(DataParallelGroup&, double scale, std::vector<double>& stepValues)> reduceGradients;
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

// A BatchLossFn as a sharded one: it sees its own rows only and draws from its own stream.
struct LossOfStep {
    ShardedBatchLossFn loss;
    bool drawsForGlobalBatch = false;
};

LossOfStep shardOnly(const BatchLossFn& loss) {
    return {[&loss](const at::Tensor& global, const BatchShard& shard) { return loss(shard.ofGlobal(global)); }, false};
}

std::vector<double> runLoop(int64_t rows, const MinibatchSettings& s, at::Generator& shuffle, const LossOfStep& stepLoss,
                            const EpochLossFn& onEpoch, const CancelToken& cancel, const OptimizerHooks& optimizer) {
    const ShardedBatchLossFn& batchLoss = stepLoss.loss;
    using Clock = std::chrono::steady_clock;
    std::vector<double> history;
    const int64_t stepsPerEpoch = (rows + s.batchSize - 1) / s.batchSize, total = stepsPerEpoch * s.epochs;
    const EpochPosition& resume = s.resumeFrom;
    int64_t done = stepsPerEpoch * s.epochsDone + (resume.defined() ? resume.rowsDone / s.batchSize : 0);
    if (resume.defined()) setGeneratorState(shuffle, resume.generatorState);
    DataParallelGroup* group = s.group;
    bool stopAll = false;  // data parallel: some rank was cancelled (all stop at the same step)
    const auto stopped = [&] { return group ? stopAll : cancel.cancelled(); };
    if (group) {
        optimizer.broadcastParameters(*group);
        // Each rank draws its own noise (a model's masks, diffusion noise) from the generator: rank
        // 0 goes on with the one-process stream, the others with streams of their own; unless the
        // loss draws for the global batch, when every rank goes on with rank 0's stream.
        if (stepLoss.drawsForGlobalBatch) alignGenerators(*group, shuffle, "the generator's state");
        else if (group->rank() > 0) {
            std::lock_guard<std::mutex> lock(shuffle.mutex());
            shuffle.set_current_seed(shuffle.current_seed() + 0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(group->rank()));
        }
    }
    const bool midEpoch = s.midEpoch.everySeconds > 0 && s.midEpoch.save;
    const auto interval = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s.midEpoch.everySeconds));
    Clock::time_point lastCheckpoint = Clock::now();
    for (int64_t epoch = s.epochsDone + 1; epoch <= s.epochs; ++epoch) {
        if (group) {  // a stop decided at an epoch's end (early stopping) or a cancel between steps
            stopAll = anyRank(*group, cancel.cancelled(), "epoch " + std::to_string(epoch) + "'s start");
        }
        if (stopped()) break;
        const bool resuming = resume.defined() && epoch == resume.epoch;
        at::Tensor perm = resuming ? resume.permutation.to(at::kLong) : at::randperm(rows, shuffle, at::kLong);
        if (group) group->broadcastFromRankZero(perm, "epoch " + std::to_string(epoch) + "'s shuffle");
        double sum = resuming ? resume.lossSum : 0.0;
        int64_t seen = resuming ? resume.rowsDone : 0, saved = seen;
        const auto savePosition = [&] {
            s.midEpoch.save(EpochPosition{epoch, seen, sum, perm, generatorState(shuffle)});
            saved = seen;
        };
        for (int64_t start = seen, step = seen / s.batchSize + 1; start < rows && !stopped(); start += s.batchSize, ++step) {
            followThreadShare();  // the studio's other workers may have started or stopped
            const at::Tensor idx = perm.narrow(0, start, std::min(s.batchSize, rows - start));
            double value = 0.0;
            try {
                if (!group) {
                    const at::Tensor loss = batchLoss(idx, BatchShard::whole(idx.size(0), done));
                    value = loss.item<double>();
                    if (!std::isfinite(value))
                        throw std::runtime_error(s.model + " training diverged: loss " + std::to_string(value) + " at epoch " +
                                                 std::to_string(epoch) + ", step " + std::to_string(step));
                    optimizer.zeroGrad();
                    loss.backward();
                } else {
                    // This rank's shard; a rank without rows (a last batch smaller than the
                    // ranks) adds zero gradients and still takes part in the exchanges.
                    const auto [first, last] = shardOfBatch(idx.size(0), group->rank(), group->worldSize());
                    optimizer.zeroGrad();
                    double local = 0.0;
                    if (last > first) {
                        const at::Tensor loss = batchLoss(idx, BatchShard{first, last - first, idx.size(0), done});
                        local = loss.item<double>();
                        if (std::isfinite(local)) loss.backward();
                    }
                    const bool finite = std::isfinite(local);
                    std::vector<double> totals(kStepValues, 0.0);
                    totals[kLossTimesRows] = finite ? local * static_cast<double>(last - first) : 0.0;
                    totals[kNonFinite] = finite ? 0.0 : 1.0;
                    totals[kCancelled] = cancel.cancelled() ? 1.0 : 0.0;
                    optimizer.reduceGradients(*group, static_cast<double>(last - first) / static_cast<double>(idx.size(0)), totals);
                    stopAll = totals[kCancelled] > 0.0;
                    if (totals[kNonFinite] > 0.0)
                        throw std::runtime_error(s.model + " training diverged: a non-finite loss on " +
                                                 (finite ? std::string("another rank") : "rank " + std::to_string(group->rank())) +
                                                 " at epoch " + std::to_string(epoch) + ", step " + std::to_string(step));
                    value = totals[kLossTimesRows] / static_cast<double>(idx.size(0));
                    if (stepLoss.drawsForGlobalBatch && idx.size(0) < group->worldSize())
                        alignGenerators(*group, shuffle, "the generator after step " + std::to_string(step));
                }
                optimizer.step(learningRateAt(s, done++, total));
                if (s.afterStep) s.afterStep(done);
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
    // Data parallel: the parameter tensors travel as one flat buffer (one exchange per step), with
    // `spare` entries after them.
    const auto flat = [&](bool gradients, int64_t spare) {
        std::vector<at::Tensor> parts;
        parts.reserve(parameters.size() + 1);
        for (const at::Tensor& p : parameters)
            parts.push_back((gradients ? (p.grad().defined() ? p.grad() : at::zeros_like(p)) : p.detach()).reshape(-1));
        parts.push_back(at::zeros({spare}, parts.front().options()));
        return at::cat(parts);
    };
    const auto unflatten = [&](const at::Tensor& values, bool gradients) {
        at::NoGradGuard noGrad;
        int64_t offset = 0;
        for (const at::Tensor& p : parameters) {
            const at::Tensor part = values.narrow(0, offset, p.numel()).view_as(p);
            offset += p.numel();
            if (!gradients) p.detach().copy_(part);
            else if (p.grad().defined()) p.mutable_grad().copy_(part);
            else p.mutable_grad() = part.clone();
        }
    };
    OptimizerHooks hooks{[&] { optimizer.zero_grad(); },
                         [&](double lr) {
                             for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
                             optimizer.step();
                         },
                         [&](DataParallelGroup& group) {
                             at::Tensor values = flat(false, 0);
                             group.broadcastFromRankZero(values, "the initial weights");
                             unflatten(values, false);
                         },
                         [&](DataParallelGroup& group, double scale, std::vector<double>& stepValues) {
                             at::Tensor gradients = flat(true, static_cast<int64_t>(stepValues.size())).mul_(scale);
                             allReduceWithValues(group, gradients, stepValues, "the gradients");
                             unflatten(gradients, true);
                         }};
    return runLoop(rows, s, shuffle, shardOnly(batchLoss), onEpoch, cancel, hooks);
}

namespace {

std::vector<double> trainFlat(torch::nn::Module& module, int64_t rows, const MinibatchSettings& s, at::Generator& shuffle,
                              const LossOfStep& batchLoss, const EpochLossFn& onEpoch, const CancelToken& cancel,
                              AdamWState* optimizerState) {
    checkSettings(s, rows);
    AdamWSettings as;
    as.lr = s.lr;
    as.beta2 = 0.999;
    as.weightDecay = s.weightDecay;
    FlatAdamW optimizer(module, as, s.group ? static_cast<int64_t>(kStepValues) : 0);
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
                           {[&] { optimizer.gradients().zero_(); }, [&](double lr) { optimizer.step(lr); },
                            [&](DataParallelGroup& group) {
                                at::Tensor values = optimizer.parameters();
                                group.broadcastFromRankZero(values, "the initial weights");
                            },
                            [&](DataParallelGroup& group, double scale, std::vector<double>& stepValues) {
                                optimizer.gradients().mul_(scale);
                                at::Tensor buffer = optimizer.gradientsWithSpare();
                                allReduceWithValues(group, buffer, stepValues, "the gradients");
                            }});
    if (optimizerState) *optimizerState = optimizer.state();
    return history;
}

}  // namespace

int64_t epochsForUpdates(int64_t rows, int64_t batchSize, int64_t updates) {
    const int64_t stepsPerEpoch = std::max<int64_t>(1, (rows + std::max<int64_t>(1, batchSize) - 1) / std::max<int64_t>(1, batchSize));
    return std::max<int64_t>(1, (updates + stepsPerEpoch - 1) / stepsPerEpoch);
}

std::vector<double> trainMinibatchFlatAdamW(torch::nn::Module& module, int64_t rows, const MinibatchSettings& s,
                                            at::Generator& shuffle, const BatchLossFn& batchLoss,
                                            const EpochLossFn& onEpoch, const CancelToken& cancel,
                                            AdamWState* optimizerState) {
    return trainFlat(module, rows, s, shuffle, shardOnly(batchLoss), onEpoch, cancel, optimizerState);
}

std::vector<double> trainMinibatchFlatAdamW(torch::nn::Module& module, int64_t rows, const MinibatchSettings& s,
                                            at::Generator& shuffle, const ShardedBatchLossFn& batchLoss,
                                            const EpochLossFn& onEpoch, const CancelToken& cancel,
                                            AdamWState* optimizerState) {
    return trainFlat(module, rows, s, shuffle, {batchLoss, true}, onEpoch, cancel, optimizerState);
}

}  // namespace ms
