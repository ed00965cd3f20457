#include "engine/EngineTypes.h"

namespace ms {

void registerEngineMetaTypes() {
    qRegisterMetaType<ConditionValues>();
    qRegisterMetaType<GenerationJob>();
    qRegisterMetaType<GenerationOutput>();
    qRegisterMetaType<ModelInfo>();
    qRegisterMetaType<TrainRequest>();
    qRegisterMetaType<TrainingProgress>();
    qRegisterMetaType<TrainRunOutcome>();
    qRegisterMetaType<std::vector<EpochRecord>>();
}

}  // namespace ms
