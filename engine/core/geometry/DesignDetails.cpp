#include "core/geometry/DesignDetails.h"

#include <algorithm>
#include <cctype>

namespace ms {
namespace {

std::string lowerNoSpace(const std::string& s) {
    std::string out;
    for (char c : s)
        if (!std::isspace(static_cast<unsigned char>(c)) && c != '_')
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

bool truthy(const std::string& text) {
    const std::string t = lowerNoSpace(text);
    return t == "1" || t == "1.0" || t == "true" || t == "yes";
}

}  // namespace

RimStyle rimStyleFromText(const std::string& text) {
    const std::string t = lowerNoSpace(text);
    if (t == "disc" || t == "disk") return RimStyle::Disc;
    if (t == "trispoke" || t == "tri-spoke" || t == "3spoke") return RimStyle::Trispoke;
    return RimStyle::Spoked;
}

DesignDetails designDetailsFrom(const std::map<std::string, std::string>& conditionText) {
    DesignDetails d;
    for (const auto& [column, value] : conditionText) {
        const std::string c = lowerNoSpace(column);
        if (contains(c, "rim") && contains(c, "front")) d.rimFront = rimStyleFromText(value);
        else if (contains(c, "rim") && contains(c, "rear")) d.rimRear = rimStyleFromText(value);
        else if (contains(c, "bottle") && contains(c, "seattube")) d.bottleSeatTube = truthy(value);
        else if (contains(c, "bottle") && contains(c, "downtube")) d.bottleDownTube = truthy(value);
    }
    return d;
}

}  // namespace ms
