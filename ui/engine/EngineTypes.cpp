#include "engine/EngineTypes.h"

#include <cmath>

namespace ms {

bool hasPins(const std::vector<double>& pins) {
    for (double v : pins)
        if (std::isfinite(v)) return true;
    return false;
}

void registerEngineMetaTypes() {
    qRegisterMetaType<ConditionValues>();
    qRegisterMetaType<GenerationJob>();
    qRegisterMetaType<GenerationOutput>();
    qRegisterMetaType<ModelInfo>();
    qRegisterMetaType<TrainRequest>();
    qRegisterMetaType<TrainingProgress>();
    qRegisterMetaType<TrainRunOutcome>();
    qRegisterMetaType<TuneRequest>();
    qRegisterMetaType<TuningTrialReport>();
    qRegisterMetaType<TuneOutcome>();
    qRegisterMetaType<std::vector<EpochRecord>>();
}

}  // namespace ms
