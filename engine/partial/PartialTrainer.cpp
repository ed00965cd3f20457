#include "partial/PartialTrainer.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <stdexcept>

#include "core/training/MinibatchAdamW.h"
#include "partial/GuidedContexts.h"

namespace ms::partial {

std::string queryRegionName(QueryRegion region) {
    switch (region) {
        case QueryRegion::Query: return "query";
        case QueryRegion::AllObserved: return "all-observed";
        case QueryRegion::NoSplit: return "no-split";
    }
    return "query";
}

QueryRegion parseQueryRegion(const std::string& name) {
    for (QueryRegion r : {QueryRegion::Query, QueryRegion::AllObserved, QueryRegion::NoSplit})
        if (queryRegionName(r) == name) return r;
    throw std::invalid_argument("unknown loss region '" + name + "' (query, all-observed, no-split)");
}

at::Tensor observedValues(const at::Tensor& values, const at::Tensor& observed) {
    return at::where(observed > 0.5, values, at::zeros_like(values));
}

namespace {

at::Tensor drawTimesteps(int64_t rows, const diffusion::NoiseSchedule& schedule, const PartialTrainingSettings& s,
                         at::Generator& generator) {
    const auto cpuLong = at::TensorOptions().dtype(at::kLong);
    const at::Tensor any = at::randint(schedule.steps, {rows}, generator, cpuLong);
    if (s.lowNoiseShare <= 0.0) return any;
    const at::Tensor low = at::randint(std::min(s.lowNoiseSteps, schedule.steps), {rows}, generator, cpuLong);
    const at::Tensor pickLow = at::rand({rows}, generator, at::TensorOptions().dtype(at::kFloat)) < s.lowNoiseShare;
    return at::where(pickLow, low, any);
}

ConditionInput droppedConditions(const ConditionInput& c, double dropout, at::Generator& generator) {
    if (dropout <= 0.0) return c;
    const int64_t count = c.categorical.size(1) + c.numerical.size(1);
    const at::Tensor keep = at::rand({c.rows(), count}, generator, at::TensorOptions().dtype(at::kFloat)) >= dropout;
    return c.masked(keep.to(c.categorical.device()));
}

}  // namespace

at::Tensor partialDiffusionLoss(PartialDenoiser& net, const diffusion::NoiseSchedule& schedule, const at::Tensor& observedBatch,
                                const at::Tensor& mask, const ConditionInput* conditions,
                                const PartialTrainingSettings& settings, at::Generator& generator,
                                const at::Tensor& priorMasks) {
    const int64_t rows = observedBatch.size(0);
    const at::Tensor context = settings.region == QueryRegion::NoSplit ? mask
                               : priorMasks.defined()                   ? intersectionContextMask(mask, priorMasks)
                                                                        : drawContextMask(mask, settings.context, generator);
    const at::Tensor t = drawTimesteps(rows, schedule, settings, generator).to(observedBatch.device());
    const at::Tensor noise = diffusion::gaussianNoiseLike(observedBatch, generator);
    const at::Tensor noisy = mask * schedule.addNoise(observedBatch, t, noise);
    ConditionInput dropped;
    if (conditions) dropped = droppedConditions(*conditions, settings.conditionDropout, generator);
    const at::Tensor predicted = net.predictClean(t, context * noisy, context, conditions ? &dropped : nullptr);
    const at::Tensor region = settings.region == QueryRegion::Query ? mask * (1.0 - context) : mask;
    return (region * (predicted - observedBatch).square()).sum() / region.sum().clamp_min(1.0);
}

int64_t partialTrainingEpochs(int64_t rows, const PartialTrainingSettings& settings) {
    return epochsForUpdates(rows, settings.batchSize, settings.updates);
}

std::vector<double> trainPartialDiffusion(PartialDenoiser& net, const diffusion::NoiseSchedule& schedule,
                                          const at::Tensor& values, const at::Tensor& observed,
                                          const ConditionInput* conditions, const PartialTrainingSettings& settings,
                                          const EpochLossFn& onEpoch, const CancelToken& cancel) {
    if (values.dim() != 2 || !values.sizes().equals(observed.sizes()) || values.size(1) != net.dims())
        throw std::invalid_argument("partial training: values and mask must both be [rows, " +
                                    std::to_string(net.dims()) + "]");
    if (conditions && conditions->rows() != values.size(0))
        throw std::invalid_argument("partial training: conditions for " + std::to_string(conditions->rows()) +
                                    " rows, values for " + std::to_string(values.size(0)));
    if (settings.updates < 1 || settings.batchSize < 1 || !(settings.lowNoiseShare >= 0.0 && settings.lowNoiseShare <= 1.0) ||
        settings.lowNoiseSteps < 1 || !(settings.conditionDropout >= 0.0 && settings.conditionDropout < 1.0))
        throw std::invalid_argument("partial training: updates, batch size and low-noise steps must be positive, the shares in [0, 1]");
    checkContextSettings(settings.context, values.size(1));
    if (settings.rowPriorMasks.defined())
        checkRowPriorMasks(settings.rowPriorMasks, values.size(0), values.size(1), "partial training");

    const int64_t rows = values.size(0);
    const at::Tensor mask = (observed > 0.5).to(at::kFloat);
    const at::Tensor uObs = observedValues(values.to(at::kFloat), mask);  // nothing below reads `values`
    MinibatchSettings loop;
    loop.epochs = partialTrainingEpochs(rows, settings);
    loop.batchSize = settings.batchSize;
    loop.lr = settings.lr;
    loop.cosineDecay = settings.cosineDecay;
    loop.model = "partial-observation diffusion";
    loop.group = settings.group;
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(settings.seed);
    net.train();
    const auto batchLoss = [&](const at::Tensor& index) {
        const at::Tensor i = index.to(uObs.device());
        ConditionInput selected;
        if (conditions) selected = conditions->select(i);
        at::Tensor priorMasks;
        if (settings.rowPriorMasks.defined())
            priorMasks = pickRowPriorMask(settings.rowPriorMasks.index_select(0, i.to(settings.rowPriorMasks.device())), generator);
        return partialDiffusionLoss(net, schedule, uObs.index_select(0, i), mask.index_select(0, i),
                                    conditions ? &selected : nullptr, settings, generator, priorMasks);
    };
    std::vector<double> losses = trainMinibatchFlatAdamW(net, rows, loop, generator, batchLoss, onEpoch, cancel);
    net.eval();
    return losses;
}

}  // namespace ms::partial
