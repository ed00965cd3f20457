#include "api/ImageData.h"

#include <set>
#include <stdexcept>

#include "core/data/DesignTableBuilder.h"
#include "core/data/SchemaInference.h"
#include "mcvae/Preset.h"

namespace ms::api {

ImageConditions inferImageConditions(const ImageSet& images, const std::string& presetName,
                                     const std::vector<std::string>& ignored) {
    std::map<std::string, ColumnOverride> overrides;
    if (!presetName.empty())  // a keypoint preset names columns (keypoints, outputs) an image CSV need not have
        for (const auto& [column, o] : mcvae::loadPreset(presetName).columns)
            if (images.conditions.columnIndex(column) >= 0) overrides[column] = o;
    overrides[images.imageColumn] = ColumnOverride{ColumnRole::Ignore};
    for (const std::string& column : ignored)
        if (images.conditions.columnIndex(column) >= 0) overrides[column] = ColumnOverride{ColumnRole::Ignore};
    // Columns an image model has no use for (keypoints, extra outputs) are ignored too.
    ImageConditions c;
    Schema inferred = inferSchema(images.conditions, overrides);
    for (const auto& k : inferred.keypoints) {
        inferred.ignored.push_back(k.xColumn);
        inferred.ignored.push_back(k.yColumn);
    }
    for (const auto& o : inferred.outputs) inferred.ignored.push_back(o.column);
    inferred.keypoints.clear();
    inferred.outputs.clear();
    c.schema = inferred;
    c.table = buildDesignTable(images.conditions, c.schema);
    c.normalization = Normalization::fit(c.table);
    return c;
}

ImageConditions imageConditionsWithSchema(const ImageSet& images, const Schema& schema, const Normalization& norm) {
    ImageConditions c;
    c.schema = schema;
    c.table = buildDesignTable(images.conditions, schema);
    c.normalization = norm;
    return c;
}

void requireImagesOfSize(const ImageSet& images, int64_t size, int64_t channels) {
    if (images.size != size || images.channels != channels)
        throw std::invalid_argument(images.source + ": images are " + std::to_string(images.size) + " px x " +
                                    std::to_string(images.channels) + " channel(s), the model wants " + std::to_string(size) +
                                    " px x " + std::to_string(channels));
}

HeldOutSplit splitByHeldOutFiles(const ImageSet& images, const std::vector<std::string>& testFiles, int64_t maxRows,
                                 const std::string& modelPath) {
    const std::set<std::string> held(testFiles.begin(), testFiles.end());
    HeldOutSplit split;
    for (int64_t i = 0; i < images.count(); ++i) {
        if (held.count(images.files[static_cast<std::size_t>(i)]) == 0)
            split.train.push_back(i);
        else if (static_cast<int64_t>(split.test.size()) < maxRows)
            split.test.push_back(i);  // held-out rows past maxRows are in neither part
    }
    if (split.test.empty()) throw std::invalid_argument(modelPath + ": none of its held-out images is in " + images.source);
    return split;
}

}  // namespace ms::api
