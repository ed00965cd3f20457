#include "core/io/ArchiveFile.h"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include <torch/csrc/autograd/grad_mode.h>

#include "core/io/BundleError.h"
#include "core/io/TorchArchiveCheck.h"

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
    checkTorchArchive(path, what);  // LibTorch crashes on some damaged archives: they stop here, named
    c10::IValue metaValue;
    try {
        archive.load_from(path);
        archive.read("meta", metaValue);
    } catch (const std::exception&) {  // c10::Error, or the archive's attribute errors
        throw BundleError(path + ": not a Maskstudio " + what + " (not a LibTorch archive with a 'meta' entry)");
    }
    nlohmann::json meta;
    try {
        meta = nlohmann::json::parse(metaValue.toStringRef());
    } catch (const std::exception& e) {
        throw BundleError(path + ": the " + what + "'s metadata is not valid JSON (" + e.what() + ")");
    }
    // a damaged or foreign file can hold any JSON here: every kind checked before it is read
    const bool named = meta.is_object() && meta.contains("format") && meta["format"].is_string();
    if (!named || meta["format"].get<std::string>() != format)
        throw BundleError(path + ": not a Maskstudio " + what + " (format '" + (named ? meta["format"].get<std::string>() : "") + "')");
    if (!meta.contains("format_version") || !meta["format_version"].is_number_integer())
        throw BundleError(path + ": the " + what + "'s metadata has no whole-number format_version");
    const int64_t found = meta["format_version"].get<int64_t>();
    if (found != version)
        throw BundleError(path + ": " + what + " format version " + std::to_string(found) + "; this Maskstudio reads version " +
                          std::to_string(version) + (found > version ? " (update Maskstudio)" : " (retrain the model)"));
    return meta;
}

void requireInsideStorage(const at::Tensor& tensor, const std::string& path, const std::string& key) {
    if (!tensor.defined() || tensor.numel() == 0) return;
    int64_t last = tensor.storage_offset();  // the element furthest into the storage, overflow-checked
    bool valid = last >= 0 && tensor.has_storage();
    for (int64_t d = 0; valid && d < tensor.dim(); ++d) {
        int64_t reach = 0;
        valid = tensor.stride(d) >= 0 && !__builtin_mul_overflow(tensor.size(d) - 1, tensor.stride(d), &reach) &&
                !__builtin_add_overflow(last, reach, &last);
    }
    int64_t bytes = 0;
    if (!valid || __builtin_mul_overflow(last + 1, static_cast<int64_t>(tensor.element_size()), &bytes) ||
        static_cast<uint64_t>(bytes) > tensor.storage().nbytes())
        throw BundleError(path + ": " + key + " declares more values than it holds (damaged file)");
}

void writeModuleTensors(torch::serialize::OutputArchive& archive, const std::string& prefix, const torch::nn::Module& module,
                        const std::string& bufferPrefix) {
    const std::string buffers = bufferPrefix.empty() ? prefix : bufferPrefix;
    for (const auto& p : module.named_parameters()) archive.write(prefix + p.key(), p.value().detach().cpu().contiguous().clone());
    for (const auto& p : module.named_buffers()) archive.write(buffers + p.key(), p.value().detach().cpu().contiguous().clone());
}

void readModuleTensors(torch::serialize::InputArchive& archive, const std::string& prefix, torch::nn::Module& module,
                       const std::string& path, const std::string& bufferPrefix) {
    torch::NoGradGuard noGrad;
    const auto shape = [](at::IntArrayRef sizes) {
        std::ostringstream s;
        s << sizes;
        return s.str();
    };
    const auto copyInto = [&](const std::string& key, at::Tensor& target) {
        at::Tensor value;
        try {
            archive.read(key, value);
        } catch (const std::exception&) {  // c10::Error, or the archive's attribute errors
            throw BundleError(path + ": " + key + " is missing from the model file (damaged or foreign file)");
        }
        requireInsideStorage(value, path, key);
        if (!value.sizes().equals(target.sizes()))
            throw BundleError(path + ": " + key + " has shape " + shape(value.sizes()) + " in the file but the architecture needs " +
                              shape(target.sizes()));
        target.copy_(value);
    };
    const std::string buffers = bufferPrefix.empty() ? prefix : bufferPrefix;
    for (auto& p : module.named_parameters()) copyInto(prefix + p.key(), p.value());
    for (auto& p : module.named_buffers()) copyInto(buffers + p.key(), p.value());
}

}  // namespace ms
