#include "api/PartialDesignModel.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>

#include "api/EnsembleSettingsOf.h"
#include "api/PartialScaling.h"
#include "core/conditioning/ConditionTensor.h"
#include "partial/EnsembleInference.h"

namespace ms::api {

struct PartialDesignModel::Impl {
    partial::PartialModelFile file;
    Schema schema;
    Normalization norm;
    PartialModelSummary summary;
};

PartialDesignModel::PartialDesignModel() : m(std::make_unique<Impl>()) {}
PartialDesignModel::~PartialDesignModel() = default;
PartialDesignModel::PartialDesignModel(PartialDesignModel&&) noexcept = default;
PartialDesignModel& PartialDesignModel::operator=(PartialDesignModel&&) noexcept = default;

PartialDesignModel PartialDesignModel::load(const std::string& path) {
    PartialDesignModel model;
    Impl& m = *model.m;
    m.file = loadPartialVectorModel(path, m.schema);
    m.file.parts.net->eval();
    m.norm = partialModelNormalization(m.schema, m.file.low, m.file.high);
    const nlohmann::json& t = m.file.training;
    if (t.is_object()) {
        m.summary.dataPath = t.value("data", std::string());
        m.summary.rows = t.value("rows", int64_t{0});
        m.summary.rowsWithGaps = t.value("rows_with_gaps", int64_t{0});
        m.summary.updates = t.value("updates", int64_t{0});
        m.summary.observedFraction = t.value("observed_fraction", 0.0);
        m.summary.finalLoss = t.value("final_loss", 0.0);
    }
    return model;
}

bool PartialDesignModel::loaded() const { return m && m->file.parts.net != nullptr; }

const Schema& PartialDesignModel::schema() const { return m->schema; }

const PartialModelSummary& PartialDesignModel::summary() const { return m->summary; }

std::vector<std::vector<double>> PartialDesignModel::complete(const ConditionValues& conditions, const std::vector<double>& pins,
                                                              int64_t count, const PartialCompletion& how) const {
    if (!loaded()) throw std::logic_error("no partial-observation model loaded");
    if (count < 1) throw std::invalid_argument("complete: the number of designs must be at least 1");
    const auto dims = static_cast<int64_t>(m->schema.outputDim());
    if (!pins.empty() && static_cast<int64_t>(pins.size()) != dims)
        throw std::invalid_argument("complete: " + std::to_string(pins.size()) + " pinned values for a model of " +
                                    std::to_string(dims) + " outputs");
    at::Tensor u = at::zeros({count, dims}), observed = at::zeros({count, dims});
    for (int64_t d = 0; d < dims && !pins.empty(); ++d) {
        const double pin = pins[static_cast<std::size_t>(d)];
        if (std::isnan(pin)) continue;
        u.select(1, d).fill_(partialEncode(m->norm, static_cast<std::size_t>(d), pin));
        observed.select(1, d).fill_(1.0);
    }
    const ConditionInput input = conditionInputFor(m->schema, m->norm, conditions, count);
    const partial::EnsembleSettings ensemble = ensembleSettingsOf(how);
    const at::Tensor completed =
        partial::ensembleComplete(m->file.parts, u, observed, m->schema.conditionCount() > 0 ? &input : nullptr, ensemble)
            .to(at::kDouble)
            .cpu()
            .contiguous();
    const auto value = completed.accessor<double, 2>();
    std::vector<std::vector<double>> designs(static_cast<std::size_t>(count), std::vector<double>(static_cast<std::size_t>(dims)));
    for (int64_t r = 0; r < count; ++r)
        for (int64_t d = 0; d < dims; ++d) {
            const auto dd = static_cast<std::size_t>(d);
            const bool pinned = !pins.empty() && !std::isnan(pins[dd]);
            designs[static_cast<std::size_t>(r)][dd] = pinned ? pins[dd] : partialDecode(m->norm, dd, value[r][d]);
        }
    return designs;
}

}  // namespace ms::api
