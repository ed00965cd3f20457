#include "api/PartialScaling.h"

#include "core/data/SchemaJson.h"

namespace ms::api {

Normalization partialModelNormalization(const Schema& schema, const std::vector<double>& low, const std::vector<double>& high) {
    Normalization n;
    n.outputs.min = low;
    n.outputs.max = high;
    for (const NumericalSpec& s : schema.numerical) {
        n.numerical.min.push_back(s.min);
        n.numerical.max.push_back(s.max);
    }
    return n;
}

partial::PartialModelFile loadPartialVectorModel(const std::string& path, Schema& schema) {
    partial::PartialModelFile f = partial::loadPartialModel(path, "vectors");
    schema = schemaFromJson(f.schema, path);
    return f;
}

}  // namespace ms::api
