#include "api/ExploreSession.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "api/PartialDesignModel.h"
#include "core/data/CsvReader.h"
#include "core/data/DataError.h"
#include "core/data/DataFingerprint.h"
#include "core/data/DesignTableBuilder.h"
#include "core/geometry/DesignDetails.h"
#include "core/geometry/DesignDrawing.h"
#include "core/runtime/TorchRuntime.h"
#include "mcvae/DesignGenerator.h"

namespace ms::api {

namespace fs = std::filesystem;

struct ExploreSession::Impl {
    ModelInfo info;
    std::unique_ptr<mcvae::DesignGenerator> generator;
    std::vector<std::vector<double>> referenceNormalised;  // training designs, normalised outputs
    std::vector<std::vector<double>> referenceRaw;
    sfarm::DesignSfarm sfarm;
    std::shared_ptr<const DesignTable> reference;  // the training designs, for training a design SFARM
    PartialDesignModel partial;                    // a model learned from incomplete designs, instead of the generator
};

ExploreSession::ExploreSession() : m(std::make_unique<Impl>()) {}
ExploreSession::~ExploreSession() = default;
ExploreSession::ExploreSession(ExploreSession&&) noexcept = default;
ExploreSession& ExploreSession::operator=(ExploreSession&&) noexcept = default;

namespace {

// The reference table when `candidate` holds exactly the data the model was trained on.
std::optional<DesignTable> matchingReference(const fs::path& candidate, const mcvae::ModelBundle& bundle, std::string& note) {
    std::error_code ec;
    if (candidate.empty() || !fs::is_regular_file(candidate, ec)) return std::nullopt;
    try {
        DesignTable table = buildDesignTable(readCsvFile(candidate.string()), bundle.schema);
        if (dataFingerprint(table) != bundle.split.dataFingerprint) {
            note = candidate.filename().string() + " is not the training data of this model (fingerprint differs)";
            return std::nullopt;
        }
        note = "training designs from " + candidate.filename().string();
        return table;
    } catch (const DataError& e) {
        note = e.what();
        return std::nullopt;
    }
}

// Ensemble settings of the studio's partial models: the mean design is the single-step mean over
// 16 contexts; samples are 10-step DDIM draws (omega = alpha_bar_t: they end on E[u_0 | u_t], a
// draw of the posterior, not a mean) with 4 contexts per estimate.
const PartialCompletion kPartialMean{16, 0, 0};
const PartialCompletion kPartialSamples{4, 10, 0};

}  // namespace

Schema ExploreSession::modelSchema(const std::string& bundlePath) {
    if (fs::path(bundlePath).extension() == ".mpd") return PartialDesignModel::load(bundlePath).schema();
    return mcvae::loadBundle(bundlePath).schema;
}

const ModelInfo& ExploreSession::load(const std::string& bundlePath, const std::string& device) {
    if (fs::path(bundlePath).extension() == ".mpd") {
        auto next = std::make_unique<Impl>();
        next->partial = PartialDesignModel::load(bundlePath);
        ModelInfo& info = next->info;
        // Named after its training data, like an mcVAE bundle (a run folder's file is model.mpd).
        const std::string data = next->partial.summary().dataPath;
        info.name = data.empty() ? fs::path(bundlePath).stem().string() : fs::path(data).stem().string();
        info.path = bundlePath;
        info.deviceName = "cpu";
        info.schema = next->partial.schema();
        info.partial = true;
        info.completedEpochs = info.epochs = next->partial.summary().updates;
        info.referenceNote = "a model learned from incomplete designs has no reference overlay";
        info.designSfarmNote = "a model learned from incomplete designs completes pins itself; \"specify next\" needs an mcVAE with a design SFARM";
        m = std::move(next);
        return m->info;
    }
    mcvae::ModelBundle bundle = mcvae::loadBundle(bundlePath);
    const at::Device dev = resolveDevice(device);
    auto next = std::make_unique<Impl>();
    ModelInfo& info = next->info;
    info.name = bundle.name.empty() ? fs::path(bundlePath).stem().string() : bundle.name;
    info.path = bundlePath;
    info.deviceName = dev.str();
    info.schema = bundle.schema;
    info.latentDim = static_cast<int>(bundle.config.latentDim);
    info.completedEpochs = bundle.state.completedEpochs;
    info.epochs = bundle.training.epochs;
    info.history = bundle.state.history;

    const fs::path path(bundlePath);
    std::string note = "no training data found beside the model";
    std::optional<DesignTable> reference = matchingReference(fs::path(path).replace_extension(".csv"), bundle, note);
    if (!reference && !bundle.split.dataFile.empty())
        reference = matchingReference(path.parent_path() / bundle.split.dataFile, bundle, note);
    if (!reference && !bundle.split.dataPath.empty())  // where it was trained from (a Training-dock run)
        reference = matchingReference(bundle.split.dataPath, bundle, note);
    if (reference) {
        for (std::size_t r = 0; r < reference->rows; ++r) {
            std::vector<double> raw(reference->outputDim), normalised(reference->outputDim);
            for (std::size_t d = 0; d < reference->outputDim; ++d) {
                raw[d] = reference->output(r, d);
                normalised[d] = bundle.normalization.outputs.normalise(d, raw[d]);
            }
            next->referenceRaw.push_back(std::move(raw));
            next->referenceNormalised.push_back(std::move(normalised));
        }
    }
    const fs::path sfarmPath = fs::path(path).replace_extension(".sfm");
    std::error_code ec;
    if (fs::is_regular_file(sfarmPath, ec)) {
        try {
            sfarm::DesignSfarm sfarm = sfarm::DesignSfarm::load(sfarmPath.string());
            if (sfarm.schema() == bundle.schema) {
                next->sfarm = std::move(sfarm);
                info.designSfarm = true;
                info.designSfarmNote = "design SFARM " + sfarmPath.filename().string();
            } else {
                info.designSfarmNote = sfarmPath.filename().string() + " was trained for other columns than this model; ignored";
            }
        } catch (const std::exception& e) {
            info.designSfarmNote = e.what();
        }
    } else {
        info.designSfarmNote = "no design SFARM beside the model (" + sfarmPath.filename().string() +
                               "): pins and \"specify next\" are off; make one with maskstudio-cli sfarm design";
    }
    if (reference) {
        // A model saved before schemas recorded whole-number columns: its training data says so.
        for (std::size_t j = 0; j < info.schema.numerical.size() && j < reference->numericalCount; ++j) {
            bool whole = reference->rows > 0;
            for (std::size_t r = 0; r < reference->rows && whole; ++r) {
                const double v = reference->number(r, j);
                whole = !std::isfinite(v) || v == std::round(v);
            }
            if (whole) info.schema.numerical[j].wholeNumbers = true;
        }
        next->reference = std::make_shared<const DesignTable>(std::move(*reference));
    }
    info.referenceRows = next->referenceRaw.size();
    info.referenceNote = note;
    next->generator = std::make_unique<mcvae::DesignGenerator>(std::move(bundle), dev);
    m = std::move(next);  // only a fully loaded model replaces the current one
    return m->info;
}

const sfarm::DesignSfarm& ExploreSession::designSfarm() const {
    if (!m->info.designSfarm) throw std::logic_error("no design SFARM loaded: " + m->info.designSfarmNote);
    return m->sfarm;
}

ExploreSession::DesignSfarmJob ExploreSession::designSfarmJob() const {
    if (!m->generator || !m->reference) throw std::logic_error("no training designs beside the model: " + m->info.referenceNote);
    return {m->info.path, m->info.schema, m->reference};
}

std::optional<ExploreSession::TrainedDesignSfarm> ExploreSession::DesignSfarmJob::run(
    const sfarm::DesignSfarmSettings& settings, const EpochLossFn& onEpoch, const CancelToken& cancel) const {
    TrainedDesignSfarm trained{modelPath, sfarm::DesignSfarm::train(schema, *designs, settings, onEpoch, cancel), {}};
    if (cancel.cancelled()) return std::nullopt;
    const fs::path target = fs::path(modelPath).replace_extension(".sfm");
    try {
        trained.sfarm.save(target.string());
        trained.note = "design SFARM " + target.filename().string() + " (trained here)";
    } catch (const std::exception& e) {
        trained.note = std::string("design SFARM trained for this session only: ") + e.what();
    }
    return trained;
}

bool ExploreSession::installDesignSfarm(TrainedDesignSfarm trained) {
    if (!m->generator || trained.modelPath != m->info.path) return false;
    m->sfarm = std::move(trained.sfarm);
    m->info.designSfarm = true;
    m->info.designSfarmNote = trained.note;
    return true;
}

const ModelInfo& ExploreSession::trainDesignSfarm(const sfarm::DesignSfarmSettings& settings,
                                                  const EpochLossFn& onEpoch, const CancelToken& cancel) {
    if (auto trained = designSfarmJob().run(settings, onEpoch, cancel)) installDesignSfarm(std::move(*trained));
    return m->info;
}

bool ExploreSession::loaded() const { return m->generator != nullptr || m->partial.loaded(); }

const ModelInfo& ExploreSession::info() const { return m->info; }

std::vector<std::vector<double>> ExploreSession::generate(const mcvae::GenerationRequest& request) const {
    if (m->partial.loaded()) {
        const PartialCompletion how = request.latent == mcvae::LatentMode::Zero
                                          ? kPartialMean
                                          : PartialCompletion{kPartialSamples.members, kPartialSamples.steps, request.seed};
        return m->partial.complete(request.conditions, {}, std::max(request.count, 1), how);
    }
    if (!m->generator) throw std::logic_error("no model loaded");
    return m->generator->generate(request);
}

std::optional<std::vector<double>> ExploreSession::nearestReference(const std::vector<double>& design) const {
    if (!m->generator || m->referenceNormalised.empty()) return std::nullopt;
    const MinMaxScaler& scaler = m->generator->bundle().normalization.outputs;
    std::vector<double> query(design.size());
    for (std::size_t d = 0; d < design.size(); ++d) query[d] = scaler.normalise(d, design[d]);
    double best = std::numeric_limits<double>::infinity();
    std::size_t bestRow = 0;
    for (std::size_t r = 0; r < m->referenceNormalised.size(); ++r) {
        const std::vector<double>& row = m->referenceNormalised[r];
        if (row.size() != query.size()) return std::nullopt;
        double dist = 0.0;
        for (std::size_t d = 0; d < row.size() && dist < best; ++d) dist += (row[d] - query[d]) * (row[d] - query[d]);
        if (dist < best) {
            best = dist;
            bestRow = r;
        }
    }
    return m->referenceRaw[bestRow];
}

bool hasPins(const std::vector<double>& pins) {
    return std::any_of(pins.begin(), pins.end(), [](double v) { return std::isfinite(v); });
}

ExploreView ExploreSession::explore(const ExploreQuery& query) const {
    const ModelInfo& model = info();
    const Schema& schema = model.schema;
    const int shown = std::max(query.request.count, 1);
    const int spreadSamples = std::max(shown, kSpreadSamples);
    ExploreView out;
    std::vector<std::vector<double>> samples;
    std::vector<DesignDetails> details;
    out.pinned = hasPins(query.pins);
    if (model.partial) {
        // Completions of the conditions and pins by the model itself; the spread over DDIM draws.
        const PartialCompletion draws{kPartialSamples.members, kPartialSamples.steps, query.request.seed};
        samples = m->partial.complete(query.request.conditions, query.pins, spreadSamples, draws);
        if (query.request.latent == mcvae::LatentMode::Zero)
            out.designs = m->partial.complete(query.request.conditions, query.pins, shown, kPartialMean);
        else
            out.designs.assign(samples.begin(), samples.begin() + shown);
        details.assign(out.designs.size(), designDetailsFrom(query.request.conditions.textByColumn(schema)));
    } else if (out.pinned) {
        if (!model.designSfarm) throw std::runtime_error("Pinned keypoints need a design SFARM: " + model.designSfarmNote);
        // Completions of the pins; unknown conditions are imputed too and drawn as such.
        sfarm::ImputedDesigns imputed = designSfarm().impute({query.request.conditions, query.pins}, spreadSamples, query.request.seed,
                                                             kPinCompletionCalls);
        samples = std::move(imputed.designs);
        for (int i = 0; i < shown; ++i)
            details.push_back(designDetailsFrom(imputed.conditions[static_cast<std::size_t>(i)].textByColumn(schema)));
    } else {
        out.designs = generate(query.request);
        // Rim styles and bottles come from the conditions (unknown ones draw the defaults).
        details.assign(out.designs.size(), designDetailsFrom(query.request.conditions.textByColumn(schema)));
        if (query.request.latent == mcvae::LatentMode::Sample && shown >= kSpreadSamples) {
            samples = out.designs;  // the shown samples are the spread
        } else {
            mcvae::GenerationRequest spreadRequest = query.request;
            spreadRequest.count = spreadSamples;
            spreadRequest.latent = mcvae::LatentMode::Sample;
            samples = generate(spreadRequest);
        }
    }
    if (!schema.keypoints.empty()) out.spread = keypointSpread(schema, samples);
    if (out.pinned && !model.partial) {
        samples.resize(static_cast<std::size_t>(shown));
        out.designs = std::move(samples);
    }
    out.drawings.reserve(out.designs.size());
    for (std::size_t i = 0; i < out.designs.size(); ++i)
        out.drawings.push_back(drawDesign(schema, out.designs[i], query.withLabels, details[i]));
    if (query.suggest && model.designSfarm) {
        const sfarm::PartialDesign partial{query.request.conditions, query.pins};
        out.suggestions = designSfarm().rankUnknownConditions(partial, query.spreadTarget);
        out.designSpread = designSfarm().spread(partial, query.spreadTarget);
    }
    if (query.withReference && !out.designs.empty()) {
        if (auto nearest = nearestReference(out.designs.front())) {
            out.referenceDesign = std::move(*nearest);
            out.referenceDrawing = drawDesign(schema, out.referenceDesign, false, details.front());
        }
    }
    return out;
}

}  // namespace ms::api
