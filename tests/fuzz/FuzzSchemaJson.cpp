// libFuzzer target: a schema file (JSON) as a user might hand-edit or damage it. Allowed
// outcomes: a schema, or a std::exception with a message naming the file; a schema that loads
// must survive its own JSON form.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "FuzzFailure.h"

#include <nlohmann/json.hpp>

#include "core/data/SchemaInference.h"
#include "core/data/SchemaJson.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const nlohmann::json json = nlohmann::json::parse(data, data + size, nullptr, false);  // no exceptions
    if (json.is_discarded()) return 0;
    ms::Schema schema;
    try {
        schema = ms::schemaFromJson(json, "fuzz.json");
        (void)ms::describeSchema(schema);
    } catch (const std::exception& e) {
        if (std::string(e.what()).find("fuzz.json") == std::string::npos) failure("an error that does not name the file", e.what());
        return 0;
    }
    if (ms::schemaFromJson(ms::schemaToJson(schema), "again.json") != schema) std::abort();
    return 0;
}
