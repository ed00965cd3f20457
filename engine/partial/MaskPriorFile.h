#pragma once
// The file of a learned prior over observation masks (Work II, partial/MaskPrior): which entries a
// data set's rows observe, learnt from the rows' masks only. For a design table the prior's entries
// are its keypoints and extra outputs (a keypoint is there or not, x and y together; an MLP), for
// images its pixels (a small U-Net). Same archive layer as the other model files.
#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "partial/ContextMasks.h"
#include "partial/MaskPrior.h"
#include "partial/PartialDenoiser.h"

namespace ms::partial {

struct MaskPriorFile {
    std::string dataKind = "vectors";   // "vectors" or "images"
    std::vector<std::string> entries;   // vectors: one name per prior entry (keypoint or output column)
    std::vector<int64_t> groupOf;       // vectors: the table's entry -> prior entry (x and y of a keypoint share one)
    ImageShape image;                   // images: the masks' shape (one prior entry per pixel)
    BfnSchedule schedule;
    std::shared_ptr<PartialDenoiser> net;
    std::vector<double> observedRate;   // per prior entry: the share of the data's rows observing it
    nlohmann::json schema;              // vectors: the design table's schema (SchemaJson); null otherwise
    nlohmann::json training;            // free-form training record

    int64_t priorEntries() const { return net ? net->dims() : 0; }
};

void saveMaskPrior(const MaskPriorFile& file, const std::string& path);  // throws BundleError
// Throws BundleError naming the file for a damaged or foreign file (another model file: "not a
// Maskstudio mask prior (format 'maskstudio-partial')").
MaskPriorFile loadMaskPrior(const std::string& path);

// MaskPriorFile::observedRate of the data's masks ([N, entries] 0/1): each entry's share of rows.
std::vector<double> observedRates(const at::Tensor& masks);

}  // namespace ms::partial
