#include "sfarm/SfarmModelFile.h"

#include <cmath>
#include <stdexcept>

#include "core/io/ArchiveFile.h"
#include "core/io/BundleError.h"
#include "core/io/EpochPositionArchive.h"

namespace ms::sfarm {
namespace {
constexpr int kSfarmFormatVersion = 1;
}

std::shared_ptr<torch::serialize::OutputArchive> sfarmModelArchive(const SfarmModelFile& f) {
    const auto& c = f.model->config();
    nlohmann::json meta = {{"format", "maskstudio-sfarm"},
                                 {"format_version", kSfarmFormatVersion},
                                 {"created_with", std::string("maskstudio ") + MASKSTUDIO_VERSION},
                                 {"columns", f.columns},
                                 {"mean", f.mean},
                                 {"sd", f.sd},
                                 {"low", f.low},
                                 {"high", f.high},
                                 {"class_names", f.classNames},
                                 {"network", {{"elements", c.elements}, {"hidden", c.hidden}, {"layers", c.layers}, {"embedding", c.embedding}, {"classes", c.classes}, {"levels", c.levels}, {"mixture", c.mixture}, {"atoms", c.atoms}, {"gaussian_path", c.gaussianPath}}},
                                 {"schema", f.schema},
                                 {"training", f.training}};
    auto archive = std::make_shared<torch::serialize::OutputArchive>();
    if (f.progress) {
        const SfarmRunProgress& p = *f.progress;
        meta["progress"] = {{"epochs_done", p.epochsDone},
                            {"best_epoch", p.bestEpoch},
                            {"best_score", std::isfinite(p.bestScore) ? nlohmann::json(p.bestScore) : nlohmann::json()},
                            {"best_weights", p.bestWeights.size()},
                            {"stopped_early", p.stoppedEarly}};
        for (std::size_t k = 0; k < p.bestWeights.size(); ++k)  // copies already (taken at the check)
            archive->write("best/" + std::to_string(k), p.bestWeights[k]);
        if (p.position.defined()) {  // a checkpoint inside an epoch
            meta["progress"]["epoch_position"] = epochPositionJson(p.position);
            writeEpochPosition(*archive, p.position);
        }
    }
    archive->write("meta", c10::IValue(meta.dump()));
    writeModuleTensors(*archive, "weights/", *f.model);
    return archive;
}

void saveSfarmModel(const SfarmModelFile& f, const std::string& path) {
    saveArchiveAtomically(*sfarmModelArchive(f), path, "SFARM model");
}

SfarmModelFile loadSfarmModel(const std::string& path) {
    torch::serialize::InputArchive archive;
    const nlohmann::json meta = loadArchiveMeta(archive, path, "maskstudio-sfarm", kSfarmFormatVersion, "SFARM model");
    SfarmModelFile f;
    SfarmMlpConfig c;
    try {
        f.columns = meta.at("columns").get<std::vector<std::string>>();
        f.mean = meta.at("mean").get<std::vector<double>>();
        f.sd = meta.at("sd").get<std::vector<double>>();
        f.low = meta.value("low", std::vector<double>{});
        f.high = meta.value("high", std::vector<double>{});
        f.classNames = meta.value("class_names", std::vector<std::vector<std::string>>{});
        const auto& n = meta.at("network");
        c.elements = n.at("elements").get<int64_t>();
        c.hidden = n.at("hidden").get<int64_t>();
        c.layers = n.at("layers").get<int64_t>();
        c.embedding = n.at("embedding").get<int64_t>();
        c.classes = n.value("classes", std::vector<int64_t>{});
        c.levels = n.value("levels", std::vector<int64_t>{});
        c.mixture = n.value("mixture", int64_t{1});
        c.atoms = n.value("atoms", std::vector<std::vector<double>>{});
        c.gaussianPath = n.value("gaussian_path", false);
        f.schema = meta.value("schema", nlohmann::json());
        f.training = meta.value("training", nlohmann::json::object());
    } catch (const std::exception& e) {
        throw BundleError(path + ": damaged SFARM model metadata (" + e.what() + ")");
    }
    if (static_cast<int64_t>(f.columns.size()) != c.elements || f.mean.size() != f.columns.size() || f.sd.size() != f.columns.size() ||
        (!f.low.empty() && f.low.size() != f.columns.size()) || f.low.size() != f.high.size() ||
        (!f.classNames.empty() && f.classNames.size() != f.columns.size()))
        throw BundleError(path + ": the SFARM model's columns, standardisation and network disagree");
    try {
        f.model = SfarmMlp(c);
    } catch (const std::invalid_argument& e) {
        throw BundleError(path + ": " + e.what());
    }
    for (std::size_t j = 0; j < f.classNames.size(); ++j)
        if (!f.classNames[j].empty() && static_cast<int64_t>(f.classNames[j].size()) != (c.categorical(static_cast<int64_t>(j)) ? c.classes[j] : -1))
            throw BundleError(path + ": column '" + f.columns[j] + "' lists " + std::to_string(f.classNames[j].size()) +
                              " classes, but the network's element is not categorical with as many");
    readModuleTensors(archive, "weights/", *f.model, path);
    f.model->eval();
    if (meta.contains("progress")) {
        SfarmRunProgress p;
        try {
            const nlohmann::json& j = meta.at("progress");
            p.epochsDone = j.at("epochs_done").get<int64_t>();
            p.bestEpoch = j.at("best_epoch").get<int64_t>();
            if (!j.at("best_score").is_null()) p.bestScore = j.at("best_score").get<double>();
            p.stoppedEarly = j.value("stopped_early", false);
            const auto count = j.at("best_weights").get<std::size_t>();
            const auto trainable = f.model->trainableParameters();
            if (count != 0 && count != trainable.size()) throw std::runtime_error("best weights for another network");
            for (std::size_t k = 0; k < count; ++k) {
                at::Tensor t;
                archive.read("best/" + std::to_string(k), t);
                requireInsideStorage(t, path, "best/" + std::to_string(k));
                if (!t.sizes().equals(trainable[k].sizes())) throw std::runtime_error("best weight " + std::to_string(k) + " has another shape");
                p.bestWeights.push_back(t);
            }
            if (j.contains("epoch_position")) {
                p.position = epochPositionFromJson(j.at("epoch_position"));
                if (p.position.epoch != p.epochsDone + 1 || !readEpochPosition(archive, path, p.position))
                    throw std::runtime_error("the position inside epoch " + std::to_string(p.position.epoch) + " is incomplete");
            }
        } catch (const c10::Error& e) {
            throw BundleError(path + ": damaged training progress (" + e.what_without_backtrace() + ")");
        } catch (const std::exception& e) {
            throw BundleError(path + ": damaged training progress (" + e.what() + ")");
        }
        f.progress = p;
    }
    return f;
}

}  // namespace ms::sfarm
