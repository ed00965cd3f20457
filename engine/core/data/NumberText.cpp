#include "core/data/NumberText.h"

#include <cctype>
#include <charconv>
#include <system_error>

namespace ms {

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

}  // namespace

ParsedNumber parseNumber(std::string_view text) {
    ParsedNumber result;
    std::string_view body = text;
    if (!body.empty() && (body[0] == '+' || body[0] == '-')) body.remove_prefix(1);
    if (body.empty()) return result;
    if (equalsIgnoreCase(body, "nan") || equalsIgnoreCase(body, "inf") ||
        equalsIgnoreCase(body, "infinity")) {
        result.kind = NumberKind::NonFinite;
        return result;
    }
    // from_chars does not accept '+', and would accept "nan(...)" forms we handle above.
    std::string_view digits = text[0] == '+' ? text.substr(1) : text;
    if (text[0] == '+' && (digits[0] == '+' || digits[0] == '-')) return result;
    double value = 0.0;
    const char* first = digits.data();
    const char* last = digits.data() + digits.size();
    auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::general);
    if (ptr != last) return result;
    if (ec == std::errc::result_out_of_range) {
        result.kind = NumberKind::OutOfRange;
        return result;
    }
    if (ec != std::errc()) return result;
    // "nan(0x1)" and the like parse but are not finite
    result.kind = (value - value == 0.0) ? NumberKind::Finite : NumberKind::NonFinite;
    result.value = value;
    return result;
}

std::string formatNumber(double value) {
    char buffer[64];
    auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    if (ec != std::errc()) return "nan";  // cannot happen with 64 bytes; keeps the compiler honest
    return std::string(buffer, ptr);
}

}  // namespace ms
