#include "io/ConfigJson.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <set>
#include <stdexcept>

namespace ms {
namespace {

using nlohmann::json;

// Reads keys of an object into fields, each through a typed getter; unknown keys are errors.
class ObjectReader {
public:
    ObjectReader(const json& j, std::string where) : m_j(j), m_where(std::move(where)) {
        if (!j.is_object()) fail("", "must be a JSON object");
    }
    ~ObjectReader() noexcept(false) {
        if (std::uncaught_exceptions() > 0) return;
        for (const auto& item : m_j.items())
            if (!m_known.count(item.key())) fail(item.key(), "unknown key");
    }
    template <typename T>
    void get(const char* key, T& out) {
        m_known.insert(key);
        auto it = m_j.find(key);
        if (it == m_j.end()) return;
        try {
            out = it->template get<T>();
        } catch (const json::exception&) {
            fail(key, "has the wrong type (" + std::string(it->type_name()) + ")");
        }
        if constexpr (std::is_floating_point_v<T>)
            if (!std::isfinite(static_cast<double>(out))) fail(key, "must be a finite number");
    }
    template <typename T>
    void getWith(const char* key, T& out) {
        m_known.insert(key);
        auto it = m_j.find(key);
        if (it != m_j.end()) readJson(*it, out, m_where + "." + key);
    }
    [[noreturn]] void fail(const std::string& key, const std::string& what) const {
        throw std::invalid_argument(m_where + (key.empty() ? "" : "." + key) + ": " + what);
    }

private:
    const json& m_j;
    std::string m_where;
    std::set<std::string> m_known;
};

}  // namespace

json toJson(const SparsitySchedule& s) {
    return {{"kind", SparsitySchedule::kindName(s.kind)}, {"start", s.start}, {"end", s.end}, {"segments", s.segments}};
}

void readJson(const json& j, SparsitySchedule& s, const std::string& where) {
    ObjectReader r(j, where);
    std::string kind = SparsitySchedule::kindName(s.kind);
    r.get("kind", kind);
    try {
        s.kind = SparsitySchedule::parseKind(kind);
    } catch (const std::invalid_argument& e) {
        r.fail("kind", e.what());
    }
    r.get("start", s.start);
    r.get("end", s.end);
    r.get("segments", s.segments);
    if (const std::string problem = s.validate(); !problem.empty()) r.fail("", problem);
}

json toJson(const McVaeConfig& c) {
    return {{"output_dim", c.outputDim},          {"class_counts", c.classCounts},
            {"numerical_count", c.numericalCount}, {"input_embedding", c.inputEmbedding},
            {"encoder_hidden", c.encoderHidden},   {"latent_dim", c.latentDim},
            {"condition_embedding", c.conditionEmbedding}};
}

void readJson(const json& j, McVaeConfig& c, const std::string& where) {
    ObjectReader r(j, where);
    r.get("output_dim", c.outputDim);
    r.get("class_counts", c.classCounts);
    r.get("numerical_count", c.numericalCount);
    r.get("input_embedding", c.inputEmbedding);
    r.get("encoder_hidden", c.encoderHidden);
    r.get("latent_dim", c.latentDim);
    r.get("condition_embedding", c.conditionEmbedding);
    auto positive = [&](const char* key, int64_t v) {
        if (v < 1 || v > 65536) r.fail(key, "must be between 1 and 65536, got " + std::to_string(v));
    };
    positive("input_embedding", c.inputEmbedding);
    positive("latent_dim", c.latentDim);
    positive("condition_embedding", c.conditionEmbedding);
    for (int64_t w : c.encoderHidden) positive("encoder_hidden", w);
}

json toJson(const TrainingConfig& c) {
    return {{"epochs", c.epochs},
            {"batch_size", c.batchSize},
            {"lr", c.adamw.lr},
            {"beta1", c.adamw.beta1},
            {"beta2", c.adamw.beta2},
            {"adam_eps", c.adamw.eps},
            {"weight_decay", c.adamw.weightDecay},
            {"lr_step_epochs", c.lrStepEpochs},
            {"lr_gamma", c.lrGamma},
            {"kl_weight", c.klWeight},
            {"sparsity", toJson(c.sparsity)},
            {"seed", c.seed},
            {"test_fraction", c.testFraction},
            {"validate_every", c.validateEvery},
            {"checkpoint_every", c.checkpointEvery},
            {"threads", c.threads},
            {"updates", c.updates}};
}

void readJson(const json& j, TrainingConfig& c, const std::string& where) {
    ObjectReader r(j, where);
    r.get("epochs", c.epochs);
    r.get("batch_size", c.batchSize);
    r.get("lr", c.adamw.lr);
    r.get("beta1", c.adamw.beta1);
    r.get("beta2", c.adamw.beta2);
    r.get("adam_eps", c.adamw.eps);
    r.get("weight_decay", c.adamw.weightDecay);
    r.get("lr_step_epochs", c.lrStepEpochs);
    r.get("lr_gamma", c.lrGamma);
    r.get("kl_weight", c.klWeight);
    r.getWith("sparsity", c.sparsity);
    r.get("seed", c.seed);
    r.get("test_fraction", c.testFraction);
    r.get("validate_every", c.validateEvery);
    r.get("checkpoint_every", c.checkpointEvery);
    r.get("threads", c.threads);
    r.get("updates", c.updates);
    if (const std::string problem = c.validate(); !problem.empty()) r.fail("", problem);
}

json toJson(const Normalization& n) {
    return {{"outputs", {{"min", n.outputs.min}, {"max", n.outputs.max}}},
            {"numerical", {{"min", n.numerical.min}, {"max", n.numerical.max}}}};
}

void readJson(const json& j, Normalization& n, const std::string& where) {
    auto readScaler = [&](const char* key, MinMaxScaler& s) {
        if (!j.contains(key)) throw std::invalid_argument(where + "." + key + ": missing");
        ObjectReader r(j.at(key), where + "." + key);
        r.get("min", s.min);
        r.get("max", s.max);
        if (s.min.size() != s.max.size()) r.fail("", "min and max have different lengths");
    };
    readScaler("outputs", n.outputs);
    readScaler("numerical", n.numerical);
}

json toJson(const EpochRecord& r) {
    json j = {{"epoch", r.epoch}, {"rec", r.reconstruction}, {"kl", r.kl}, {"p", r.sparsity}, {"lr", r.learningRate}};
    if (!std::isnan(r.validation)) j["val"] = r.validation;
    return j;
}

void readJson(const json& j, EpochRecord& rec, const std::string& where) {
    ObjectReader r(j, where);
    r.get("epoch", rec.epoch);
    r.get("rec", rec.reconstruction);
    r.get("kl", rec.kl);
    r.get("p", rec.sparsity);
    r.get("lr", rec.learningRate);
    r.get("val", rec.validation);
}

}  // namespace ms
