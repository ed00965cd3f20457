#pragma once
// Renders a keypoint data set (schema + table: the embedded synthetic sets or GeoBIKED) into an
// image data set: one sketch per row in a shared frame, with its conditions (rim styles and
// bottles visible in the drawing), and writes it as an image folder + conditions.csv.
#include <cstddef>
#include <string>

#include "core/data/DesignTable.h"
#include "core/data/ImageSet.h"
#include "core/data/Schema.h"
#include "imaging/DesignImage.h"

namespace ms::imaging {

struct RenderedImageSet {
    ImageSet images;    // files "design_00000.png", ...; conditions: "file" + every condition column
    ImageFrame frame;   // the world window shared by all images
};

// limit 0: every row. Rows whose drawing is empty (no finite keypoints) are skipped.
RenderedImageSet renderDesignImageSet(const Schema& schema, const DesignTable& table, int size, std::size_t limit = 0);

// folder/<file>.png for every image and folder/conditions.csv; creates the folder. Throws
// std::runtime_error naming the file that could not be written.
void writeImageFolder(const ImageSet& images, const std::string& folder);

}  // namespace ms::imaging
