#pragma once
// What a training run reports while it runs and keeps as its history (loss curves). Plain
// values without torch types, so the GUI can receive them.
#include <cstdint>
#include <functional>
#include <limits>

namespace ms {

struct EpochRecord {
    int64_t epoch = 0;            // 1-based
    double reconstruction = 0.0;  // SSE per sample (sum over outputs), normalised units
    double kl = 0.0;              // per sample
    double sparsity = 0.0;        // p at the last update of the epoch
    double learningRate = 0.0;
    double validation = std::numeric_limits<double>::quiet_NaN();  // SSE per sample, z = mu, all known conditions
};

struct TrainingProgress {
    int64_t epoch = 0;
    int64_t epochs = 0;
    int64_t step = 0;
    int64_t totalSteps = 0;
    double samplesPerSecond = 0.0;
    double elapsedSeconds = 0.0;
    EpochRecord record;
};

// The two shapes of progress report, one alias each: a run's progress with its epoch record,
// and (epoch, mean loss) for the trainers that keep no richer record.
using TrainingProgressFn = std::function<void(const TrainingProgress&)>;
using EpochLossFn = std::function<void(int64_t epoch, double meanLoss)>;

}  // namespace ms
