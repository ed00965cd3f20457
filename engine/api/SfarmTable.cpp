#include "api/SfarmTable.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <cmath>
#include <iomanip>
#include <locale>
#include <random>
#include <sstream>
#include <stdexcept>

#include "data/CsvReader.h"
#include "data/DataError.h"
#include "data/NumberText.h"
#include "runtime/Stopwatch.h"
#include "sfarm/ElementScaling.h"
#include "sfarm/RepeatedValues.h"
#include "sfarm/SfarmAcquisition.h"
#include "sfarm/SfarmInference.h"
#include "sfarm/SfarmInformationGain.h"
#include "sfarm/SfarmMlp.h"
#include "sfarm/SfarmModelFile.h"
#include "sfarm/SfarmTrainer.h"
#include "runtime/TorchRuntime.h"

namespace ms {
namespace {

bool columnIsNumeric(const CsvTable& t, std::size_t c) {
    bool any = false;
    for (const auto& row : t.rows) {
        if (row[c].empty()) continue;
        if (parseNumber(row[c]).kind != NumberKind::Finite) return false;
        any = true;
    }
    return any;
}

// The columns' values (NaN where empty) and the observed mask, [N, S].
struct TableValues {
    at::Tensor x;         // float, raw units
    at::Tensor observed;  // bool
};

TableValues valuesOf(const CsvTable& t, const std::vector<std::string>& columns) {
    const auto n = static_cast<int64_t>(t.rows.size());
    const auto s = static_cast<int64_t>(columns.size());
    at::Tensor x = at::full({n, s}, std::numeric_limits<float>::quiet_NaN());
    at::Tensor observed = at::zeros({n, s}, at::kBool);
    auto xa = x.accessor<float, 2>();
    auto oa = observed.accessor<bool, 2>();
    for (int64_t j = 0; j < s; ++j) {
        const int c = t.columnIndex(columns[static_cast<std::size_t>(j)]);
        if (c < 0) throw DataError(t.path, 1, columns[static_cast<std::size_t>(j)], "the model's column is missing from this CSV");
        for (int64_t i = 0; i < n; ++i) {
            const std::string& cell = t.rows[static_cast<std::size_t>(i)][static_cast<std::size_t>(c)];
            if (cell.empty()) continue;  // unobserved: the normal case
            const ParsedNumber v = parseNumber(cell);
            if (v.kind != NumberKind::Finite)
                throw DataError(t.path, t.lineNumbers[static_cast<std::size_t>(i)], columns[static_cast<std::size_t>(j)],
                                "'" + cell + "' is not a number (leave the cell empty for an unknown value)");
            xa[i][j] = static_cast<float>(v.value);
            oa[i][j] = true;
        }
    }
    return {x, observed};
}

std::string cellText(double v) {
    std::ostringstream s;
    s.imbue(std::locale::classic());
    s << std::setprecision(7) << v;
    return s.str();
}

// Whether a filled standardised value is one of column j's atoms (drawn atoms are exact copies).
bool isAtom(const SfarmModelFile& f, std::size_t j, double standardised) {
    const auto& atoms = f.model->config().atoms;
    if (j >= atoms.size()) return false;
    for (double a : atoms[j])
        if (static_cast<float>(a) == static_cast<float>(standardised)) return true;
    return false;
}

// An atom's raw value comes back through float standardisation (0 as 1e-7, 28 as 28.0000001):
// rounded to a millionth of the column's sd it is the value the user wrote.
double withoutRoundingNoise(double raw, double sd) {
    const double step = std::pow(10.0, std::floor(std::log10(sd)) - 6.0);
    return std::round(raw / step) * step;
}

}  // namespace

SfarmTrainResult trainSfarmOnCsv(const SfarmTrainRequest& r, const std::function<void(int64_t, double)>& onEpoch,
                                 const CancelToken& cancel) {
    if (r.outPath.empty()) throw std::invalid_argument("no output path for the SFARM model");
    const Stopwatch t0;
    const CsvTable t = readCsvFile(r.dataPath);
    SfarmTrainResult result;
    if (r.columns.empty()) {
        for (std::size_t c = 0; c < t.header.size(); ++c)
            (columnIsNumeric(t, c) ? result.columns : result.ignoredColumns).push_back(t.header[c]);
    } else {
        result.columns = r.columns;
    }
    if (result.columns.size() < 2) throw DataError(r.dataPath, 1, "", "SFARM needs at least two numeric columns");
    const TableValues v = valuesOf(t, result.columns);
    SfarmModelFile f;
    f.columns = result.columns;
    SfarmMlpConfig mc;
    mc.elements = static_cast<int64_t>(result.columns.size());
    if (r.integerColumns) mc.levels = integerLevels(v.x, v.observed, {});
    for (std::size_t j = 0; j < mc.levels.size(); ++j)
        if (mc.levels[j] > 0) result.integerColumns.push_back(result.columns[j]);
    setElementScaling(f, v.x, v.observed, {}, mc.levels);
    const at::Tensor xs = standardise(v.x, f);
    mc.hidden = r.hidden;
    mc.mixture = r.mixture;
    if (r.atoms) {
        std::vector<bool> integer(result.columns.size(), false);
        for (std::size_t j = 0; j < mc.levels.size(); ++j) integer[j] = mc.levels[j] > 0;
        mc.atoms = repeatedValues(xs, v.observed, integer);
        for (std::size_t j = 0; j < mc.atoms.size(); ++j)
            if (!mc.atoms[j].empty()) result.atomColumns.emplace_back(result.columns[j], static_cast<int64_t>(mc.atoms[j].size()));
        if (result.atomColumns.empty()) mc.atoms.clear();
    }
    seedParameterInitialisation(r.seed);
    f.model = SfarmMlp(mc);
    SfarmTrainingConfig tc;
    tc.epochs = r.epochs;
    tc.batchSize = r.batchSize;
    tc.lr = r.lr;
    tc.seed = r.seed;
    const auto history = trainSfarm(*f.model, ElementGrid{1, mc.elements}, xs, v.observed, tc,
                                    [&](const SfarmEpoch& e) { if (onEpoch) onEpoch(e.epoch, e.loss); }, cancel);
    f.model->eval();
    result.rows = static_cast<int64_t>(t.rows.size());
    result.epochs = static_cast<int64_t>(history.size());
    result.finalLoss = history.empty() ? 0.0 : history.back().loss;
    result.observedFraction = v.observed.to(at::kDouble).mean().item<double>();
    result.seconds = t0.seconds();
    f.training = {{"data", r.dataPath}, {"rows", result.rows}, {"epochs", result.epochs}, {"hidden", r.hidden},
                  {"mixture", r.mixture}, {"atoms", r.atoms}, {"lr", r.lr}, {"batch", r.batchSize}, {"seed", r.seed}, {"final_loss", result.finalLoss},
                  {"observed_fraction", result.observedFraction}, {"integer_columns", result.integerColumns},
                  {"cancelled", cancel.cancelled()}};
    saveSfarmModel(f, r.outPath);
    return result;
}

SfarmImputeResult imputeCsvWithSfarm(const std::string& modelPath, const std::string& dataPath, const std::string& outPath,
                                     bool sample, uint64_t seed) {
    const SfarmModelFile f = loadSfarmModel(modelPath);
    CsvTable t = readCsvFile(dataPath);
    const TableValues v = valuesOf(t, f.columns);
    std::mt19937_64 rng(seed);
    ImputeSettings settings;
    settings.sample = sample;
    const at::Tensor xs = standardise(v.x, f);
    const at::Tensor filled = sfarmImpute(*f.model, ElementGrid{1, static_cast<int64_t>(f.columns.size())}, xs, v.observed,
                                          settings, rng).to(at::kDouble);
    SfarmImputeResult result;
    result.rows = static_cast<int64_t>(t.rows.size());
    auto fa = filled.accessor<double, 2>();
    auto oa = v.observed.accessor<bool, 2>();
    for (std::size_t j = 0; j < f.columns.size(); ++j) {
        const auto c = static_cast<std::size_t>(t.columnIndex(f.columns[j]));
        for (std::size_t i = 0; i < t.rows.size(); ++i) {
            if (oa[static_cast<int64_t>(i)][static_cast<int64_t>(j)]) continue;  // the user's text stays as written
            // Integer columns come back on their bin centres: whole numbers once written with 7 digits.
            const double standardised = fa[static_cast<int64_t>(i)][static_cast<int64_t>(j)];
            const double raw = standardised * f.sd[j] + f.mean[j];
            t.rows[i][c] = cellText(isAtom(f, j, standardised) ? withoutRoundingNoise(raw, f.sd[j]) : raw);
            ++result.filled;
        }
    }
    writeCsvFile(outPath, t.header, t.rows);
    return result;
}

std::vector<double> scoreCsvWithSfarm(const std::string& modelPath, const std::string& dataPath, int64_t orders, uint64_t seed) {
    const SfarmModelFile f = loadSfarmModel(modelPath);
    const CsvTable t = readCsvFile(dataPath);
    const TableValues v = valuesOf(t, f.columns);
    std::mt19937_64 rng(seed);
    const at::Tensor none = at::zeros_like(v.observed);
    const at::Tensor ll = sfarmLogLikelihood(*f.model, standardise(v.x, f).nan_to_num(0.0), none, v.observed, orders, rng);
    return std::vector<double>(ll.data_ptr<double>(), ll.data_ptr<double>() + ll.numel());
}

std::vector<SfarmAcquisition> acquireWithSfarm(const std::string& modelPath, const std::string& dataPath, int64_t row,
                                               const std::string& target, int64_t samples, uint64_t seed) {
    const SfarmModelFile f = loadSfarmModel(modelPath);
    const CsvTable t = readCsvFile(dataPath);
    if (row < 0 || row >= static_cast<int64_t>(t.rows.size()))
        throw std::invalid_argument(dataPath + ": no data row " + std::to_string(row) + " (it has " + std::to_string(t.rows.size()) + ")");
    int64_t targetIndex = -1;
    for (std::size_t j = 0; j < f.columns.size(); ++j)
        if (f.columns[j] == target) targetIndex = static_cast<int64_t>(j);
    if (targetIndex < 0) throw std::invalid_argument("target '" + target + "' is not one of the model's columns");
    const TableValues v = valuesOf(t, f.columns);
    std::vector<bool> observed;
    for (std::size_t j = 0; j < f.columns.size(); ++j) observed.push_back(v.observed[row][static_cast<int64_t>(j)].item<bool>());
    if (observed[static_cast<std::size_t>(targetIndex)])
        throw std::invalid_argument("row " + std::to_string(row) + " already observes the target '" + target + "'");
    std::mt19937_64 rng(seed);
    const at::Tensor xs = standardise(v.x, f).nan_to_num(0.0).select(0, row);
    std::vector<SfarmAcquisition> out;
    const SfarmMlpConfig& c = f.model->config();
    if (!c.components() && !c.integer(targetIndex) && !c.categorical(targetIndex)) {
        // One Gaussian per element: the closed-form KL between the target's Gaussians.
        for (const auto& s : rankAcquisition(f.model, xs, observed, targetIndex, samples, rng))
            out.push_back({f.columns[static_cast<std::size_t>(s.element)], s.information});
        return out;
    }
    // Atoms, mixtures, integer or categorical targets: the Monte Carlo estimate.
    at::Tensor seen = at::zeros({c.elements}, at::kBool), wanted = at::zeros({c.elements}, at::kBool);
    for (std::size_t j = 0; j < observed.size(); ++j) seen[static_cast<int64_t>(j)] = static_cast<bool>(observed[j]);
    wanted[targetIndex] = true;
    InformationGainSettings settings;
    settings.samples = samples;
    for (const auto& s : rankByInformationGain(*f.model, xs, seen, wanted, {}, settings, rng))
        out.push_back({f.columns[static_cast<std::size_t>(s.element)], s.information});
    return out;
}

}  // namespace ms
