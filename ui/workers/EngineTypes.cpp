#include "ui/workers/EngineTypes.h"

namespace ms {

void registerEngineMetaTypes() {
    qRegisterMetaType<ConditionValues>();
    qRegisterMetaType<GenerationJob>();
    qRegisterMetaType<GenerationOutput>();
    qRegisterMetaType<api::ModelInfo>();
    qRegisterMetaType<api::TrainRequest>();
    qRegisterMetaType<TrainingProgress>();
    qRegisterMetaType<api::TrainRunOutcome>();
    qRegisterMetaType<api::PartialTrainResult>();
    qRegisterMetaType<api::GapPreview>();
    qRegisterMetaType<api::TuneRequest>();
    qRegisterMetaType<mcvae::TuningTrialReport>();
    qRegisterMetaType<api::TuneOutcome>();
    qRegisterMetaType<std::vector<EpochRecord>>();
}

}  // namespace ms
