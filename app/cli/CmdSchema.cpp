#include <iostream>

#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "core/data/CsvReader.h"
#include "core/data/SchemaInference.h"
#include "core/data/SchemaJson.h"
#include "mcvae/Preset.h"

namespace ms::cli {

namespace {

struct SchemaOptions {
    std::string data;
    std::string out;
    std::string preset = "default";
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--data", data, "input CSV")->required();
        cmd->add_option("--out", out, "write the schema as JSON (edit it, then pass --schema to train)");
        cmd->add_option("--preset", preset, "apply a preset's column overrides (e.g. geobiked)");
        cmd->add_flag("--json", json, "print the schema as JSON on the last line");
    }
    void validate() const {}
};

void runSchema(const SchemaOptions& o) {
    const Schema schema = inferSchema(readCsvFile(o.data), mcvae::loadPreset(o.preset).columns);
    if (!o.out.empty()) {
        saveSchemaFile(schema, o.out);
        std::cout << "wrote " << o.out << std::endl;
    }
    if (o.json)
        printJsonLine(schemaToJson(schema));
    else
        std::cout << describeSchema(schema);
}

}  // namespace

void addSchemaCommand(CLI::App& app) {
    addCommand<SchemaOptions>(&app, "schema", "Infer a CSV's schema (keypoints, outputs, conditions) and print or save it", runSchema);
}

}  // namespace ms::cli
