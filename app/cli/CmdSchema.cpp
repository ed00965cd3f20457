#include <iostream>

#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "core/data/CsvReader.h"
#include "core/data/SchemaInference.h"
#include "core/data/SchemaJson.h"
#include "mcvae/Preset.h"

namespace ms::cli {

void addSchemaCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("schema", "Infer a CSV's schema (keypoints, outputs, conditions) and print or save it");
    auto data = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto preset = std::make_shared<std::string>("default");
    auto json = std::make_shared<bool>(false);
    cmd->add_option("--data", *data, "input CSV")->required();
    cmd->add_option("--out", *out, "write the schema as JSON (edit it, then pass --schema to train)");
    cmd->add_option("--preset", *preset, "apply a preset's column overrides (e.g. geobiked)");
    cmd->add_flag("--json", *json, "print the schema as JSON on the last line");
    cmd->callback([=] {
        const Schema schema = inferSchema(readCsvFile(*data), mcvae::loadPreset(*preset).columns);
        if (!out->empty()) {
            saveSchemaFile(schema, *out);
            std::cout << "wrote " << *out << std::endl;
        }
        if (*json)
            printJsonLine(schemaToJson(schema));
        else
            std::cout << describeSchema(schema);
    });
}

}  // namespace ms::cli
