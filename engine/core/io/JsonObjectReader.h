#pragma once
// Reads the keys of a JSON object into fields, each through a typed getter; unknown keys,
// wrong types and non-finite numbers are errors naming the key path ("where.key: ..."), so a
// typo in a preset or model file is caught rather than ignored. Used by every settings reader.
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

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
        if (!representable<T>(*it)) fail(key, "must be a whole number in range (got " + it->dump() + ")");
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
    template <typename T>
    struct IsVector : std::false_type {};
    template <typename T, typename A>
    struct IsVector<std::vector<T, A>> : std::true_type {};

    // Whether get<T>() converts `v` without undefined behaviour: a number with a fraction, or out
    // of an integer type's range, where an integer belongs (found by tests/fuzz: 3e44 for a layer
    // width). Other mismatches of type are left to get<T>(), which throws.
    template <typename T>
    static bool representable(const nlohmann::json& v) {
        if constexpr (IsVector<T>::value) {
            if (!v.is_array()) return true;
            for (const auto& e : v)
                if (!representable<typename T::value_type>(e)) return false;
            return true;
        } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
            const double lo = static_cast<double>(std::numeric_limits<T>::min());
            const double hi = static_cast<double>(std::numeric_limits<T>::max());
            constexpr auto top = static_cast<std::uint64_t>(std::numeric_limits<T>::max());
            if (v.is_number_unsigned()) return v.template get<std::uint64_t>() <= top;
            if (v.is_number_integer()) {
                const std::int64_t x = v.template get<std::int64_t>();
                if (x >= 0) return static_cast<std::uint64_t>(x) <= top;
                return std::is_signed_v<T> && x >= static_cast<std::int64_t>(std::numeric_limits<T>::min());
            }
            if (v.is_number_float()) {
                const double d = v.template get<double>();
                return std::isfinite(d) && d == std::trunc(d) && d >= lo && d < hi;
            }
            return true;
        } else {
            return true;
        }
    }

    const nlohmann::json& m_j;
    std::string m_where;
    std::set<std::string> m_known;
};

}  // namespace ms
