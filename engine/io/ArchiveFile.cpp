#include "io/ArchiveFile.h"

#include <cstdio>
#include <filesystem>

#include "io/ModelBundle.h"

namespace ms {

void saveArchiveAtomically(torch::serialize::OutputArchive& archive, const std::string& path, const std::string& what) {
    const std::string tmp = path + ".tmp";
    try {
        archive.save_to(tmp);
    } catch (const c10::Error& e) {
        std::remove(tmp.c_str());
        throw BundleError(path + ": could not write the " + what + " file (" + e.what_without_backtrace() + ")");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw BundleError(path + ": could not replace the " + what + " file (" + ec.message() + ")");
}

nlohmann::json loadArchiveMeta(torch::serialize::InputArchive& archive, const std::string& path,
                               const std::string& format, int version, const std::string& what) {
    if (!std::filesystem::exists(path)) throw BundleError(path + ": " + what + " file not found");
    c10::IValue metaValue;
    try {
        archive.load_from(path);
        archive.read("meta", metaValue);
    } catch (const c10::Error&) {
        throw BundleError(path + ": not a Maskstudio " + what + " (not a LibTorch archive with a 'meta' entry)");
    }
    nlohmann::json meta;
    try {
        meta = nlohmann::json::parse(metaValue.toStringRef());
    } catch (const std::exception& e) {
        throw BundleError(path + ": the " + what + "'s metadata is not valid JSON (" + e.what() + ")");
    }
    if (meta.value("format", "") != format)
        throw BundleError(path + ": not a Maskstudio " + what + " (format '" + meta.value("format", "") + "')");
    const int found = meta.value("format_version", -1);
    if (found != version)
        throw BundleError(path + ": " + what + " format version " + std::to_string(found) + "; this Maskstudio reads version " +
                          std::to_string(version) + (found > version ? " (update Maskstudio)" : " (retrain the model)"));
    return meta;
}

}  // namespace ms
