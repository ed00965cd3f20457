#pragma once
// Where an SFARM training run stands: what a checkpoint keeps so that `sfarm train --resume` goes
// on from it (trainSfarm keeps it current at the end of every epoch and at every checkpoint inside
// one; SfarmModelFile stores it).
// Resuming continues the epochs, the learning-rate schedule and early stopping (its best check and
// weights); the optimizer's moments start afresh (LibTorch's AdamW keys its state by tensor
// address, which does not survive a process), so a resumed run is close to, not bit-identical
// with, an uninterrupted one. A position inside an epoch continues that epoch's shuffle after the
// rows it had done (the masks drawn on from a fresh seed).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <limits>
#include <vector>

#include "core/training/EpochPosition.h"

namespace ms::sfarm {

struct SfarmRunProgress {
    int64_t epochsDone = 0;
    int64_t bestEpoch = 0;  // 0: no early-stopping check yet (or none improved)
    double bestScore = std::numeric_limits<double>::infinity();
    std::vector<at::Tensor> bestWeights;  // the trainable parameters at bestEpoch (copies; empty: none)
    bool stoppedEarly = false;  // early stopping ended the run (nothing left to resume)
    EpochPosition position;     // set: the checkpoint was taken inside epoch epochsDone + 1
};

}  // namespace ms::sfarm
