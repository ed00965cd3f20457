#include "sfarm/DesignSfarm.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <stdexcept>

#include "core/data/RepeatedValues.h"
#include "core/data/SchemaJson.h"
#include "core/io/BundleError.h"
#include "core/runtime/TorchRuntime.h"
#include "sfarm/ElementScaling.h"
#include "sfarm/SfarmInference.h"
#include "sfarm/SfarmMlp.h"
#include "sfarm/SfarmModelFile.h"
#include "sfarm/SfarmTrainer.h"

namespace ms::sfarm {

namespace {

// Probabilists' Gauss-Hermite rule with 5 nodes: E[f(Z)], Z ~ N(0, 1), ~= sum w_i f(z_i).
constexpr double kHermiteNodes[5] = {-2.856970013872806, -1.355626179974266, 0.0, 1.355626179974266, 2.856970013872806};
constexpr double kHermiteWeights[5] = {0.011257411327721, 0.222075922005613, 0.533333333333333, 0.222075922005613,
                                       0.011257411327721};

// Element layout: [outputs..., categorical conditions..., numerical conditions...].
struct Layout {
    int64_t outputs = 0, categorical = 0, numerical = 0;
    int64_t size() const { return outputs + categorical + numerical; }
    int64_t categoricalElement(int64_t c) const { return outputs + c; }
    int64_t numericalElement(int64_t c) const { return outputs + categorical + c; }
    int64_t conditionElement(int condition) const { return outputs + condition; }
};

Layout layoutOf(const Schema& s) {
    return {static_cast<int64_t>(s.outputDim()), static_cast<int64_t>(s.categorical.size()),
            static_cast<int64_t>(s.numerical.size())};
}

// Completions draw every free element within 2 sd of its conditional and inside the training
// range widened by 10 % on each side: a pin in a rare place can otherwise lead the network to
// extrapolate, and now and then a completion had a keypoint metres away (seen on the bike with
// the saddle pinned at (560, 1000)).
ImputeSettings completionSettings(const SfarmModelFile& f, int steps) {
    ImputeSettings s;
    s.steps = steps;
    s.truncation = 2.0;
    boundToTrainingRange(s, f, 0.1);
    return s;
}

}  // namespace

struct DesignSfarm::Impl {
    SfarmModelFile file;
    Schema schema;
    Layout layout;

    // One partial design as a standardised row and its observed flags.
    void encode(const PartialDesign& p, at::Tensor& x, at::Tensor& observed) const {
        const int64_t S = layout.size();
        if (!p.outputs.empty() && static_cast<int64_t>(p.outputs.size()) != layout.outputs)
            throw std::invalid_argument("pinned outputs: expected " + std::to_string(layout.outputs) + " values, got " +
                                        std::to_string(p.outputs.size()));
        if (static_cast<int64_t>(p.conditions.categorical.size()) != layout.categorical ||
            static_cast<int64_t>(p.conditions.numerical.size()) != layout.numerical)
            throw std::invalid_argument("the conditions do not match the SFARM's schema");
        x = at::zeros({1, S});
        observed = at::zeros({1, S}, at::kBool);
        auto xa = x.accessor<float, 2>();
        auto oa = observed.accessor<bool, 2>();
        auto set = [&](int64_t k, double raw) {
            xa[0][k] = static_cast<float>((raw - file.mean[static_cast<size_t>(k)]) / file.sd[static_cast<size_t>(k)]);
            oa[0][k] = true;
        };
        for (int64_t d = 0; d < layout.outputs && !p.outputs.empty(); ++d)
            if (std::isfinite(p.outputs[static_cast<size_t>(d)])) set(d, p.outputs[static_cast<size_t>(d)]);
        for (int64_t c = 0; c < layout.categorical; ++c) {
            const int cls = p.conditions.categorical[static_cast<size_t>(c)];
            if (cls < 0) continue;
            if (cls >= static_cast<int>(schema.categorical[static_cast<size_t>(c)].classes.size()))
                throw std::invalid_argument(schema.categorical[static_cast<size_t>(c)].column + ": class index out of range");
            xa[0][layout.categoricalElement(c)] = static_cast<float>(cls);
            oa[0][layout.categoricalElement(c)] = true;
        }
        for (int64_t c = 0; c < layout.numerical; ++c) {
            const double v = p.conditions.numerical[static_cast<size_t>(c)];
            if (std::isfinite(v)) set(layout.numericalElement(c), v);
        }
    }

    double raw(int64_t k, float standardised) const { return rawValue(file, static_cast<size_t>(k), standardised); }

    // One forward at the step after the observed ones: every unobserved element's conditional
    // given the observed ones (the ARDM marginals), for a batch of rows with equal counts.
    ElementPredictions marginals(const at::Tensor& x, const at::Tensor& observed) const {
        const at::Tensor active = observed.to(at::kFloat);
        const at::Tensor step = (active.sum(1).to(at::kLong) + 1).clamp_max(layout.size());
        const at::Tensor mode = at::full({x.size(0)}, static_cast<int64_t>(MaskingMode::Random), at::kLong);
        return file.model->forward(x * active, active, step, mode);
    }

    // Per row: sum over the target outputs of the predicted variance, 0 where observed. [B]
    at::Tensor spreads(const ElementPredictions& p, const at::Tensor& observed, const at::Tensor& targetMask) const {
        const at::Tensor variance = (2 * p.logStd.narrow(1, 0, layout.outputs)).exp();
        const at::Tensor free = (~observed.narrow(1, 0, layout.outputs)).to(at::kFloat);
        return (variance * free * targetMask).sum(1).to(at::kDouble);
    }

    at::Tensor targetMask(const std::vector<int>& targets) const {
        if (targets.empty()) return at::ones({1, layout.outputs});
        at::Tensor mask = at::zeros({1, layout.outputs});
        for (int t : targets) {
            if (t < 0 || t >= layout.outputs) throw std::invalid_argument("target output " + std::to_string(t) + " out of range");
            mask[0][t] = 1.0f;
        }
        return mask;
    }
};

DesignSfarm::DesignSfarm() : m(std::make_unique<Impl>()) {}
DesignSfarm::~DesignSfarm() = default;
DesignSfarm::DesignSfarm(DesignSfarm&&) noexcept = default;
DesignSfarm& DesignSfarm::operator=(DesignSfarm&&) noexcept = default;

bool DesignSfarm::loaded() const { return m && m->file.model; }
const Schema& DesignSfarm::schema() const { return m->schema; }
int64_t DesignSfarm::epochsTrained() const { return m->file.training.value("epochs", int64_t{0}); }

DesignSfarm DesignSfarm::train(const Schema& schema, const DesignTable& table, const DesignSfarmSettings& settings,
                               const EpochLossFn& onEpoch, const CancelToken& cancel) {
    if (table.rows < 2) throw std::invalid_argument("the design SFARM needs at least two designs to train on");
    if (table.outputDim != schema.outputDim()) throw std::invalid_argument("the table does not match the schema");
    DesignSfarm result;
    Impl& r = *result.m;
    r.schema = schema;
    r.layout = layoutOf(schema);
    const Layout& L = r.layout;
    const auto N = static_cast<int64_t>(table.rows);
    at::Tensor x = at::zeros({N, L.size()});
    at::Tensor observed = at::zeros({N, L.size()}, at::kBool);
    auto xa = x.accessor<float, 2>();
    auto oa = observed.accessor<bool, 2>();
    for (int64_t i = 0; i < N; ++i) {
        const auto row = static_cast<std::size_t>(i);
        for (int64_t d = 0; d < L.outputs; ++d) {  // an unmeasured output (NaN) is an unobserved element
            const double v = table.output(row, static_cast<std::size_t>(d));
            if (!std::isfinite(v)) continue;
            xa[i][d] = static_cast<float>(v);
            oa[i][d] = true;
        }
        for (int64_t c = 0; c < L.categorical; ++c) {
            const int cls = table.category(row, static_cast<std::size_t>(c));
            if (cls == DesignTable::kUnknownClass) continue;
            xa[i][L.categoricalElement(c)] = static_cast<float>(cls);
            oa[i][L.categoricalElement(c)] = true;
        }
        for (int64_t c = 0; c < L.numerical; ++c) {
            const double v = table.number(row, static_cast<std::size_t>(c));
            if (!std::isfinite(v)) continue;
            xa[i][L.numericalElement(c)] = static_cast<float>(v);
            oa[i][L.numericalElement(c)] = true;
        }
    }
    SfarmMlpConfig config;
    config.elements = L.size();
    config.hidden = settings.hidden;
    config.classes.assign(static_cast<size_t>(L.size()), 0);
    for (int64_t c = 0; c < L.categorical; ++c)
        config.classes[static_cast<size_t>(L.categoricalElement(c))] =
            std::max<int64_t>(2, static_cast<int64_t>(schema.categorical[static_cast<size_t>(c)].classes.size()));
    for (int64_t k = 0; k < L.size(); ++k)
        r.file.columns.push_back(k < L.outputs ? "output " + std::to_string(k)
                                 : k < L.outputs + L.categorical
                                     ? schema.categorical[static_cast<size_t>(k - L.outputs)].column
                                     : schema.numerical[static_cast<size_t>(k - L.outputs - L.categorical)].column);
    if (settings.integerConditions) {
        // Whole-number numerical conditions (chainring teeth, a count): integers, whose draws
        // and suggestions are whole numbers. Outputs stay continuous: keypoints written in whole
        // millimetres are still measurements.
        std::vector<int64_t> levels = integerLevels(x, observed, config.classes);
        for (int64_t k = 0; k < L.outputs + L.categorical; ++k) levels[static_cast<size_t>(k)] = 0;
        if (std::any_of(levels.begin(), levels.end(), [](int64_t l) { return l > 0; })) config.levels = levels;
    }
    setElementScaling(r.file, x, observed, config.classes, config.levels);
    x = at::where(observed, standardise(x, r.file), at::zeros_like(x));
    if (settings.atoms) {
        // Values an output or numerical condition repeats (a standard wheel size, a point every
        // design shares) as exact atoms.
        std::vector<bool> skip(static_cast<size_t>(L.size()), false);
        for (int64_t k = 0; k < L.size(); ++k) skip[static_cast<size_t>(k)] = config.categorical(k) || config.integer(k);
        config.atoms = repeatedValues(x, observed, skip);
        if (std::all_of(config.atoms.begin(), config.atoms.end(), [](const std::vector<double>& a) { return a.empty(); }))
            config.atoms.clear();
    }
    r.file.model = buildSeeded(settings.seed, [&] { return SfarmMlp(config); });
    SfarmTrainingConfig tc;
    tc.epochs = settings.epochs;
    tc.batchSize = settings.batchSize;
    tc.lr = settings.lr;
    tc.seed = settings.seed;
    const auto history = trainSfarm(*r.file.model, ElementGrid{1, L.size()}, x, observed, tc,
                                    [&](const SfarmEpoch& e) { if (onEpoch) onEpoch(e.epoch, e.loss); }, cancel);
    r.file.schema = schemaToJson(schema);
    r.file.training = {{"rows", N},
                       {"atoms", settings.atoms},
                       {"integer_conditions", settings.integerConditions},
                       {"epochs", static_cast<int64_t>(history.size())},
                       {"final_loss", history.empty() ? 0.0 : history.back().loss},
                       {"seed", settings.seed}};
    return result;
}

DesignSfarm DesignSfarm::load(const std::string& path) {
    DesignSfarm result;
    result.m->file = loadSfarmModel(path);
    if (result.m->file.schema.is_null())
        throw BundleError(path + ": this SFARM was trained on a plain CSV, not on a design data set (no schema inside)");
    try {
        result.m->schema = schemaFromJson(result.m->file.schema, path);
    } catch (const std::exception& e) {
        throw BundleError(path + ": damaged schema in the SFARM model (" + e.what() + ")");
    }
    result.m->layout = layoutOf(result.m->schema);
    if (result.m->layout.size() != result.m->file.model->config().elements)
        throw BundleError(path + ": the SFARM model's network does not match its schema");
    return result;
}

void DesignSfarm::save(const std::string& path) const {
    if (!loaded()) throw std::logic_error("no design SFARM to save");
    saveSfarmModel(m->file, path);
}

ImputedDesigns DesignSfarm::impute(const PartialDesign& partial, int samples, uint64_t seed, int steps) const {
    if (samples < 1) throw std::invalid_argument("at least one sample");
    if (steps < 0) throw std::invalid_argument("network calls per completion must be 0 (one per element) or more");
    c10::InferenceMode guard;
    at::Tensor x, observed;
    m->encode(partial, x, observed);
    std::mt19937_64 rng(seed);
    const at::Tensor filled = sfarmImpute(*m->file.model, ElementGrid{1, m->layout.size()}, x.repeat({samples, 1}),
                                          observed.repeat({samples, 1}), completionSettings(m->file, steps), rng)
                                  .contiguous();
    auto fa = filled.accessor<float, 2>();
    const Layout& L = m->layout;
    ImputedDesigns out;
    for (int s = 0; s < samples; ++s) {
        std::vector<double> design(static_cast<size_t>(L.outputs));
        for (int64_t d = 0; d < L.outputs; ++d) {
            const bool pinned = !partial.outputs.empty() && std::isfinite(partial.outputs[static_cast<size_t>(d)]);
            design[static_cast<size_t>(d)] = pinned ? partial.outputs[static_cast<size_t>(d)] : m->raw(d, fa[s][d]);
        }
        ConditionValues c = partial.conditions;
        for (int64_t j = 0; j < L.categorical; ++j)
            if (c.categorical[static_cast<size_t>(j)] < 0)
                c.categorical[static_cast<size_t>(j)] = static_cast<int>(std::lround(fa[s][L.categoricalElement(j)]));
        for (int64_t j = 0; j < L.numerical; ++j)
            if (!std::isfinite(c.numerical[static_cast<size_t>(j)])) {
                const NumericalSpec& spec = m->schema.numerical[static_cast<size_t>(j)];
                c.numerical[static_cast<size_t>(j)] = std::clamp(m->raw(L.numericalElement(j), fa[s][L.numericalElement(j)]), spec.min, spec.max);
            }
        out.designs.push_back(std::move(design));
        out.conditions.push_back(std::move(c));
    }
    return out;
}

double DesignSfarm::spread(const PartialDesign& partial, const std::vector<int>& targetOutputs) const {
    c10::InferenceMode guard;
    at::Tensor x, observed;
    m->encode(partial, x, observed);
    return m->spreads(m->marginals(x, observed), observed, m->targetMask(targetOutputs))[0].item<double>();
}

std::vector<ConditionSuggestion> DesignSfarm::rankUnknownConditions(const PartialDesign& partial,
                                                                    const std::vector<int>& targetOutputs) const {
    c10::InferenceMode guard;
    at::Tensor x, observed;
    m->encode(partial, x, observed);
    const at::Tensor target = m->targetMask(targetOutputs);
    const ElementPredictions now = m->marginals(x, observed);
    const double current = m->spreads(now, observed, target)[0].item<double>();
    const Layout& L = m->layout;
    const SfarmMlpImpl& net = *m->file.model;

    // Every unknown condition with each value it may take and that value's weight, as one batch.
    struct Candidate {
        int condition;
        int64_t firstRow, rows;
        std::vector<double> weights;
    };
    std::vector<Candidate> candidates;
    std::vector<float> values;
    std::vector<int64_t> elements;
    int64_t next = 0;
    auto addRows = [&](int condition, const std::vector<float>& v, std::vector<double> w) {
        const int64_t k = L.conditionElement(condition);
        for (float value : v) {
            values.push_back(value);
            elements.push_back(k);
        }
        candidates.push_back({condition, next, static_cast<int64_t>(v.size()), std::move(w)});
        next += static_cast<int64_t>(v.size());
    };
    std::vector<ConditionSuggestion> ranked;
    for (int64_t c = 0; c < L.categorical; ++c) {
        if (partial.conditions.categorical[static_cast<size_t>(c)] >= 0) continue;
        const at::Tensor probs = net.classProbabilities(now, L.categoricalElement(c))[0].to(at::kDouble).contiguous();
        std::vector<float> v;
        std::vector<double> w;
        for (int64_t k = 0; k < probs.size(0); ++k) {
            v.push_back(static_cast<float>(k));
            w.push_back(probs[k].item<double>());
        }
        ConditionSuggestion s;
        s.condition = static_cast<int>(c);
        s.column = m->schema.categorical[static_cast<size_t>(c)].column;
        s.suggestedClass = static_cast<int>(probs.argmax().item<int64_t>());
        s.suggestedClass = std::min<int>(s.suggestedClass, static_cast<int>(m->schema.categorical[static_cast<size_t>(c)].classes.size()) - 1);
        ranked.push_back(s);
        addRows(static_cast<int>(c), v, w);
    }
    for (int64_t c = 0; c < L.numerical; ++c) {
        if (std::isfinite(partial.conditions.numerical[static_cast<size_t>(c)])) continue;
        const int64_t k = L.numericalElement(c);
        const float mu = now.mean[0][k].item<float>(), sigma = std::exp(now.logStd[0][k].item<float>());
        std::vector<float> v;
        for (double z : kHermiteNodes) v.push_back(mu + sigma * static_cast<float>(z));
        const NumericalSpec& spec = m->schema.numerical[static_cast<size_t>(c)];
        ConditionSuggestion s;
        s.condition = static_cast<int>(L.categorical + c);
        s.column = spec.column;
        s.suggestedNumber = std::clamp(m->raw(k, mu), spec.min, spec.max);
        if (net.config().integer(k)) s.suggestedNumber = std::clamp(std::round(s.suggestedNumber), std::ceil(spec.min), std::floor(spec.max));
        ranked.push_back(s);
        addRows(static_cast<int>(L.categorical + c), v, std::vector<double>(std::begin(kHermiteWeights), std::end(kHermiteWeights)));
    }
    if (candidates.empty() || current <= 0.0) return ranked;
    const auto R = static_cast<int64_t>(values.size());
    at::Tensor bx = x.repeat({R, 1}), bo = observed.repeat({R, 1});
    auto bxa = bx.accessor<float, 2>();
    auto boa = bo.accessor<bool, 2>();
    for (int64_t r = 0; r < R; ++r) {
        bxa[r][elements[static_cast<size_t>(r)]] = values[static_cast<size_t>(r)];
        boa[r][elements[static_cast<size_t>(r)]] = true;
    }
    // Law of total variance over the condition's values v, from the conditionals given v alone:
    // spread now = E_v[spread | v] + sum over targets of Var_v[mean | v], and knowing the
    // condition removes the second part. Reading "spread now" off the network's conditional
    // without the condition instead mixes two different conditionals, whose disagreement then
    // shows as a reduction (or is clamped to a false 0).
    const ElementPredictions given = m->marginals(bx, bo);
    const at::Tensor after = m->spreads(given, bo, target).contiguous();
    const at::Tensor free = (~observed.narrow(1, 0, L.outputs)).to(at::kFloat) * target;  // [1, outputs]
    const at::Tensor means = (given.mean.narrow(1, 0, L.outputs) * free).to(at::kDouble).contiguous();  // [R, outputs]
    const double* a = after.data_ptr<double>();
    for (size_t i = 0; i < candidates.size(); ++i) {
        const Candidate& c = candidates[i];
        const at::Tensor w = at::tensor(c.weights, at::kDouble);
        const at::Tensor wn = (w / w.sum()).unsqueeze(1);  // [rows, 1]
        const at::Tensor mu = means.narrow(0, c.firstRow, c.rows);
        const at::Tensor centre = (wn * mu).sum(0, true);
        const double between = (wn * (mu - centre).pow(2)).sum().item<double>();
        double within = 0.0;
        for (int64_t r = 0; r < c.rows; ++r) within += wn[r][0].item<double>() * a[c.firstRow + r];
        ranked[i].spreadReduction = within + between > 0.0 ? between / (within + between) : 0.0;
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const ConditionSuggestion& p, const ConditionSuggestion& q) {
        return p.spreadReduction > q.spreadReduction;
    });
    return ranked;
}

}  // namespace ms::sfarm
