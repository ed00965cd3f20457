#pragma once
// Reads the keys of a JSON object into fields, each through a typed getter; unknown keys,
// wrong types and non-finite numbers are errors naming the key path ("where.key: ..."), so a
// typo in a preset or model file is caught rather than ignored. Used by every settings reader.
#include <nlohmann/json.hpp>

#include <cmath>
#include <exception>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace ms {

class JsonObjectReader {
public:
    JsonObjectReader(const nlohmann::json& j, std::string where) : m_j(j), m_where(std::move(where)) {
        if (!j.is_object()) fail("", "must be a JSON object");
    }
    ~JsonObjectReader() noexcept(false) {
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
        } catch (const nlohmann::json::exception&) {
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
    const nlohmann::json& m_j;
    std::string m_where;
    std::set<std::string> m_known;
};

}  // namespace ms
