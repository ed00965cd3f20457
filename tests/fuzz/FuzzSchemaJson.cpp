// libFuzzer target: a schema file (JSON, `schema --out`, `train --schema`) as a user might
// hand-edit or damage it, read as the product reads it (loadSchemaFile). Allowed outcomes: a
// schema, or a std::exception whose message names the file; a schema that loads must survive its
// own JSON form.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>

#include "FuzzFailure.h"
#include "core/data/SchemaInference.h"
#include "core/data/SchemaJson.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::string path = "/tmp/maskstudio-fuzz-" + std::to_string(getpid()) + "-schema.json";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    ms::Schema schema;
    try {
        schema = ms::loadSchemaFile(path);
        (void)ms::describeSchema(schema);
    } catch (const std::exception& e) {
        if (std::string(e.what()).find(path) == std::string::npos) failure("an error that does not name the file", e.what());
        return 0;
    }
    if (ms::schemaFromJson(ms::schemaToJson(schema), "again.json") != schema) failure("a schema that changes through its JSON", path.c_str());
    return 0;
}
