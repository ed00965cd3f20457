#include "core/data/SchemaJson.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/data/DataError.h"
#include "core/data/NumberText.h"
#include "core/data/TextFile.h"

namespace ms {

namespace {

using nlohmann::json;

constexpr const char* kFormat = "maskstudio-schema";
constexpr int kVersion = 1;

// Reads one JSON document into a Schema, remembering where each column was first used so a
// duplicate can name both places.
class SchemaReader {
public:
    explicit SchemaReader(const std::string& source) : m_source(source) {}

    Schema read(const json& root) {
        if (!root.is_object()) fail("", "the schema must be a JSON object");
        checkFields(root, "",
                    {"format", "version", "keypoints", "outputs", "categorical", "numerical", "ignored"});
        checkHeader(root);
        Schema schema;
        forEach(root, "keypoints", [&](const json& item, const std::string& at) {
            requireObject(item, at, {"name", "xColumn", "yColumn"});
            KeypointSpec k{text(item, at, "name"), column(item, at, "xColumn"), column(item, at, "yColumn")};
            if (!m_keypointNames.insert(k.name).second)
                fail(at + ".name", "duplicate keypoint name '" + k.name + "'");
            schema.keypoints.push_back(std::move(k));
        });
        forEach(root, "outputs", [&](const json& item, const std::string& at) {
            requireObject(item, at, {"column"});
            schema.outputs.push_back({column(item, at, "column")});
        });
        forEach(root, "categorical", [&](const json& item, const std::string& at) {
            requireObject(item, at, {"column", "classes", "label"});
            CategoricalSpec c;
            c.column = column(item, at, "column");
            c.classes = classes(item, at + ".classes");
            c.label = optionalText(item, at, "label");
            schema.categorical.push_back(std::move(c));
        });
        forEach(root, "numerical", [&](const json& item, const std::string& at) {
            requireObject(item, at, {"column", "min", "max", "label", "wholeNumbers"});
            NumericalSpec n;
            n.column = column(item, at, "column");
            n.min = number(item, at, "min");
            n.max = number(item, at, "max");
            n.label = optionalText(item, at, "label");
            if (auto whole = item.find("wholeNumbers"); whole != item.end()) {
                if (!whole->is_boolean()) fail(at + ".wholeNumbers", "must be true or false, found " + whole->dump());
                n.wholeNumbers = whole->get<bool>();
            }
            if (n.min > n.max)
                fail(at,
                     "min (" + formatNumber(n.min) + ") is greater than max (" + formatNumber(n.max) + ")");
            schema.numerical.push_back(std::move(n));
        });
        forEach(root, "ignored", [&](const json& item, const std::string& at) {
            if (!item.is_string() || item.get<std::string>().empty()) fail(at, "must be a non-empty string");
            schema.ignored.push_back(useColumn(item.get<std::string>(), at));
        });
        return schema;
    }

private:
    [[noreturn]] void fail(const std::string& at, const std::string& what) const {
        throw DataError(m_source, 0, "", at.empty() ? what : at + ": " + what);
    }

    void checkHeader(const json& root) const {
        auto format = root.find("format");
        if (format == root.end()) fail("format", std::string("missing; expected \"") + kFormat + "\"");
        if (!format->is_string() || format->get<std::string>() != kFormat)
            fail("format", std::string("expected \"") + kFormat + "\", found " + format->dump());
        auto version = root.find("version");
        if (version == root.end()) fail("version", "missing");
        if (!version->is_number_integer()) fail("version", "must be an integer, found " + version->dump());
        if (version->get<long long>() != kVersion)
            fail("version", version->dump() + " is not supported (this build reads version " +
                                std::to_string(kVersion) + ")");
    }

    void checkFields(const json& object, const std::string& at,
                     std::initializer_list<const char*> allowed) const {
        for (auto it = object.begin(); it != object.end(); ++it) {
            const bool known = std::any_of(allowed.begin(), allowed.end(),
                                           [&](const char* name) { return it.key() == name; });
            if (!known) fail(at.empty() ? it.key() : at + "." + it.key(), "unknown field");
        }
    }

    void requireObject(const json& item, const std::string& at,
                       std::initializer_list<const char*> fields) const {
        if (!item.is_object()) fail(at, "must be an object");
        checkFields(item, at, fields);
    }

    template <typename Visit>
    void forEach(const json& root, const char* field, Visit visit) const {
        auto list = root.find(field);
        if (list == root.end()) return;  // an empty list may be left out
        if (!list->is_array()) fail(field, "must be an array");
        for (std::size_t i = 0; i < list->size(); ++i)
            visit((*list)[i], std::string(field) + "[" + std::to_string(i) + "]");
    }

    std::string text(const json& item, const std::string& at, const char* field) const {
        auto value = item.find(field);
        if (value == item.end()) fail(at + "." + field, "missing");
        if (!value->is_string() || value->get<std::string>().empty())
            fail(at + "." + field, "must be a non-empty string");
        return value->get<std::string>();
    }

    // A field that may be left out (empty then); when present, a string.
    std::string optionalText(const json& item, const std::string& at, const char* field) const {
        auto value = item.find(field);
        if (value == item.end()) return {};
        if (!value->is_string()) fail(at + "." + field, "must be a string, found " + value->dump());
        return value->get<std::string>();
    }

    std::string column(const json& item, const std::string& at, const char* field) {
        return useColumn(text(item, at, field), at + "." + field);
    }

    std::string useColumn(const std::string& name, const std::string& at) {
        auto [it, inserted] = m_columns.emplace(name, at);
        if (!inserted) fail(at, "column '" + name + "' is already used by " + it->second);
        return name;
    }

    double number(const json& item, const std::string& at, const char* field) const {
        auto value = item.find(field);
        if (value == item.end()) fail(at + "." + field, "missing");
        if (!value->is_number()) fail(at + "." + field, "must be a number, found " + value->dump());
        const double v = value->get<double>();
        if (!std::isfinite(v)) fail(at + "." + field, "must be finite");
        return v;
    }

    std::vector<std::string> classes(const json& item, const std::string& at) const {
        auto list = item.find("classes");
        if (list == item.end()) fail(at, "missing");
        const bool allStrings = list->is_array() && std::all_of(list->begin(), list->end(),
                                                                [](const json& c) { return c.is_string(); });
        if (!allStrings || list->empty()) fail(at, "must be a non-empty array of strings");
        std::vector<std::string> result;
        std::set<std::string> seen;
        bool allNumeric = true;
        for (std::size_t i = 0; i < list->size(); ++i) {
            const std::string name = (*list)[i].get<std::string>();
            const std::string here = at + "[" + std::to_string(i) + "]";
            if (name.empty()) fail(here, "empty class name (an empty cell means an unknown value)");
            if (!seen.insert(name).second) fail(here, "duplicate class '" + name + "'");
            allNumeric = allNumeric && parseNumber(name).kind == NumberKind::Finite;
            result.push_back(name);
        }
        // All-numeric classes are matched by value ("1" == "1.0"), so their values must differ too.
        if (allNumeric) {
            std::map<double, std::size_t> byValue;
            for (std::size_t i = 0; i < result.size(); ++i) {
                auto [it, inserted] = byValue.emplace(parseNumber(result[i]).value, i);
                if (!inserted)
                    fail(
                        at + "[" + std::to_string(i) + "]",
                        "class '" + result[i] + "' is the same number as class '" + result[it->second] + "'");
            }
        }
        return result;
    }

    const std::string& m_source;
    std::set<std::string> m_keypointNames;
    std::map<std::string, std::string> m_columns;  // column -> where it was first used
};


}  // namespace

nlohmann::json schemaToJson(const Schema& schema) {
    json root = json::object();
    root["format"] = kFormat;
    root["version"] = kVersion;
    json keypoints = json::array();
    for (const KeypointSpec& k : schema.keypoints)
        keypoints.push_back({{"name", k.name}, {"xColumn", k.xColumn}, {"yColumn", k.yColumn}});
    root["keypoints"] = std::move(keypoints);
    json outputs = json::array();
    for (const OutputSpec& o : schema.outputs) outputs.push_back({{"column", o.column}});
    root["outputs"] = std::move(outputs);
    json categorical = json::array();
    for (const CategoricalSpec& c : schema.categorical) {
        json item = {{"column", c.column}, {"classes", c.classes}};
        if (!c.label.empty()) item["label"] = c.label;
        categorical.push_back(std::move(item));
    }
    root["categorical"] = std::move(categorical);
    json numerical = json::array();
    for (const NumericalSpec& n : schema.numerical) {
        json item = {{"column", n.column}, {"min", n.min}, {"max", n.max}};
        if (!n.label.empty()) item["label"] = n.label;
        if (n.wholeNumbers) item["wholeNumbers"] = true;
        numerical.push_back(std::move(item));
    }
    root["numerical"] = std::move(numerical);
    root["ignored"] = schema.ignored;
    return root;
}

Schema schemaFromJson(const nlohmann::json& json, const std::string& sourceForErrors) {
    return SchemaReader(sourceForErrors).read(json);
}

void saveSchemaFile(const Schema& schema, const std::string& path) {
    const json root = schemaToJson(schema);
    schemaFromJson(root, path);  // never write a file that loadSchemaFile would refuse
    const std::string text = root.dump(2) + "\n";
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    if (!file) throw DataError(path, 0, "", std::string("cannot write the file: ") + std::strerror(errno));
    file.write(text.data(), static_cast<std::streamsize>(text.size()));
    file.close();
    if (!file) throw DataError(path, 0, "", std::string("cannot write the file: ") + std::strerror(errno));
}

Schema loadSchemaFile(const std::string& path) {
    const std::string text = readTextFile(path);
    json root;
    try {
        root = json::parse(text);
    } catch (const json::parse_error& e) {
        // e.byte is 1-based: the line is the one holding the character where parsing stopped.
        const std::size_t before = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
        const long line =
            1 + static_cast<long>(std::count(text.begin(), text.begin() + static_cast<long>(before), '\n'));
        std::string detail = e.what();
        const std::size_t bracket = detail.find("] ");
        if (detail.rfind("[json.exception", 0) == 0 && bracket != std::string::npos)
            detail.erase(0, bracket + 2);
        throw DataError(path, line, "", "invalid JSON at byte " + std::to_string(e.byte) + ": " + detail);
    } catch (const json::exception& e) {  // e.g. a number too large for a double (found by tests/fuzz)
        throw DataError(path, 0, "", std::string("invalid JSON: ") + e.what());
    }
    return schemaFromJson(root, path);
}

}  // namespace ms
