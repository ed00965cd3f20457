#pragma once
// The unit a design's numbers are in (the training CSV's own: the built-in bike and car are in
// millimetres). Nothing is converted: the unit names what the numbers mean, for the canvas's
// scale bar and the DXF header ($INSUNITS), so that a CAD tool opens the design at its true size.
#include <string>

namespace ms {

enum class LengthUnit { Millimetre, Centimetre, Metre, Inch };

// "mm", "cm", "m", "in".
std::string lengthUnitSymbol(LengthUnit unit);
// The DXF $INSUNITS code: 4 mm, 5 cm, 6 m, 1 in.
int dxfInsunits(LengthUnit unit);
// From a symbol above (also "inch", "millimetre", ... as written in full, any case); throws
// std::invalid_argument naming the text and the accepted symbols.
LengthUnit parseLengthUnit(const std::string& text);

}  // namespace ms
