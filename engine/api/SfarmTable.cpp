#include "api/SfarmTable.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <iomanip>
#include <locale>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/data/CsvReader.h"
#include "core/data/DataError.h"
#include "core/data/NumberText.h"
#include "core/data/RepeatedValues.h"
#include "core/data/UnknownCell.h"
#include "core/math/GaussianConditional.h"
#include "core/io/ArchiveFile.h"
#include "core/io/BackgroundWriter.h"
#include "distributed/GlooGroup.h"
#include "core/io/BundleError.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "core/tuning/SuccessiveHalving.h"
#include "sfarm/ElementScaling.h"
#include "sfarm/SfarmAcquisition.h"
#include "sfarm/SfarmInference.h"
#include "sfarm/SfarmInformationGain.h"
#include "sfarm/SfarmMlp.h"
#include "sfarm/SfarmModelFile.h"
#include "sfarm/SfarmTrainer.h"

namespace ms::api {
namespace {

// The most classes a text column may have to be modelled as a categorical element.
constexpr std::size_t kMaxTextClasses = 64;

bool columnIsNumeric(const CsvTable& t, std::size_t c) {
    bool any = false;
    for (const auto& row : t.rows) {
        if (isUnknownCell(row[c])) continue;
        if (parseNumber(row[c]).kind != NumberKind::Finite) return false;
        any = true;
    }
    return any;
}

// The distinct texts of a column (sorted), and how many cells are filled.
std::pair<std::vector<std::string>, std::size_t> textClasses(const CsvTable& t, std::size_t c) {
    std::set<std::string> classes;
    std::size_t filled = 0;
    for (const auto& row : t.rows) {
        if (isUnknownCell(row[c])) continue;
        classes.insert(row[c]);
        ++filled;
    }
    return {std::vector<std::string>(classes.begin(), classes.end()), filled};
}

// Which columns SFARM models and how: numbers as numeric elements, text with a few repeated
// classes as categorical ones; identifiers, free text and constant columns are left out.
struct ColumnPlan {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> classNames;  // per column; empty = numeric
    std::vector<std::string> ignored;
};

ColumnPlan planColumns(const CsvTable& t, const std::vector<std::string>& requested, bool textColumns) {
    ColumnPlan plan;
    const auto add = [&](std::size_t c, bool explicitly) {
        const std::string& name = t.header[c];
        if (columnIsNumeric(t, c)) {
            plan.columns.push_back(name);
            plan.classNames.emplace_back();
            return;
        }
        auto [classes, filled] = textClasses(t, c);
        const bool categorical = classes.size() >= 2 && classes.size() <= kMaxTextClasses && 2 * classes.size() <= filled;
        if (explicitly && !categorical)
            throw DataError(t.path, 1, name,
                            classes.size() < 2 ? "has fewer than two distinct values: nothing to model"
                                               : "is text with " + std::to_string(classes.size()) + " distinct values in " +
                                                     std::to_string(filled) + " filled cells: too many to model as classes (at most " +
                                                     std::to_string(kMaxTextClasses) + ", each seen twice on average)");
        if (categorical && (textColumns || explicitly)) {
            plan.columns.push_back(name);
            plan.classNames.push_back(std::move(classes));
        } else {
            plan.ignored.push_back(name);
        }
    };
    if (requested.empty()) {
        for (std::size_t c = 0; c < t.header.size(); ++c) add(c, false);
    } else {
        for (const std::string& name : requested) {
            const int c = t.columnIndex(name);
            if (c < 0) throw DataError(t.path, 1, name, "--columns names a column this CSV does not have");
            add(static_cast<std::size_t>(c), true);
        }
    }
    return plan;
}

// The columns' values (NaN where unknown; categorical: the class index) and the observed mask, [N, S].
struct TableValues {
    at::Tensor x;         // float, raw units
    at::Tensor observed;  // bool
};

TableValues valuesOf(const CsvTable& t, const std::vector<std::string>& columns, const std::vector<std::vector<std::string>>& classNames) {
    const auto n = static_cast<int64_t>(t.rows.size());
    const auto s = static_cast<int64_t>(columns.size());
    at::Tensor x = at::full({n, s}, std::numeric_limits<float>::quiet_NaN());
    at::Tensor observed = at::zeros({n, s}, at::kBool);
    auto xa = x.accessor<float, 2>();
    auto oa = observed.accessor<bool, 2>();
    for (int64_t j = 0; j < s; ++j) {
        const auto jj = static_cast<std::size_t>(j);
        const int c = t.columnIndex(columns[jj]);
        if (c < 0) throw DataError(t.path, 1, columns[jj], "the model's column is missing from this CSV");
        const std::vector<std::string>* classes = jj < classNames.size() && !classNames[jj].empty() ? &classNames[jj] : nullptr;
        for (int64_t i = 0; i < n; ++i) {
            const std::string& cell = t.rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(c)];
            if (isUnknownCell(cell)) continue;  // unobserved: the normal case
            const long line = t.lineNumbers[static_cast<std::size_t>(i)];
            if (classes) {
                const auto at = std::lower_bound(classes->begin(), classes->end(), cell);
                if (at == classes->end() || *at != cell)
                    throw DataError(t.path, line, columns[jj],
                                    "'" + cell + "' is not one of the " + std::to_string(classes->size()) +
                                        " classes the model was trained on (leave the cell empty for an unknown value)");
                xa[i][j] = static_cast<float>(at - classes->begin());
            } else {
                const ParsedNumber v = parseNumber(cell);
                if (v.kind != NumberKind::Finite)
                    throw DataError(t.path, line, columns[jj],
                                    "'" + cell + "' is not a number (leave the cell empty for an unknown value)");
                xa[i][j] = static_cast<float>(v.value);
            }
            oa[i][j] = true;
        }
    }
    return {x, observed};
}

TableValues valuesOf(const CsvTable& t, const sfarm::SfarmModelFile& f) { return valuesOf(t, f.columns, f.classNames); }

std::string cellText(double v) {
    std::ostringstream s;
    s.imbue(std::locale::classic());
    s << std::setprecision(7) << v;
    return s.str();
}

}  // namespace

namespace {
std::string describeSfarmSettings(const sfarm::SfarmMlpConfig& c, const sfarm::SfarmTrainingConfig& t) {
    char line[160];
    std::snprintf(line, sizeof line, "hidden %lld, lr %.1e, atoms %s, up to %lld epochs", static_cast<long long>(c.hidden), t.lr,
                  c.atoms.empty() ? "off" : "on", static_cast<long long>(t.epochs));
    return line;
}
}  // namespace

int64_t defaultSfarmHidden(int64_t columns) { return columns <= 12 ? 64 : columns <= 24 ? 128 : 256; }

int64_t defaultSfarmEpochs(int64_t rows, int64_t batchSize) {
    constexpr int64_t kUpdateBudget = 40000;
    const int64_t perEpoch = std::max<int64_t>(1, (rows + batchSize - 1) / std::max<int64_t>(batchSize, 1));
    return std::clamp<int64_t>((kUpdateBudget + perEpoch - 1) / perEpoch, 100, 8000);
}

namespace {

// What `sfarm train` records of its settings in every file it writes, and what --resume reads back.
nlohmann::json sfarmRunSettings(const SfarmTrainRequest& r, const std::vector<std::string>& columns, int64_t hidden, int64_t epochs) {
    return {{"data", r.dataPath}, {"columns", columns}, {"text_columns", r.textColumns}, {"hidden", hidden}, {"max_epochs", epochs},
            {"mixture", r.mixture}, {"atoms_asked", r.atoms}, {"gaussian_path", r.gaussianPath}, {"batch", r.batchSize}, {"lr", r.lr},
            {"cosine_decay", r.cosineDecay}, {"early_stopping", r.earlyStopping}, {"seed", r.seed}, {"integer_columns_asked", r.integerColumns}};
}

// The request a checkpoint's run was started with (its recorded settings; data and output from `r`).
SfarmTrainRequest resumedRequest(const SfarmTrainRequest& r, const nlohmann::json& rec) {
    if (r.tune) throw std::invalid_argument("--resume goes on with one run; --tune searches settings afresh");
    SfarmTrainRequest run = r;
    try {
        run.columns = rec.at("columns").get<std::vector<std::string>>();
        run.textColumns = rec.at("text_columns").get<bool>();
        run.hidden = rec.at("hidden").get<int64_t>();
        run.epochs = rec.at("max_epochs").get<int64_t>();
        run.mixture = rec.at("mixture").get<int64_t>();
        run.atoms = rec.at("atoms_asked").get<bool>();
        run.gaussianPath = rec.at("gaussian_path").get<bool>();
        run.batchSize = rec.at("batch").get<int64_t>();
        run.lr = rec.at("lr").get<double>();
        run.cosineDecay = rec.at("cosine_decay").get<bool>();
        run.earlyStopping = rec.at("early_stopping").get<bool>();
        run.seed = rec.at("seed").get<uint64_t>();
        run.integerColumns = rec.at("integer_columns_asked").get<bool>();
    } catch (const std::exception& e) {
        throw BundleError(r.resumeFrom + ": the run's settings are not recorded (" + e.what() + "); train afresh");
    }
    return run;
}

}  // namespace

SfarmTrainResult trainSfarmOnCsv(const SfarmTrainRequest& request, const EpochLossFn& onEpoch,
                                 const CancelToken& cancel, const std::function<void(const SfarmTuneTrial&)>& onTuneTrial) {
    if (request.outPath.empty()) throw std::invalid_argument("no output path for the SFARM model");
    const Stopwatch t0;
    // --resume: the checkpoint's network and progress, and the settings its run was started with
    std::optional<sfarm::SfarmModelFile> checkpoint;
    if (!request.resumeFrom.empty()) {
        checkpoint = sfarm::loadSfarmModel(request.resumeFrom);
        if (!checkpoint->progress)
            throw std::invalid_argument(request.resumeFrom + ": a finished SFARM model, not a run's checkpoint: nothing to resume");
    }
    const SfarmTrainRequest r = checkpoint ? resumedRequest(request, checkpoint->training) : request;
    const CsvTable t = readCsvFile(r.dataPath);
    // Several ranks: join them once the table reads (a bad file is named before anyone waits).
    if (request.distributed.distributed() && request.tune)
        throw std::invalid_argument("--tune runs on one process: leave out the distributed settings");
    const std::unique_ptr<distributed::GlooGroup> ranks = distributed::joinRanks(request.distributed);
    const bool writesFiles = !ranks || ranks->rank() == 0;
    SfarmTrainResult result;
    const ColumnPlan plan = planColumns(t, r.columns, r.textColumns);
    const bool sameClasses = checkpoint && (checkpoint->classNames.empty()
                                                ? std::all_of(plan.classNames.begin(), plan.classNames.end(), [](const auto& c) { return c.empty(); })
                                                : plan.classNames == checkpoint->classNames);
    if (checkpoint && (plan.columns != checkpoint->columns || !sameClasses ||
                       static_cast<int64_t>(t.rows.size()) != checkpoint->training.value("rows", int64_t{-1})))
        throw DataError(r.dataPath, 1, "", "not the table the checkpoint " + r.resumeFrom +
                                               " was trained on (other columns, classes or rows): train afresh");
    result.columns = plan.columns;
    result.ignoredColumns = plan.ignored;
    if (result.columns.size() < 2) throw DataError(r.dataPath, 1, "", "SFARM needs at least two columns of numbers or classes");
    const TableValues v = valuesOf(t, plan.columns, plan.classNames);
    sfarm::SfarmModelFile f;
    f.columns = result.columns;
    sfarm::SfarmMlpConfig mc;
    mc.elements = static_cast<int64_t>(result.columns.size());
    mc.classes.assign(result.columns.size(), 0);
    for (std::size_t j = 0; j < plan.classNames.size(); ++j)
        if (!plan.classNames[j].empty()) {
            mc.classes[j] = static_cast<int64_t>(plan.classNames[j].size());
            result.categoricalColumns.push_back(result.columns[j]);
        }
    if (result.categoricalColumns.empty()) mc.classes.clear();
    else f.classNames = plan.classNames;
    if (r.integerColumns) mc.levels = sfarm::integerLevels(v.x, v.observed, mc.classes);
    for (std::size_t j = 0; j < mc.levels.size(); ++j)
        if (mc.levels[j] > 0) result.integerColumns.push_back(result.columns[j]);
    sfarm::setElementScaling(f, v.x, v.observed, mc.classes, mc.levels);
    const at::Tensor xs = sfarm::standardise(v.x, f);
    mc.hidden = r.hidden > 0 ? r.hidden : defaultSfarmHidden(mc.elements);
    mc.mixture = r.mixture;
    mc.gaussianPath = r.gaussianPath;
    std::vector<std::vector<double>> atomLists;
    {
        std::vector<bool> skip(result.columns.size(), false);
        for (std::size_t j = 0; j < skip.size(); ++j) skip[j] = mc.integer(static_cast<int64_t>(j)) || mc.categorical(static_cast<int64_t>(j));
        atomLists = repeatedValues(xs, v.observed, skip);
        if (std::all_of(atomLists.begin(), atomLists.end(), [](const auto& a) { return a.empty(); })) atomLists.clear();
    }
    sfarm::SfarmTrainingConfig tc;
    const auto rows = static_cast<int64_t>(t.rows.size());
    tc.epochs = r.epochs > 0 ? r.epochs : defaultSfarmEpochs(rows, r.batchSize);
    tc.batchSize = r.batchSize;
    tc.lr = r.lr;
    tc.cosineDecay = r.cosineDecay;
    tc.seed = r.seed;
    tc.group = ranks.get();
    at::Tensor trainObserved = v.observed;
    std::optional<sfarm::SfarmValidation> validation;
    if (r.earlyStopping || r.tune) {
        // Hold out a tenth of the observed cells (every row keeps at least one as context) and
        // keep the weights that fill them best: small tables overfit long before the update
        // budget is spent, large ones are still improving at its end.
        std::mt19937_64 rng(r.seed + 11);
        std::bernoulli_distribution pick(0.1);
        at::Tensor held = at::zeros_like(v.observed);
        auto ha = held.accessor<bool, 2>();
        auto oa = v.observed.accessor<bool, 2>();
        for (int64_t i = 0; i < rows; ++i) {
            int64_t left = 0;
            for (int64_t j = 0; j < mc.elements; ++j) left += oa[i][j];
            for (int64_t j = 0; j < mc.elements; ++j)
                if (oa[i][j] && left > 1 && pick(rng)) {
                    ha[i][j] = true;
                    --left;
                }
        }
        if (held.any().item<bool>()) {
            trainObserved = v.observed & ~held;
            sfarm::SfarmValidation val;
            val.x = at::where(v.observed, xs, at::zeros_like(xs));
            val.context = trainObserved;
            val.target = held;
            val.patience = 12;
            // With the Gaussian path the conditional means are good from the first epoch, and the
            // point error bottoms out long before the spreads are learnt (acquisition and scores
            // need them: a model kept at its best point error ranked columns with a third of
            // their information). The held-out log-likelihood judges both.
            val.metric = mc.gaussianPath ? sfarm::SfarmValidationMetric::Nll : sfarm::SfarmValidationMetric::PointError;
            validation = val;
        } else if (r.tune) {
            throw DataError(r.dataPath, 1, "", "too few observed cells to hold some out for --tune");
        }
    }
    // The Gaussian path: a normal fitted by EM to the training cells (never the held-out ones) of
    // the non-categorical columns.
    GaussianFit gaussian;
    if (mc.gaussianPath) {
        at::Tensor fitted = trainObserved.clone();
        for (int64_t j = 0; j < mc.elements; ++j)
            if (mc.categorical(j)) fitted.select(1, j).fill_(false);
        gaussian = fitGaussianWithGaps(xs, fitted);
    }
    // One model with these settings, early-stopped on the held-out cells when there are any.
    struct Fit {
        sfarm::SfarmMlp model{nullptr};
        sfarm::SfarmMlpConfig config;
        sfarm::SfarmTrainingConfig training;
        std::vector<sfarm::SfarmEpoch> history;
        int64_t bestEpoch = 0;
        double validationError = std::numeric_limits<double>::infinity();
    };
    // The run's settings as every file of it records them (--resume reads them back).
    const nlohmann::json runSettings = [&] {
        nlohmann::json j = sfarmRunSettings(r, result.columns, mc.hidden, tc.epochs);
        j["rows"] = static_cast<int64_t>(t.rows.size());
        return j;
    }();
    // The run's checkpoints (a plain run; a settings search's trials are short and not resumed):
    // after every epoch, and every checkpointSeconds inside one, the file is rewritten with the
    // current weights and the progress, on a thread of its own; an epoch shorter than a write
    // skips its checkpoint instead of waiting.
    sfarm::SfarmRunProgress runProgress = checkpoint ? *checkpoint->progress : sfarm::SfarmRunProgress{};
    result.resumedFromEpoch = runProgress.epochsDone;
    result.resumedRowsDone = runProgress.position.defined() ? runProgress.position.rowsDone : 0;
    BackgroundWriter checkpoints;
    const auto writeCheckpoint = [&](const sfarm::SfarmMlp& model) {
        sfarm::SfarmModelFile snapshot = f;
        snapshot.model = model;
        snapshot.training = runSettings;
        snapshot.progress = runProgress;
        auto archive = sfarm::sfarmModelArchive(snapshot);
        checkpoints.submit([archive, path = r.outPath] { saveArchiveAtomically(*archive, path, "SFARM model"); });
    };
    const auto fit = [&](const sfarm::SfarmMlpConfig& config, const sfarm::SfarmTrainingConfig& training,
                         const EpochLossFn& epochs, const CancelToken& stop, sfarm::SfarmRunProgress* progress) {
        Fit out;
        out.config = config;
        out.training = training;
        out.model = buildSeeded(training.seed, [&] { return sfarm::SfarmMlp(config); });
        if (config.gaussianPath) out.model->setGaussianPath(gaussian);
        if (progress && checkpoint) {  // resumed: the checkpoint's current weights
            at::NoGradGuard noGrad;
            const auto from = checkpoint->model->named_parameters();
            for (auto& p : out.model->named_parameters()) {
                const at::Tensor* w = from.find(p.key());
                if (!w || !w->sizes().equals(p.value().sizes()))
                    throw BundleError(r.resumeFrom + ": its network does not match the run's settings (" + p.key() + ")");
                p.value().copy_(*w);
            }
            out.bestEpoch = progress->bestEpoch;
            out.validationError = progress->bestScore;
        }
        std::optional<sfarm::SfarmValidation> val = validation;
        if (val) val->every = std::max<int64_t>(1, training.epochs / 50);
        const auto checkpoint = [&] {
            if (progress && r.checkpoints && writesFiles && !checkpoints.busy()) writeCheckpoint(out.model);
        };
        out.history = sfarm::trainSfarm(*out.model, sfarm::ElementGrid{1, config.elements}, xs, trainObserved, training,
                                 [&](const sfarm::SfarmEpoch& e) {
                                     if (e.best) {
                                         out.bestEpoch = e.epoch;
                                         out.validationError = e.validationNll;
                                     }
                                     checkpoint();
                                     if (epochs) epochs(e.epoch, e.loss);
                                 },
                                 stop, val ? &*val : nullptr, progress,
                                 MidEpochCheckpoints{r.checkpointSeconds, [&](const EpochPosition&) { checkpoint(); }});
        return out;
    };
    Fit chosen;
    if (!r.tune) {
        sfarm::SfarmMlpConfig config = mc;
        if (r.atoms) config.atoms = atomLists;
        const Stopwatch training;
        chosen = fit(config, tc, onEpoch, cancel, &runProgress);
        result.trainingSeconds = training.seconds();
        checkpoints.finish();  // before the final file, which no checkpoint may overwrite
    } else {
        // The same successive halving as `tune`: hidden units, learning rate and atoms on or off,
        // the epochs chosen by early stopping within each trial's share of the budget (a trial is
        // trained afresh for each rung: SFARM runs are short).
        struct Candidate : HalvingTrial {
            std::function<Fit(double, const CancelToken&)> train;
            Fit best;
            double trainTo(double fraction, const CancelToken& stop) override {
                best = train(fraction, stop);
                return best.validationError;
            }
        };
        const auto settingsOf = [&](int trial) {
            sfarm::SfarmMlpConfig config = mc;
            sfarm::SfarmTrainingConfig training = tc;
            if (trial > 0) {
                std::mt19937_64 rng(r.seed * 7919ULL + static_cast<uint64_t>(trial));
                const auto u = [&] { return static_cast<double>(rng() >> 11) * 0x1.0p-53; };
                config.hidden = std::clamp<int64_t>(std::llround(std::exp(std::log(32.0) + u() * std::log(16.0))), 32, 512);
                training.lr = std::exp(std::log(3e-4) + u() * std::log(10.0));
                config.atoms = u() < 0.5 ? atomLists : std::vector<std::vector<double>>{};
            } else if (r.atoms) {
                config.atoms = atomLists;  // trial 0: the request's own settings
            }
            return std::make_pair(config, training);
        };
        std::vector<std::unique_ptr<HalvingTrial>> kept;
        HalvingSettings hs;
        hs.rungs = 2;
        hs.trials = r.tuneTrials;
        hs.workers = 2;
        hs.onWorkerStart = [] { at::set_num_threads(1); };
        const HalvingOutcome h = runSuccessiveHalving(
            [&](int id) {
                auto c = std::make_unique<Candidate>();
                const auto [config, training] = settingsOf(id);
                c->train = [&fit, config = config, training = training](double fraction, const CancelToken& stop) {
                    sfarm::SfarmTrainingConfig staged = training;
                    staged.epochs = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(fraction * static_cast<double>(training.epochs))));
                    return fit(config, staged, {}, stop, nullptr);
                };
                return c;
            },
            hs,
            [&](const HalvingRecord& rec) {
                result.tuneTrials.push_back({rec.trial, rec.rung, rec.score, describeSfarmSettings(settingsOf(rec.trial).first, settingsOf(rec.trial).second)});
                if (onTuneTrial) onTuneTrial(result.tuneTrials.back());
            },
            cancel, &kept);
        if (h.ranking.empty()) throw std::runtime_error("the SFARM settings search stopped before any trial was scored");
        chosen = static_cast<Candidate&>(*kept[static_cast<std::size_t>(h.ranking.front())]).best;
        result.tunedSettings = describeSfarmSettings(chosen.config, chosen.training);
    }
    f.model = chosen.model;
    mc = chosen.config;
    for (std::size_t j = 0; j < mc.atoms.size(); ++j)
        if (!mc.atoms[j].empty()) result.atomColumns.emplace_back(result.columns[j], static_cast<int64_t>(mc.atoms[j].size()));
    result.bestEpoch = chosen.bestEpoch;
    result.validationError = std::isfinite(chosen.validationError) ? chosen.validationError : 0.0;
    // Whatever judged the weights (the log-likelihood with the Gaussian path), their point error
    // is what a user reads.
    if (validation && chosen.model)
        result.heldOutPointError = sfarm::sfarmPointError(*chosen.model, validation->x, validation->context, validation->target);
    if (!std::isfinite(result.heldOutPointError)) result.heldOutPointError = 0.0;
    tc = chosen.training;
    const auto& history = chosen.history;
    f.model->eval();
    result.rows = static_cast<int64_t>(t.rows.size());
    result.epochs = r.tune ? static_cast<int64_t>(history.size()) : runProgress.epochsDone;
    result.finalLoss = history.empty() ? 0.0 : history.back().loss;
    result.observedFraction = v.observed.to(at::kDouble).mean().item<double>();
    result.seconds = t0.seconds();
    f.training = runSettings;  // what --resume reads back
    f.training.update({{"epochs", result.epochs}, {"hidden", mc.hidden},
                  {"max_epochs", tc.epochs}, {"best_epoch", result.bestEpoch}, {"validation_error", result.validationError}, {"heldout_point_error", result.heldOutPointError},
                  {"atoms", !mc.atoms.empty()}, {"lr", tc.lr}, {"tuned", r.tune}, {"final_loss", result.finalLoss},
                  {"observed_fraction", result.observedFraction}, {"integer_columns", result.integerColumns},
                  {"categorical_columns", result.categoricalColumns}, {"resumed_from_epoch", result.resumedFromEpoch},
                  {"resumed_rows_done", result.resumedRowsDone},
                  {"cancelled", cancel.cancelled()}});
    // Cancelled, a plain run stays resumable (from its best weights so far, which are the model's
    // now); finished, the file is a plain model.
    // (Data parallel, a cancel on any rank stops them all: short of its epochs and not stopped
    // early, the run was cancelled somewhere.)
    if (!r.tune && (cancel.cancelled() || ranks) && !runProgress.stoppedEarly && runProgress.epochsDone < tc.epochs)
        f.progress = runProgress;
    if (writesFiles) sfarm::saveSfarmModel(f, r.outPath);
    return result;
}

SfarmImputeResult imputeCsvWithSfarm(const std::string& modelPath, const std::string& dataPath, const std::string& outPath,
                                     bool sample, uint64_t seed, bool wholeNumbers) {
    const sfarm::SfarmModelFile f = sfarm::loadSfarmModel(modelPath);
    CsvTable t = readCsvFile(dataPath);
    const TableValues v = valuesOf(t, f);
    std::mt19937_64 rng(seed);
    sfarm::ImputeSettings settings;
    settings.sample = sample;
    // The point estimate is the mean of p(x_k | observed) for every empty cell at once (one call:
    // the network's conditional given exactly what the row observes), which minimises the
    // expected squared error; filling one cell after another from means would condition later
    // cells on earlier guesses as if they were measured.
    if (!sample) settings.steps = 1;
    const at::Tensor xs = sfarm::standardise(v.x, f);
    const at::Tensor filled = sfarm::sfarmImpute(*f.model, sfarm::ElementGrid{1, static_cast<int64_t>(f.columns.size())}, xs, v.observed,
                                          settings, rng).to(at::kDouble);
    SfarmImputeResult result;
    result.rows = static_cast<int64_t>(t.rows.size());
    auto fa = filled.accessor<double, 2>();
    auto oa = v.observed.accessor<bool, 2>();
    for (std::size_t j = 0; j < f.columns.size(); ++j) {
        const auto c = static_cast<std::size_t>(t.columnIndex(f.columns[j]));
        for (std::size_t i = 0; i < t.rows.size(); ++i) {
            if (oa[static_cast<int64_t>(i)][static_cast<int64_t>(j)]) continue;  // the user's text stays as written
            const double standardised = fa[static_cast<int64_t>(i)][static_cast<int64_t>(j)];
            if (j < f.classNames.size() && !f.classNames[j].empty()) {
                const auto k = std::clamp<int64_t>(std::llround(standardised), 0, static_cast<int64_t>(f.classNames[j].size()) - 1);
                t.rows[i][c] = f.classNames[j][static_cast<std::size_t>(k)];
                ++result.filled;
                continue;
            }
            t.rows[i][c] = cellText(sfarm::rawValue(f, j, standardised, sample || wholeNumbers));
            ++result.filled;
        }
    }
    writeCsvFile(outPath, t.header, t.rows);
    return result;
}

std::vector<double> scoreCsvWithSfarm(const std::string& modelPath, const std::string& dataPath, int64_t orders, uint64_t seed) {
    const sfarm::SfarmModelFile f = sfarm::loadSfarmModel(modelPath);
    const CsvTable t = readCsvFile(dataPath);
    const TableValues v = valuesOf(t, f);
    std::mt19937_64 rng(seed);
    const at::Tensor none = at::zeros_like(v.observed);
    const at::Tensor ll = sfarm::sfarmLogLikelihood(*f.model, sfarm::standardise(v.x, f).nan_to_num(0.0), none, v.observed, orders, rng);
    return std::vector<double>(ll.data_ptr<double>(), ll.data_ptr<double>() + ll.numel());
}

std::vector<SfarmAcquisition> acquireWithSfarm(const std::string& modelPath, const std::string& dataPath, int64_t row,
                                               const std::string& target, int64_t samples, uint64_t seed) {
    const sfarm::SfarmModelFile f = sfarm::loadSfarmModel(modelPath);
    const CsvTable t = readCsvFile(dataPath);
    if (row < 0 || row >= static_cast<int64_t>(t.rows.size()))
        throw std::invalid_argument(dataPath + ": no data row " + std::to_string(row) + " (it has " + std::to_string(t.rows.size()) + ")");
    int64_t targetIndex = -1;
    for (std::size_t j = 0; j < f.columns.size(); ++j)
        if (f.columns[j] == target) targetIndex = static_cast<int64_t>(j);
    if (targetIndex < 0) throw std::invalid_argument("target '" + target + "' is not one of the model's columns");
    const TableValues v = valuesOf(t, f);
    std::vector<bool> observed;
    for (std::size_t j = 0; j < f.columns.size(); ++j) observed.push_back(v.observed[row][static_cast<int64_t>(j)].item<bool>());
    if (observed[static_cast<std::size_t>(targetIndex)])
        throw std::invalid_argument("row " + std::to_string(row) + " already observes the target '" + target + "'");
    std::mt19937_64 rng(seed);
    const at::Tensor xs = sfarm::standardise(v.x, f).nan_to_num(0.0).select(0, row);
    std::vector<SfarmAcquisition> out;
    const sfarm::SfarmMlpConfig& c = f.model->config();
    if (!c.components() && !c.integer(targetIndex) && !c.categorical(targetIndex)) {
        // One Gaussian per element: the closed-form KL between the target's Gaussians.
        for (const auto& s : sfarm::rankAcquisition(f.model, xs, observed, targetIndex, samples, rng))
            out.push_back({f.columns[static_cast<std::size_t>(s.element)], s.information});
        return out;
    }
    // Atoms, mixtures, integer or categorical targets: the Monte Carlo estimate.
    at::Tensor seen = at::zeros({c.elements}, at::kBool), wanted = at::zeros({c.elements}, at::kBool);
    for (std::size_t j = 0; j < observed.size(); ++j) seen[static_cast<int64_t>(j)] = static_cast<bool>(observed[j]);
    wanted[targetIndex] = true;
    sfarm::InformationGainSettings settings;
    settings.samples = samples;
    for (const auto& s : sfarm::rankByInformationGain(*f.model, xs, seen, wanted, {}, settings, rng))
        out.push_back({f.columns[static_cast<std::size_t>(s.element)], s.information});
    return out;
}

}  // namespace ms::api
