#pragma once
// Turns one design (a model output vector in raw units) into a 2D drawing. Bicycles and cars
// from the built-in families get a recognisable sketch; any other schema is drawn as its
// keypoints joined in schema order.
#include <vector>

#include "core/data/Schema.h"
#include "core/geometry/DesignDetails.h"
#include "core/geometry/Drawing.h"

namespace ms {

enum class DesignKind { Bicycle, Car, Generic };

// Bicycle: the wheel centres and BB plus at least 8 of the 12 GeoBIKED keypoint names.
// Car: all 21 car outline names (the outline is only meaningful complete).
DesignKind detectDesignKind(const Schema& schema);

// outputVector holds schema.outputDim() values: keypoint x/y pairs, then the extra outputs.
// Bicycle wheel radius = "Wheel diameter rear/front" / 2 when such an output exists and is
// positive, else the wheel centre height (GeoBIKED wheels rest on y = 0), else 311 mm.
// Bicycles show `details` (rim style per wheel, bottles). Throws std::invalid_argument when
// outputVector has the wrong size.
Drawing drawDesign(const Schema& schema, const std::vector<double>& outputVector, bool withLabels,
                   const DesignDetails& details = {});

}  // namespace ms
