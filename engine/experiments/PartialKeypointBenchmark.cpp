#include "experiments/PartialKeypointBenchmark.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "baselines/MiwaeTrainer.h"
#include "core/data/CsvReader.h"
#include "core/data/DesignTableBuilder.h"
#include "core/data/DesignTensors.h"
#include "core/data/Normalization.h"
#include "core/data/SchemaInference.h"
#include "core/data/TrainTestSplit.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "mcvae/Preset.h"
#include "partial/EnsembleInference.h"
#include "partial/PartialTrainer.h"
#include "partial/VectorDenoiser.h"
#include "sfarm/DesignSfarm.h"

namespace ms::experiments {

namespace {

at::Tensor rowsOf(const at::Tensor& t, const std::vector<int64_t>& rows) {
    return t.index_select(0, at::tensor(rows, at::TensorOptions().dtype(at::kLong)));
}

// Per row, exactly round(removed * groups) groups removed (seeded), as an entry mask: 1 observed.
at::Tensor removalMask(int64_t rows, const std::vector<int64_t>& groupOf, double removed, at::Generator& generator) {
    const int64_t groups = partial::groupCount(groupOf, static_cast<int64_t>(groupOf.size()));
    const auto drop = static_cast<int64_t>(std::lround(removed * static_cast<double>(groups)));
    const at::Tensor order = at::rand({rows, groups}, generator).argsort(int64_t{1}, false);
    const at::Tensor rank = order.argsort(int64_t{1}, false);  // rank of each group in the row's random order
    const at::Tensor keepGroup = (rank >= drop).to(at::kFloat);
    return keepGroup.index_select(1, at::tensor(groupOf, at::TensorOptions().dtype(at::kLong)));
}

double removedMse(const at::Tensor& completed01, const at::Tensor& truth01, const at::Tensor& observed) {
    const at::Tensor removed = (observed < 0.5).to(at::kDouble);
    return (removed * (completed01.to(at::kDouble) - truth01.to(at::kDouble)).square()).sum().item<double>() /
           removed.sum().item<double>();
}

}  // namespace

PartialKeypointResult runPartialKeypointBenchmark(const PartialKeypointSettings& s, const CancelToken& cancel) {
    const CsvTable csv = readCsvFile(s.dataPath);
    const Schema schema = inferSchema(csv, mcvae::loadPreset(s.preset).columns);
    const DesignTable table = buildDesignTable(csv, schema);
    const Normalization norm = Normalization::fit(table);
    const DesignTensors all = makeDesignTensors(table, norm);  // outputs in [0, 1], as `eval` scores them
    const TrainTestSplit split = splitTrainTest(table, s.testFraction, s.seed);
    const std::vector<int64_t> groups =
        partial::keypointGroups(static_cast<int64_t>(schema.keypoints.size()), static_cast<int64_t>(schema.outputs.size()));
    at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(s.seed + 11);
    const auto nTrain = static_cast<int64_t>(split.train.size()), nTest = static_cast<int64_t>(split.test.size());
    const at::Tensor trainTruth = rowsOf(all.outputs, split.train), testTruth = rowsOf(all.outputs, split.test);
    const at::Tensor trainObserved = removalMask(nTrain, groups, s.removed, generator);
    const at::Tensor testObserved = removalMask(nTest, groups, s.removed, generator);
    const ConditionInput trainConditions = all.conditions.select(at::tensor(split.train, at::TensorOptions().dtype(at::kLong)));
    const ConditionInput testConditions = all.conditions.select(at::tensor(split.test, at::TensorOptions().dtype(at::kLong)));
    const at::Tensor nan = at::full_like(trainTruth, std::numeric_limits<float>::quiet_NaN());

    PartialKeypointResult result;
    result.trainRows = nTrain;
    result.testRows = nTest;
    result.removedCoordinates = (testObserved < 0.5).sum().item<int64_t>();
    for (const std::string& name : s.models) {
        if (cancel.cancelled()) break;
        PartialKeypointRow row;
        row.model = name;
        at::Tensor completed;  // [nTest, D] in [0, 1]
        const Stopwatch trainClock;
        if (name == "A" || name == "oracle") {
            const bool oracle = name == "oracle";
            partial::VectorDenoiserConfig config;
            config.dims = trainTruth.size(1);
            config.hidden = s.hidden;
            config.blocks = s.blocks;
            for (const CategoricalSpec& c : schema.categorical) config.classCounts.push_back(static_cast<int64_t>(c.classes.size()));
            config.numericalCount = static_cast<int64_t>(schema.numerical.size());
            seedParameterInitialisation(s.seed);
            partial::PartialModelParts parts;
            parts.net = partial::VectorDenoiser(config).ptr();
            parts.schedule = diffusion::NoiseSchedule::linear();
            parts.context.delta = s.delta;
            parts.context.groupOf = groups;
            const at::Tensor observed = oracle ? at::ones_like(trainObserved) : trainObserved;
            parts.masks = partial::MaskDistribution::measure(trainObserved, groups);
            partial::PartialTrainingSettings training;
            // The oracle sees complete rows; its contexts are as sparse as A's (removed, then delta).
            training.context.delta = oracle ? 1.0 - (1.0 - s.removed) * (1.0 - s.delta) : s.delta;
            training.context.groupOf = groups;
            training.updates = s.updates;
            training.batchSize = s.batchSize;
            training.seed = s.seed + 1;
            training.lowNoiseShare = s.lowNoiseShare;
            const at::Tensor values = at::where(observed > 0.5, trainTruth * 2.0 - 1.0, nan);
            partial::trainPartialDiffusion(*parts.net, parts.schedule, values, observed, &trainConditions, training, {}, cancel);
            row.trainSeconds = trainClock.seconds();
            partial::EnsembleSettings ensemble;
            ensemble.members = s.members;
            ensemble.seed = s.seed + 2;
            const Stopwatch inference;
            completed = (partial::ensembleComplete(parts, testTruth * 2.0 - 1.0, testObserved, &testConditions, ensemble) + 1.0) / 2.0;
            row.msPerRow = inference.milliseconds() / static_cast<double>(nTest);
            std::vector<double> single;
            for (int64_t i = 0; i < 21; ++i) {
                const Stopwatch one;
                ConditionInput c = testConditions.slice(i, i + 1);
                partial::ensembleComplete(parts, testTruth.narrow(0, i, 1), testObserved.narrow(0, i, 1), &c, ensemble);
                single.push_back(one.milliseconds());
            }
            std::nth_element(single.begin(), single.begin() + 10, single.end());
            row.msOneDesign = single[10];
        } else if (name == "sfarm") {
            DesignTable incomplete = emptyDesignTable(schema, static_cast<std::size_t>(nTrain));
            const at::Tensor raw = trainObserved.to(at::kDouble).contiguous();
            for (int64_t i = 0; i < nTrain; ++i) {
                const auto r = static_cast<std::size_t>(split.train[static_cast<std::size_t>(i)]);
                for (std::size_t d = 0; d < table.outputDim; ++d)
                    incomplete.outputs.push_back(raw[i][static_cast<int64_t>(d)].item<double>() > 0.5 ? table.output(r, d)
                                                                                                      : DesignTable::unknownNumber());
                for (std::size_t c = 0; c < table.categoricalCount; ++c) incomplete.categorical.push_back(table.category(r, c));
                for (std::size_t c = 0; c < table.numericalCount; ++c) incomplete.numerical.push_back(table.number(r, c));
                incomplete.lineNumbers.push_back(table.lineNumbers[r]);
            }
            incomplete.rows = static_cast<std::size_t>(nTrain);
            sfarm::DesignSfarmSettings settings;
            settings.epochs = s.sfarmEpochs;
            settings.seed = s.seed;
            const sfarm::DesignSfarm model = sfarm::DesignSfarm::train(schema, incomplete, settings, {}, cancel);
            row.trainSeconds = trainClock.seconds();
            const Stopwatch inference;
            completed = testTruth.clone();
            const at::Tensor testMask = testObserved.to(at::kDouble).contiguous();
            for (int64_t i = 0; i < nTest; ++i) {
                const auto r = static_cast<std::size_t>(split.test[static_cast<std::size_t>(i)]);
                sfarm::PartialDesign design;
                design.conditions.categorical.assign(table.categorical.begin() + static_cast<long>(r * table.categoricalCount),
                                                     table.categorical.begin() + static_cast<long>((r + 1) * table.categoricalCount));
                design.conditions.numerical.assign(table.numerical.begin() + static_cast<long>(r * table.numericalCount),
                                                   table.numerical.begin() + static_cast<long>((r + 1) * table.numericalCount));
                for (std::size_t d = 0; d < table.outputDim; ++d)
                    design.outputs.push_back(testMask[i][static_cast<int64_t>(d)].item<double>() > 0.5 ? table.output(r, d)
                                                                                                       : DesignTable::unknownNumber());
                const sfarm::ImputedDesigns drawn = model.impute(design, s.members, s.seed + static_cast<uint64_t>(i));
                for (std::size_t d = 0; d < table.outputDim; ++d) {
                    double mean = 0.0;
                    for (const auto& v : drawn.designs) mean += v[d];
                    mean /= static_cast<double>(drawn.designs.size());
                    completed[i][static_cast<int64_t>(d)] = norm.outputs.normalise(d, mean);
                }
            }
            row.msPerRow = inference.milliseconds() / static_cast<double>(nTest);
        } else if (name == "miwae") {
            baselines::MiwaeConfig config;
            config.features = trainTruth.size(1);
            config.latent = 10;
            config.hidden = 128;
            seedParameterInitialisation(s.seed);
            baselines::Miwae model(config);
            baselines::MiwaeTrainingConfig training;
            training.epochs = s.miwaeEpochs;
            training.batchSize = 128;
            training.seed = s.seed;
            baselines::trainMiwae(model, at::where(trainObserved > 0.5, trainTruth, at::zeros_like(trainTruth)),
                                  trainObserved > 0.5, training, cancel);
            row.trainSeconds = trainClock.seconds();
            torch::NoGradGuard noGrad;
            model->eval();
            const Stopwatch inference;
            at::Generator g = at::make_generator<at::CPUGeneratorImpl>(s.seed + 3);
            completed = model->impute(at::where(testObserved > 0.5, testTruth, at::zeros_like(testTruth)), testObserved > 0.5, 100, g);
            row.msPerRow = inference.milliseconds() / static_cast<double>(nTest);
        } else {
            throw std::invalid_argument("unknown model '" + name + "' (A, oracle, sfarm, miwae)");
        }
        if (cancel.cancelled()) break;
        row.mse = removedMse(completed, testTruth, testObserved);
        result.rows.push_back(row);
    }
    return result;
}

}  // namespace ms::experiments
