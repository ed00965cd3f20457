#include "mcvae/ModelBundle.h"

#include <nlohmann/json.hpp>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "core/data/SchemaJson.h"
#include "core/io/ArchiveFile.h"
#include "mcvae/McVaeJson.h"

namespace ms::mcvae {
namespace {

using nlohmann::json;


json metaJson(const ModelBundle& b) {
    json history = json::array();
    for (const auto& r : b.state.history) history.push_back(toJson(r));
    return {{"format", "maskstudio-model"},
            {"format_version", ModelBundle::kFormatVersion},
            {"created_with", std::string("maskstudio ") + MASKSTUDIO_VERSION},
            {"model_type", b.modelType},
            {"name", b.name},
            {"schema", schemaToJson(b.schema)},
            {"normalization", toJson(b.normalization)},
            {"architecture", toJson(b.config)},
            {"training", toJson(b.training)},
            {"split",
             {{"seed", b.split.seed},
              {"data_rows", b.split.dataRows},
              {"data_fingerprint", b.split.dataFingerprint},
              {"data_file", b.split.dataFile},
              {"data_path", b.split.dataPath},
              {"test_rows", b.split.testRows}}},
            {"progress",
             {{"completed_epochs", b.state.completedEpochs},
              {"global_step", b.state.globalStep},
              {"optimizer_step", b.state.optimizer.step},
              {"partial", b.state.partial},
              {"finished", b.state.finished}}},
            {"history", history}};
}

}  // namespace

std::shared_ptr<torch::serialize::OutputArchive> bundleArchive(const ModelBundle& b, const std::string& path) {
    if (!b.model) throw BundleError(path + ": cannot save a bundle without a model");
    auto archive = std::make_shared<torch::serialize::OutputArchive>();
    archive->write("meta", c10::IValue(metaJson(b).dump()));
    writeModuleTensors(*archive, "weights/", *b.model, "buffers/");
    if (b.state.optimizer.expAvg.defined()) {
        archive->write("optimizer/exp_avg", b.state.optimizer.expAvg.detach().cpu().contiguous().clone());
        archive->write("optimizer/exp_avg_sq", b.state.optimizer.expAvgSq.detach().cpu().contiguous().clone());
    }
    if (b.state.rngState.defined()) archive->write("rng/state", b.state.rngState.cpu().clone());
    return archive;
}

void saveBundle(const ModelBundle& b, const std::string& path) {
    saveArchiveAtomically(*bundleArchive(b, path), path, "model bundle");
}

ModelBundle loadBundle(const std::string& path) {
    torch::serialize::InputArchive archive;
    const json meta = loadArchiveMeta(archive, path, "maskstudio-model", ModelBundle::kFormatVersion, "model bundle");

    ModelBundle b;
    try {
        b.modelType = meta.at("model_type").get<std::string>();
        if (b.modelType != "mcvae") throw BundleError(path + ": unsupported model type '" + b.modelType + "'");
        b.name = meta.value("name", "");
        b.schema = schemaFromJson(meta.at("schema"), path + ": schema");
        readJson(meta.at("normalization"), b.normalization, path + ": normalization");
        readJson(meta.at("architecture"), b.config, path + ": architecture");
        readJson(meta.at("training"), b.training, path + ": training");
        const json& split = meta.at("split");
        b.split.seed = split.at("seed").get<uint64_t>();
        b.split.dataRows = split.at("data_rows").get<int64_t>();
        b.split.dataFingerprint = split.at("data_fingerprint").get<uint64_t>();
        b.split.dataFile = split.at("data_file").get<std::string>();
        b.split.dataPath = split.value("data_path", std::string());
        b.split.testRows = split.at("test_rows").get<std::vector<int64_t>>();
        const json& progress = meta.at("progress");
        b.state.completedEpochs = progress.at("completed_epochs").get<int64_t>();
        b.state.globalStep = progress.at("global_step").get<int64_t>();
        b.state.optimizer.step = progress.at("optimizer_step").get<int64_t>();
        b.state.partial = progress.at("partial").get<bool>();
        b.state.finished = progress.at("finished").get<bool>();
        for (const auto& r : meta.at("history")) {
            EpochRecord rec;
            readJson(r, rec, path + ": history");
            b.state.history.push_back(rec);
        }
    } catch (const BundleError&) {
        throw;
    } catch (const std::exception& e) {
        throw BundleError(path + ": damaged model metadata (" + e.what() + ")");
    }

    // Cross-checks between the parts, so a hand-edited file fails here and not in a matmul.
    if (b.config.outputDim != static_cast<int64_t>(b.schema.outputDim()))
        throw BundleError(path + ": architecture.output_dim is " + std::to_string(b.config.outputDim) +
                          " but the schema has " + std::to_string(b.schema.outputDim()) + " outputs");
    if (b.config.classCounts.size() != b.schema.categorical.size() ||
        b.config.numericalCount != static_cast<int64_t>(b.schema.numerical.size()))
        throw BundleError(path + ": the architecture's condition counts do not match the schema");
    for (size_t i = 0; i < b.schema.categorical.size(); ++i)
        if (b.config.classCounts[i] != static_cast<int64_t>(b.schema.categorical[i].classes.size()))
            throw BundleError(path + ": condition '" + b.schema.categorical[i].column + "' has " +
                              std::to_string(b.schema.categorical[i].classes.size()) +
                              " classes in the schema but " + std::to_string(b.config.classCounts[i]) +
                              " in the architecture");

    b.model = McVae(b.config);
    readModuleTensors(archive, "weights/", *b.model, path, "buffers/");

    at::Tensor t;
    try {
        archive.read("optimizer/exp_avg", t);
        requireInsideStorage(t, path, "optimizer/exp_avg");
        b.state.optimizer.expAvg = t;
        at::Tensor t2;
        archive.read("optimizer/exp_avg_sq", t2);
        requireInsideStorage(t2, path, "optimizer/exp_avg_sq");
        b.state.optimizer.expAvgSq = t2;
    } catch (const std::exception&) {  // c10::Error, or the archive's attribute errors
        b.state.optimizer = {};  // a bundle exported without training state: inference only
    }
    try {
        at::Tensor rng;
        archive.read("rng/state", rng);
        requireInsideStorage(rng, path, "rng/state");
        b.state.rngState = rng;
    } catch (const std::exception&) {  // c10::Error, or the archive's attribute errors
    }
    return b;
}

}  // namespace ms::mcvae
