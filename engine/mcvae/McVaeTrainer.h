#pragma once
// The mcVAE training loop: shuffles per epoch, masks conditions with the sparsity schedule
// (p stepped per gradient update, on top of conditions the data itself leaves unknown), runs
// the fused step, steps the learning rate per epoch (StepLR), validates, checkpoints and
// honours a cancel token between steps.
#include <functional>
#include <limits>
#include <stdexcept>

#include "core/data/DesignTensors.h"
#include "core/runtime/CancelToken.h"
#include "core/training/DataParallelGroup.h"
#include "core/training/TrainerState.h"
#include "core/training/TrainingProgress.h"
#include "mcvae/McVae.h"
#include "mcvae/TrainingConfig.h"

namespace ms::mcvae {

class McVaeFusedStep;

// Thrown when the loss becomes NaN or infinite; the message says at which epoch and step.
class TrainingDiverged : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class McVaeTrainer {
public:
    using CheckpointFn = std::function<void(const TrainerState&)>;

    McVaeTrainer(McVae model, TrainingConfig config, DesignTensors train, DesignTensors validation,
                 at::Device device);
    ~McVaeTrainer();

    void restore(const TrainerState& state);  // continue a run (resume)
    // Trains until config.epochs are complete or `cancel` fires. Checkpoints go to onCheckpoint
    // every config.checkpointEvery epochs, at the end, and on cancel (marked partial).
    TrainerState run(const TrainingProgressFn& onProgress, const CheckpointFn& onCheckpoint, const CancelToken& cancel);

    // run() returns once this many epochs are complete (the schedules still span config.epochs):
    // a settings search trains a trial in stages and resumes it with the next run().
    void pauseAfterEpoch(int64_t epoch) { m_pauseAfter = epoch; }

    // Data parallel (training/DataParallelGroup.h): config.batchSize is the global batch. Every
    // rank draws the whole epoch's shuffle and noise from rank 0's generator and computes the
    // gradients of its shard of each batch; their sum (one all-reduce per step, a cancel on any
    // rank with it) gives every rank the step one process takes on the whole batch. Rank 0's
    // weights are sent to all before the first step. Every rank reports the global losses.
    void trainOn(DataParallelGroup* group) { m_group = group; }

    bool cancelled() const { return m_cancelled; }
    const TrainerState& state() const { return m_state; }

private:
    double validate();
    TrainerState snapshot(bool partial);

    McVae m_model;
    TrainingConfig m_config;
    DesignTensors m_train, m_validation;
    at::Device m_device;
    at::Generator m_generator;
    std::unique_ptr<McVaeFusedStep> m_step;
    TrainerState m_state;
    bool m_cancelled = false;
    int64_t m_pauseAfter = std::numeric_limits<int64_t>::max();
    DataParallelGroup* m_group = nullptr;
};

}  // namespace ms::mcvae
