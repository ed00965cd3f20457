#pragma once
// Writers for drawings and designs: SVG (viewing, reports), ASCII DXF R12 (CAD), CSV (the same
// column layout as the training data, so generated designs can be re-imported).
// File errors throw std::runtime_error naming the path.
#include <string>
#include <vector>

#include "core/conditioning/ConditionValues.h"
#include "core/data/Schema.h"
#include "core/geometry/Drawing.h"
#include "core/geometry/LengthUnit.h"

namespace ms {

// Standalone SVG; design y is flipped (svg y = -y) so designs stand upright, the viewBox is
// the drawings' bounds plus marginFraction of the larger side, and each drawing is one <g>
// with its own translucent stroke colour so overlaid designs stay distinguishable.
std::string svgString(const std::vector<Drawing>& drawings, double marginFraction = 0.05);
void writeSvg(const std::vector<Drawing>& drawings, const std::string& path, double marginFraction = 0.05);

// ASCII DXF R12: LINE for two-point open polylines, POLYLINE/VERTEX/SEQEND otherwise, CIRCLE,
// TEXT for labels; one layer per design and primitive layer ("D1_frame"). The numbers are the
// design's own; `unit` (what they are in) goes into the header as $INSUNITS.
void writeDxf(const std::vector<Drawing>& drawings, const std::string& path, LengthUnit unit = LengthUnit::Millimetre);

// Training data again: header = every keypoint's x and y column, the extra outputs, then the
// categorical and numerical condition columns; one row per design with shortest round-trip
// number formatting, class labels as text, NaN and unknown conditions as empty cells (which
// `train` reads as unknown). `conditions`: none (all unknown), one for every design, or one per
// design. Throws std::invalid_argument when a vector does not have schema.outputDim() values or
// the condition sets do not fit the schema or the design count.
void writeDesignsCsv(const Schema& schema, const std::vector<std::vector<double>>& outputVectors,
                     const std::vector<ConditionValues>& conditions, const std::string& path);

}  // namespace ms
