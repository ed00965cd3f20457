#pragma once
// The plain training loop the small autograd models share (SFARM, MIWAE/VAE): per epoch a seeded
// shuffle, minibatches of row indices, AdamW on the loss the caller computes for a batch,
// cancel checked before every step, and a non-finite loss reported with epoch and step.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/runtime/CancelToken.h"
#include "core/training/BatchShard.h"
#include "core/training/DataParallelGroup.h"
#include "core/training/EpochPosition.h"
#include "core/training/FlatAdamW.h"
#include "core/training/TrainingProgress.h"

namespace ms {

struct MinibatchSettings {
    int64_t epochs = 1;
    int64_t batchSize = 1;
    double lr = 1e-3;
    double weightDecay = 0.0;
    // true: the learning rate follows a cosine from lr down to 0 over the run's updates (the last
    // updates refine instead of jittering: regression outputs come out markedly more precise);
    // false: constant.
    bool cosineDecay = false;
    std::string model;  // named in error messages, e.g. "SFARM"
    // A resumed run: its first epochsDone epochs are done; the loop goes on with the next one (the
    // learning rate where the schedule has it, epochs numbered in the whole run; the history holds
    // the epochs of this call).
    int64_t epochsDone = 0;
    // A run stopped inside epoch epochsDone + 1 goes on from that position (the generator is set
    // to the state it holds; `shuffle` must be a CPU generator).
    EpochPosition resumeFrom;
    // Checkpoints inside an epoch (the flat-AdamW loop: optimizerState is current when save runs).
    MidEpochCheckpoints midEpoch;
    // Data parallel (training/DataParallelGroup.h): batchSize is the global batch, each rank trains
    // its shard; rank 0's weights and each epoch's shuffle are sent to every rank, the gradients
    // (weighted by shard size) summed as one flat buffer, so that every rank takes the step one
    // process would take on the whole batch. Every rank reports the global loss; a cancel or a
    // diverged loss on any rank stops all of them at the same step. Null: one process.
    DataParallelGroup* group = nullptr;
    // Called after every optimizer step with the number of updates taken so far in the run (a
    // caller's running average of the weights, say). Null: nothing.
    std::function<void(int64_t updatesDone)> afterStep;
};

// The epochs over `rows` rows in batches of `batchSize` that give at least `updates` updates (the
// last epoch may end early in the trainers that count updates; at least 1).
int64_t epochsForUpdates(int64_t rows, int64_t batchSize, int64_t updates);

using BatchLossFn = std::function<at::Tensor(const at::Tensor& rowIndices)>;  // mean over the batch
// A loss that sees the whole step: the global batch's row indices and which of them this process
// computes (training/BatchShard.h); it returns the mean over its shard's rows. Data parallel, every
// rank's generator then stays in step with rank 0's (each draws the global batch's randomness),
// so that N ranks train exactly as one process does on the whole batch. A BatchLossFn sees only
// its shard's indices, and the ranks other than 0 draw from streams of their own.
using ShardedBatchLossFn = std::function<at::Tensor(const at::Tensor& globalRowIndices, const BatchShard& shard)>;

// Trains `parameters` on `rows` rows, shuffling with `shuffle` (a model may draw its own noise
// from the same generator); returns the mean loss per row of every completed epoch.
// Throws std::invalid_argument for bad settings and std::runtime_error when the loss diverges.
std::vector<double> trainMinibatchAdamW(const std::vector<at::Tensor>& parameters, int64_t rows,
                                        const MinibatchSettings& settings, at::Generator& shuffle,
                                        const BatchLossFn& batchLoss,
                                        const EpochLossFn& onEpoch, const CancelToken& cancel);

// The same loop for a whole module with a flat-buffer AdamW (training/FlatAdamW.h): every
// parameter and gradient lives in one contiguous tensor, so an update is a handful of kernels
// instead of ~10 per parameter tensor. For deep nets with many small tensors (the diffusion
// U-Net) the per-tensor update dominates a step, on a GPU most of all. Same AdamW semantics
// (betas 0.9 / 0.999, eps 1e-8, decoupled weight decay).
// optimizerState (optional, in and out): moment estimates to start from when defined (resuming a
// run), and the optimizer's state at the end of every epoch (before onEpoch: a checkpoint taken
// there resumes with the right moments) and when training stops (finished or cancelled). It then
// shares the optimizer's buffers: copy it before the next step to keep it.
std::vector<double> trainMinibatchFlatAdamW(torch::nn::Module& module, int64_t rows, const MinibatchSettings& settings,
                                            at::Generator& shuffle, const BatchLossFn& batchLoss,
                                            const EpochLossFn& onEpoch, const CancelToken& cancel,
                                            AdamWState* optimizerState = nullptr);
std::vector<double> trainMinibatchFlatAdamW(torch::nn::Module& module, int64_t rows, const MinibatchSettings& settings,
                                            at::Generator& shuffle, const ShardedBatchLossFn& batchLoss,
                                            const EpochLossFn& onEpoch, const CancelToken& cancel,
                                            AdamWState* optimizerState = nullptr);

}  // namespace ms
