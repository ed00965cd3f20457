#include "api/PartialTable.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <stdexcept>

#include "api/EnsembleSettingsOf.h"
#include "api/MaskPriorModel.h"
#include "api/PartialDesignModel.h"
#include "api/PartialScaling.h"
#include "api/TableGaps.h"
#include "core/conditioning/ConditionValues.h"
#include "core/data/CsvReader.h"
#include "core/data/DesignTableBuilder.h"
#include "core/data/DesignTensors.h"
#include "core/data/KeypointPins.h"
#include "core/data/Normalization.h"
#include "core/data/NumberText.h"
#include "core/data/SchemaInference.h"
#include "core/data/SchemaJson.h"
#include "core/data/UnknownCell.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "core/training/MinibatchAdamW.h"
#include "distributed/GlooGroup.h"
#include "mcvae/Preset.h"
#include "partial/ContextMasks.h"
#include "partial/EnsembleInference.h"
#include "partial/PartialModelFile.h"
#include "partial/MaskPriorFile.h"
#include "partial/MaskPriorPool.h"
#include "partial/PartialTrainer.h"
#include "partial/VectorDenoiser.h"

namespace ms::api {

namespace {

Schema schemaFor(const CsvTable& csv, const std::string& schemaPath, const std::string& preset) {
    return schemaPath.empty() ? inferSchema(csv, mcvae::loadPreset(preset).columns) : loadSchemaFile(schemaPath);
}

std::vector<std::string> entryNames(const Schema& schema) {
    std::vector<std::string> names;
    for (const KeypointSpec& k : schema.keypoints) names.insert(names.end(), {k.xColumn, k.yColumn});
    for (const OutputSpec& o : schema.outputs) names.push_back(o.column);
    return names;
}

// The table as the model sees it: u in [-1, 1] per entry (NaN where unobserved), the mask, conditions.
struct EncodedTable {
    at::Tensor values, observed;
    ConditionInput conditions;
    bool hasConditions = false;
};

EncodedTable encode(const DesignTable& table, const Schema& schema, const Normalization& norm) {
    const DesignTensors tensors = makeDesignTensors(table, norm);
    EncodedTable e;
    e.observed = at::isfinite(tensors.outputs).to(at::kFloat);
    e.values = tensors.outputs * 2.0 - 1.0;
    e.conditions = tensors.conditions;
    e.hasConditions = schema.conditionCount() > 0;
    return e;
}

// Sets the context's partition as request.context asks and returns it in words.
std::string chooseTableContext(const PartialTrainRequest& request, const Schema& schema, const at::Tensor& observed,
                               partial::ContextSettings& context, DataParallelGroup* ranks, const CancelToken& cancel) {
    const std::string& mode = request.context;
    if (mode != "auto" && mode != "keypoint" && mode != "iid" && mode != "prior")
        throw std::invalid_argument("partial training: context must be keypoint, iid, prior or auto, not '" + mode + "'");
    if (!request.maskPriorPath.empty() && mode != "prior" && mode != "auto")
        throw std::invalid_argument("partial training: a mask prior (" + request.maskPriorPath + ") makes the contexts; context '" + mode +
                                    "' would not use it");
    const at::Tensor gaps = partial::groupObserved(observed, context.groupOf);
    const double phi = partial::strongestGapCorrelation(gaps);
    std::string described;
    at::Tensor pool;
    const auto preview = [&] {
        if (!request.onPartition) return;
        GapPreview p;
        p.entries = gapEntryNames(schema);
        p.context = described;
        const at::Tensor withGaps = (gaps < 0.5).any(1).nonzero().flatten().slice(0, 0, request.previewRows);
        p.dataMasks = maskBytes(gaps.index_select(0, withGaps));
        if (pool.defined()) p.priorMasks = maskBytes(pool.slice(0, 0, request.previewRows));
        request.onPartition(p);
    };
    const bool learnt = mode == "prior" || !request.maskPriorPath.empty() || (mode == "auto" && phi >= kStructuredGaps);
    if (!learnt) {
        if (mode == "iid") {
            context.groupOf.clear();
            described = "i.i.d. cells (delta " + formatNumber(context.delta) + ")";
        } else {
            described = "whole keypoints left out i.i.d. (delta " + formatNumber(context.delta) + ")" +
                        (mode == "auto" ? "; the gaps look independent (largest |phi| " + formatNumber(std::round(phi * 100.0) / 100.0) + ")"
                                        : "");
        }
        preview();
        return described;
    }
    std::string source;
    if (!request.maskPriorPath.empty()) {
        const partial::MaskPriorFile prior = partial::loadMaskPrior(request.maskPriorPath);
        if (prior.dataKind != "vectors" || prior.entries != gapEntryNames(schema))
            throw std::invalid_argument(request.maskPriorPath + ": a mask prior of other entries than this table's keypoints and outputs");
        partial::MaskSampling sampling;
        sampling.steps = 20;
        at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(request.seed + 1);
        pool = partial::sampleMasks(*prior.net, request.priorPool, prior.schedule, sampling, generator);
        source = "the mask prior " + request.maskPriorPath;
    } else {
        partial::MaskPriorPoolSettings settings;
        settings.training.updates = request.priorUpdates > 0 ? request.priorUpdates : kTableMaskPriorUpdates;
        settings.training.seed = request.seed;
        settings.training.group = ranks;  // the ranks share the prior's batches too
        settings.poolSize = request.priorPool;
        pool = partial::learnMaskPriorPool(gaps, settings, cancel);
        if (!pool.defined()) return "cancelled";
        source = "a prior learnt over the rows' gaps (" + std::to_string(settings.training.updates) + " updates)";
    }
    context.priorPool = partial::entriesOfGroups(pool, context.groupOf);
    described = "intersections with " + std::to_string(pool.size(0)) + " draws of " + source +
                (mode == "auto" && request.maskPriorPath.empty()
                     ? "; gaps go together (largest |phi| " + formatNumber(std::round(phi * 100.0) / 100.0) + ")"
                     : "");
    preview();
    return described;
}

}  // namespace

int64_t defaultPartialUpdates(int64_t rows, int64_t batchSize) {
    const int64_t passes = 30 * ((rows + batchSize - 1) / std::max<int64_t>(1, batchSize));
    return std::clamp<int64_t>(passes, 15000, 40000);
}

int64_t partialTrainingEpochs(int64_t rows, const PartialTrainRequest& request) {
    const int64_t batch = std::max<int64_t>(1, request.batchSize);
    return epochsForUpdates(rows, batch, request.updates > 0 ? request.updates : defaultPartialUpdates(rows, batch));
}

CsvGapSummary summariseCsvGaps(const CsvTable& csv, const Schema& schema) {
    CsvGapSummary s;
    const DesignTable table = buildDesignTableWithGaps(csv, schema, &s.skippedLines);
    s.rows = static_cast<int64_t>(table.rows);
    for (std::size_t r = 0; r < table.rows; ++r)
        for (std::size_t d = 0; d < table.outputDim; ++d)
            if (std::isnan(table.output(r, d))) {
                ++s.rowsWithGaps;
                break;
            }
    return s;
}

CsvGapSummary summariseCsvGaps(const std::string& dataPath, const std::string& schemaPath, const std::string& preset) {
    const CsvTable csv = readCsvFile(dataPath);
    return summariseCsvGaps(csv, schemaFor(csv, schemaPath, preset));
}

PartialTrainResult trainPartialOnCsv(const PartialTrainRequest& request, const EpochLossFn& onEpoch, const CancelToken& cancel) {
    const Stopwatch clock;
    const CsvTable csv = readCsvFile(request.dataPath);
    const Schema schema = schemaFor(csv, request.schemaPath, request.preset);
    if (schema.keypoints.empty())
        throw std::invalid_argument(request.dataPath + ": no keypoint columns (NAME_x / NAME_y or x_NAME / y_NAME) to learn");
    // Several ranks: joined once the table reads (a bad file is named before anyone waits).
    const std::unique_ptr<distributed::GlooGroup> ranks = distributed::joinRanks(request.distributed);
    PartialTrainResult result;
    const DesignTable table = buildDesignTableWithGaps(csv, schema, &result.skippedLines);
    if (table.rows == 0) throw std::runtime_error(request.dataPath + ": no row has a keypoint value");
    const Normalization fitted = Normalization::fit(table);
    const Normalization norm = partialModelNormalization(schema, fitted.outputs.min, fitted.outputs.max);
    const EncodedTable data = encode(table, schema, norm);

    partial::PartialModelFile file;
    file.columns = entryNames(schema);
    file.low = norm.outputs.min;
    file.high = norm.outputs.max;
    file.schema = schemaToJson(schema);
    partial::VectorDenoiserConfig config;
    config.dims = static_cast<int64_t>(schema.outputDim());
    config.hidden = request.hidden;
    config.blocks = request.blocks;
    for (const CategoricalSpec& c : schema.categorical) config.classCounts.push_back(static_cast<int64_t>(c.classes.size()));
    config.numericalCount = static_cast<int64_t>(schema.numerical.size());
    seedParameterInitialisation(request.seed);
    file.parts.net = partial::VectorDenoiser(config).ptr();
    file.parts.schedule = diffusion::NoiseSchedule::linear();
    file.parts.context.delta = request.delta;
    file.parts.context.groupOf = gapGroups(schema);
    file.parts.masks = partial::MaskDistribution::measure(data.observed, file.parts.context.groupOf);
    result.context = chooseTableContext(request, schema, data.observed, file.parts.context, ranks.get(), cancel);
    if (cancel.cancelled()) throw std::runtime_error("partial training cancelled; " + request.outPath + " was not written");

    partial::PartialTrainingSettings settings;
    settings.context = file.parts.context;
    settings.region = partial::parseQueryRegion(request.region);
    settings.batchSize = request.batchSize;
    settings.updates = request.updates > 0 ? request.updates : defaultPartialUpdates(static_cast<int64_t>(table.rows), request.batchSize);
    settings.lr = request.lr;
    settings.lowNoiseShare = request.lowNoiseShare;
    settings.seed = request.seed;
    settings.group = ranks.get();
    const std::vector<double> losses = partial::trainPartialDiffusion(
        *file.parts.net, file.parts.schedule, data.values, data.observed, data.hasConditions ? &data.conditions : nullptr,
        settings, onEpoch, cancel);
    if (cancel.cancelled()) throw std::runtime_error("partial training cancelled; " + request.outPath + " was not written");

    result.rows = static_cast<int64_t>(table.rows);
    result.rowsWithGaps = (data.observed.sum(1) < static_cast<double>(data.observed.size(1)) - 0.5).sum().item<int64_t>();
    result.observedFraction = data.observed.mean().item<double>();
    result.updates = settings.updates;
    result.finalLoss = losses.empty() ? 0.0 : losses.back();
    file.training = {{"data", request.dataPath}, {"rows", result.rows}, {"rows_with_gaps", result.rowsWithGaps},
                     {"skipped_rows", result.skippedLines.size()}, {"observed_fraction", result.observedFraction},
                     {"updates", settings.updates}, {"batch_size", settings.batchSize}, {"lr", settings.lr},
                     {"region", request.region}, {"context", result.context}, {"low_noise_share", settings.lowNoiseShare}, {"seed", request.seed},
                     {"final_loss", result.finalLoss}};
    if (!ranks || ranks->rank() == 0) partial::savePartialModel(file, request.outPath);
    result.seconds = clock.seconds();
    return result;
}

PartialImputeResult imputeCsvWithPartial(const PartialImputeRequest& request) {
    const Stopwatch clock;
    Schema schema;
    const partial::PartialModelFile model = loadPartialVectorModel(request.modelPath, schema);
    CsvTable csv = readCsvFile(request.dataPath);
    PartialImputeResult result;
    const DesignTable table = buildDesignTableWithGaps(csv, schema, &result.skippedLines, &result.unseenClasses);
    const Normalization norm = partialModelNormalization(schema, model.low, model.high);
    const EncodedTable data = encode(table, schema, norm);
    const partial::EnsembleSettings ensemble = ensembleSettingsOf(request);
    const at::Tensor completed =
        (table.rows == 0 ? data.values
                         : partial::ensembleComplete(model.parts, data.values, data.observed,
                                                     data.hasConditions ? &data.conditions : nullptr, ensemble))
            .to(at::kDouble)
            .cpu()
            .contiguous();
    const auto value = completed.accessor<double, 2>();

    std::map<long, std::size_t> rowOfLine;
    for (std::size_t r = 0; r < csv.rows.size(); ++r) rowOfLine[csv.lineNumbers[r]] = r;
    const std::vector<std::string> names = entryNames(schema);
    std::vector<std::size_t> columns;
    for (const std::string& name : names) columns.push_back(static_cast<std::size_t>(csv.columnIndex(name)));
    for (std::size_t r = 0; r < table.rows; ++r) {
        std::vector<std::string>& fields = csv.rows[rowOfLine.at(table.lineNumbers[r])];
        for (std::size_t d = 0; d < names.size(); ++d)
            if (std::isnan(table.output(r, d)) && isUnknownCell(fields[columns[d]])) {
                fields[columns[d]] = formatNumber(partialDecode(norm, d, value[static_cast<int64_t>(r)][static_cast<int64_t>(d)]));
                ++result.filledCells;
            }
    }
    writeCsvFile(request.outPath, csv.header, csv.rows);
    result.rows = static_cast<int64_t>(table.rows);
    result.seconds = clock.seconds();
    return result;
}

PartialSampleResult samplePartialDesigns(const PartialSampleRequest& request) {
    const Stopwatch clock;
    if (request.count < 1) throw std::invalid_argument("sample: --count must be at least 1");
    const PartialDesignModel model = PartialDesignModel::load(request.modelPath);
    const Schema& schema = model.schema();
    const ConditionValues values = parseConditionAssignments(schema, request.conditions);
    const std::vector<double> pins = parseKeypointPins(schema, request.pins);
    const std::vector<std::vector<double>> designs =
        model.complete(values, pins, request.count, {request.members, request.steps, request.seed, request.omega});
    DesignTable out = emptyDesignTable(schema, designs.size());
    out.rows = designs.size();
    for (const std::vector<double>& design : designs) {
        out.outputs.insert(out.outputs.end(), design.begin(), design.end());
        out.categorical.insert(out.categorical.end(), values.categorical.begin(), values.categorical.end());
        out.numerical.insert(out.numerical.end(), values.numerical.begin(), values.numerical.end());
        out.lineNumbers.push_back(0);
    }
    writeDesignCsv(request.outPath, schema, out);
    return {request.count, clock.seconds()};
}

}  // namespace ms::api
