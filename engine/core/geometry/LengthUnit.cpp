#include "core/geometry/LengthUnit.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace ms {

std::string lengthUnitSymbol(LengthUnit unit) {
    switch (unit) {
    case LengthUnit::Millimetre: return "mm";
    case LengthUnit::Centimetre: return "cm";
    case LengthUnit::Metre: return "m";
    case LengthUnit::Inch: return "in";
    }
    return "mm";
}

int dxfInsunits(LengthUnit unit) {
    switch (unit) {
    case LengthUnit::Millimetre: return 4;
    case LengthUnit::Centimetre: return 5;
    case LengthUnit::Metre: return 6;
    case LengthUnit::Inch: return 1;
    }
    return 4;
}

LengthUnit parseLengthUnit(const std::string& text) {
    std::string t = text;
    std::transform(t.begin(), t.end(), t.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (t == "mm" || t == "millimetre" || t == "millimetres" || t == "millimeter" || t == "millimeters") return LengthUnit::Millimetre;
    if (t == "cm" || t == "centimetre" || t == "centimetres" || t == "centimeter" || t == "centimeters") return LengthUnit::Centimetre;
    if (t == "m" || t == "metre" || t == "metres" || t == "meter" || t == "meters") return LengthUnit::Metre;
    if (t == "in" || t == "inch" || t == "inches") return LengthUnit::Inch;
    throw std::invalid_argument("unknown length unit '" + text + "' (use mm, cm, m or in)");
}

}  // namespace ms
