// libFuzzer target: a user's CSV through the reader and schema inference (the first thing every
// import does), then the inferred schema through its JSON form and back. Allowed outcomes: a
// table and a schema, or a std::exception with a message (DataError names file, line, column).
// Anything else (a crash, a sanitizer report, a schema that does not survive its own JSON) is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "FuzzFailure.h"

#include "core/data/CsvReader.h"
#include "core/data/SchemaInference.h"
#include "core/data/SchemaJson.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    ms::Schema schema;
    try {
        const ms::CsvTable table = ms::parseCsv(text, "fuzz.csv");
        for (const auto& row : table.rows)
            if (row.size() != table.header.size()) failure("a row with another field count than the header", "");
        schema = ms::inferSchema(table);
        (void)ms::describeSchema(schema);
    } catch (const std::exception& e) {
        if (std::string(e.what()).empty()) failure("an empty error message", "");
        return 0;
    }
    if (ms::schemaFromJson(ms::schemaToJson(schema), "fuzz.json") != schema) failure("an inferred schema that changes through its JSON", "");
    return 0;
}
