#include "api/TableGaps.h"

#include <ATen/ATen.h>

#include <cmath>

#include "core/data/DesignTableBuilder.h"
#include "partial/ContextMasks.h"

namespace ms::api {

std::vector<std::string> gapEntryNames(const Schema& schema) {
    std::vector<std::string> names;
    for (const KeypointSpec& k : schema.keypoints) names.push_back(k.name);
    for (const OutputSpec& o : schema.outputs) names.push_back(o.column);
    return names;
}

std::vector<int64_t> gapGroups(const Schema& schema) {
    return partial::keypointGroups(static_cast<int64_t>(schema.keypoints.size()), static_cast<int64_t>(schema.outputs.size()));
}

TableGaps tableGaps(const CsvTable& csv, const Schema& schema) {
    TableGaps t;
    Schema gapsOnly = schema;
    gapsOnly.categorical.clear();
    gapsOnly.numerical.clear();
    const DesignTable table = buildDesignTableWithGaps(csv, gapsOnly, &t.skippedLines);
    const auto rows = static_cast<int64_t>(table.rows), dims = static_cast<int64_t>(table.outputDim);
    at::Tensor observed = at::empty({rows, dims}, at::kFloat);
    float* out = observed.data_ptr<float>();
    for (std::size_t i = 0; i < table.outputs.size(); ++i) out[i] = std::isnan(table.outputs[i]) ? 0.0f : 1.0f;
    t.masks = partial::groupObserved(observed, gapGroups(schema));
    t.lines = table.lineNumbers;
    return t;
}

std::vector<uint8_t> maskBytes(const at::Tensor& masks) {
    const at::Tensor bytes = (masks > 0.5).to(at::kByte).cpu().contiguous();
    return {bytes.data_ptr<uint8_t>(), bytes.data_ptr<uint8_t>() + bytes.numel()};
}

}  // namespace ms::api
