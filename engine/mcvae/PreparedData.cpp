#include "mcvae/PreparedData.h"

#include "core/data/CsvReader.h"
#include "core/data/DataError.h"
#include "core/data/DesignTableBuilder.h"
#include "core/data/SchemaJson.h"

namespace ms::mcvae {

PreparedData prepareData(const std::string& csvPath, const std::string& schemaPath, const Preset& preset) {
    const CsvTable csv = readCsvFile(csvPath);
    PreparedData d;
    d.path = csvPath;
    d.schema = schemaPath.empty() ? inferSchema(csv, preset.columns) : loadSchemaFile(schemaPath);
    if (d.schema.outputDim() == 0)
        throw DataError(csvPath, 0, "", "the schema has no keypoints or outputs to generate; mark the geometry "
                                        "columns as keypoint-x/keypoint-y or output");
    d.table = buildDesignTable(csv, d.schema);
    d.normalization = Normalization::fit(d.table);
    return d;
}

PreparedData prepareDataWithSchema(const std::string& csvPath, const Schema& schema, const Normalization& norm) {
    PreparedData d;
    d.path = csvPath;
    d.schema = schema;
    d.table = buildDesignTable(readCsvFile(csvPath), schema);
    d.normalization = norm;
    return d;
}

}  // namespace ms::mcvae
