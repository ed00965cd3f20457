#include "core/io/ConfigJson.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <stdexcept>

#include "core/io/JsonObjectReader.h"

namespace ms {

using nlohmann::json;

json toJson(const SparsitySchedule& s) {
    return {{"kind", SparsitySchedule::kindName(s.kind)}, {"start", s.start}, {"end", s.end}, {"segments", s.segments}};
}

void readJson(const json& j, SparsitySchedule& s, const std::string& where) {
    JsonObjectReader r(j, where);
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

json toJson(const Normalization& n) {
    return {{"outputs", {{"min", n.outputs.min}, {"max", n.outputs.max}}},
            {"numerical", {{"min", n.numerical.min}, {"max", n.numerical.max}}}};
}

void readJson(const json& j, Normalization& n, const std::string& where) {
    auto readScaler = [&](const char* key, MinMaxScaler& s) {
        if (!j.contains(key)) throw std::invalid_argument(where + "." + key + ": missing");
        JsonObjectReader r(j.at(key), where + "." + key);
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
    JsonObjectReader r(j, where);
    r.get("epoch", rec.epoch);
    r.get("rec", rec.reconstruction);
    r.get("kl", rec.kl);
    r.get("p", rec.sparsity);
    r.get("lr", rec.learningRate);
    r.get("val", rec.validation);
}

}  // namespace ms
