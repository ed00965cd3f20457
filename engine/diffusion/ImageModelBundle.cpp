#include "diffusion/ImageModelBundle.h"

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <cstdio>
#include <filesystem>

#include "core/data/SchemaJson.h"
#include "core/io/ArchiveFile.h"
#include "core/io/EpochPositionArchive.h"
#include "core/io/BundleError.h"
#include "core/io/ConfigJson.h"
#include "core/io/TorchArchiveCheck.h"
#include "diffusion/TorchScriptFirstStage.h"

namespace ms::diffusion {
namespace {

using nlohmann::json;
constexpr int kImageFormatVersion = 1;

// The optimizer's moments and a mid-epoch position, from the resume file beside the model (or,
// for the moments, inside files written before there was one). Missing or damaged: fresh moments.
// A resume file from another checkpoint of the run than the model's (kill -9 between the two
// writes) still gives its moments, a checkpoint apart and better than none, but not its position:
// the run resumes from the start of the epoch under way.
void readResumeState(torch::serialize::InputArchive& model, const std::string& path, ImageModelFile& file) {
    const int64_t modelStep = file.optimizer.step;
    const EpochPosition expected = file.position;
    file.position = EpochPosition{};
    try {
        model.read("optimizer/exp_avg", file.optimizer.expAvg);
        model.read("optimizer/exp_avg_sq", file.optimizer.expAvgSq);
        requireInsideStorage(file.optimizer.expAvg, path, "optimizer/exp_avg");
        requireInsideStorage(file.optimizer.expAvgSq, path, "optimizer/exp_avg_sq");
        return;
    } catch (const std::exception&) {  // c10::Error, or the archive's attribute errors
        file.optimizer = AdamWState{};
    }
    const std::string resume = imageModelResumePath(path);
    if (!std::filesystem::exists(resume)) return;  // resumable all the same, with fresh moments
    try {
        checkTorchArchive(resume, "image model resume state");  // damaged: a BundleError, fresh moments below
        torch::serialize::InputArchive state;
        state.load_from(resume);
        c10::IValue step;
        state.read("optimizer/step", step);
        AdamWState moments;
        if (state.try_read("optimizer/exp_avg", moments.expAvg) && state.try_read("optimizer/exp_avg_sq", moments.expAvgSq)) {
            requireInsideStorage(moments.expAvg, resume, "optimizer/exp_avg");
            requireInsideStorage(moments.expAvgSq, resume, "optimizer/exp_avg_sq");
            moments.step = step.toInt();
            file.optimizer = moments;
        }
        if (expected.epoch > 0 && step.toInt() == modelStep) {
            EpochPosition p = expected;
            if (readEpochPosition(state, resume, p)) file.position = p;
        }
    } catch (const std::exception&) {  // c10::Error, or the archive's attribute errors
        file.optimizer = AdamWState{};  // damaged: resumable with fresh moments, as without one
        file.position = EpochPosition{};
    }
}

}  // namespace

json toJson(const McUnetConfig& c) {
    return {{"in_channels", c.inChannels}, {"out_channels", c.outChannels}, {"base_channels", c.baseChannels}, {"channel_mult", c.channelMult},
            {"res_blocks", c.resBlocks},   {"attention_from_level", c.attentionFromLevel},
            {"heads", c.heads},            {"condition_dim", c.conditionDim},
            {"condition_channels", c.conditionChannels}, {"class_counts", c.classCounts},
            {"numerical_count", c.numericalCount}, {"cross_attention", c.crossAttention},
            {"cross_attention_levels", c.crossAttentionLevels}, {"token_dim", c.tokenDim}, {"mask_grid", c.maskGrid},
            {"concept_tokens", c.conceptTokens}};
}

json toJson(const KlAutoencoderConfig& c) {
    return {{"image_channels", c.imageChannels}, {"latent_channels", c.latentChannels},
            {"hidden_channels", c.hiddenChannels}, {"factor", c.factor}};
}

void readJson(const json& j, McUnetConfig& c) {
    c.inChannels = j.at("in_channels").get<int64_t>();
    c.outChannels = j.value("out_channels", int64_t{0});  // files before it: as many as in
    c.baseChannels = j.at("base_channels").get<int64_t>();
    c.channelMult = j.at("channel_mult").get<std::vector<int64_t>>();
    c.resBlocks = j.at("res_blocks").get<int64_t>();
    c.attentionFromLevel = j.at("attention_from_level").get<int64_t>();
    c.heads = j.at("heads").get<int64_t>();
    c.conditionDim = j.at("condition_dim").get<int64_t>();
    c.conditionChannels = j.at("condition_channels").get<int64_t>();
    c.classCounts = j.at("class_counts").get<std::vector<int64_t>>();
    c.numericalCount = j.at("numerical_count").get<int64_t>();
    // files before cross-attention: the paper's mcLDM
    c.crossAttention = j.value("cross_attention", false);
    c.crossAttentionLevels = j.value("cross_attention_levels", int64_t{2});
    c.tokenDim = j.value("token_dim", int64_t{64});
    c.maskGrid = j.value("mask_grid", int64_t{16});
    c.conceptTokens = j.value("concept_tokens", int64_t{0});
}

void readJson(const json& j, KlAutoencoderConfig& c) {
    c.imageChannels = j.at("image_channels").get<int64_t>();
    c.latentChannels = j.at("latent_channels").get<int64_t>();
    c.hiddenChannels = j.at("hidden_channels").get<int64_t>();
    c.factor = j.at("factor").get<int64_t>();
}

void saveImageModel(const ImageModelFile& file, const std::string& path) {
    const McLdm& m = file.model;
    if (!m.unet || !m.firstStage) throw BundleError(path + ": cannot save an image model without U-Net and first stage");
    if (static_cast<int64_t>(m.concepts.size()) != m.unet->config().conceptTokens)
        throw BundleError(path + ": every concept token needs a name");
    json firstStage;
    if (m.autoencoder) {
        firstStage = {{"kind", "kl-autoencoder"}, {"config", toJson(m.autoencoder->config())}};
    } else if (const auto* ts = dynamic_cast<const TorchScriptFirstStage*>(m.firstStage.get())) {
        firstStage = {{"kind", "torchscript"}, {"encoder", ts->encoderPath()}, {"decoder", ts->decoderPath()}};
    } else {
        throw BundleError(path + ": unknown first stage kind");
    }
    json meta = {{"format", "maskstudio-image-model"},
                       {"format_version", kImageFormatVersion},
                       {"created_with", std::string("maskstudio ") + MASKSTUDIO_VERSION},
                       {"schema", schemaToJson(m.schema)},
                       {"normalization", toJson(m.normalization)},
                       {"image_size", m.imageSize},
                       {"image_channels", m.imageChannels},
                       {"latent_scale", m.latentScale},
                       {"schedule", {{"steps", m.schedule.steps}, {"beta_start", m.schedule.betaStart}, {"beta_end", m.schedule.betaEnd}}},
                       {"unet", toJson(m.unet->config())},
                       {"concepts", m.concepts},
                       {"first_stage", firstStage},
                       {"training", file.training},
                       {"progress", {{"completed_epochs", file.completedEpochs}, {"partial", file.partial},
                                     {"optimizer_step", file.optimizer.step}, {"autoencoder_epochs_done", file.autoencoderEpochsDone}}}};
    if (file.position.defined())
        meta["progress"]["epoch_position"] = epochPositionJson(file.position);
    torch::serialize::OutputArchive archive;
    archive.write("meta", c10::IValue(meta.dump()));
    writeModuleTensors(archive, "unet/", *m.unet);
    if (m.autoencoder) writeModuleTensors(archive, "autoencoder/", *m.autoencoder);
    saveArchiveAtomically(archive, path, "image model");
    // The optimizer's moments (twice the U-Net's size) only in the resume file beside it: the
    // model a user opens and shares stays the weights' size.
    const std::string resume = imageModelResumePath(path);
    if (file.optimizer.expAvg.defined() || file.position.defined()) {
        torch::serialize::OutputArchive state;
        state.write("optimizer/step", c10::IValue(file.optimizer.step));
        if (file.optimizer.expAvg.defined()) {
            state.write("optimizer/exp_avg", file.optimizer.expAvg.detach().cpu().contiguous());
            state.write("optimizer/exp_avg_sq", file.optimizer.expAvgSq.detach().cpu().contiguous());
        }
        if (file.position.defined()) writeEpochPosition(state, file.position);
        saveArchiveAtomically(state, resume, "image model resume state");
    } else {
        std::error_code ignored;
        std::filesystem::remove(resume, ignored);  // a stale one would not match these weights
    }
}

std::string imageModelResumePath(const std::string& modelPath) {
    return modelPath + ".resume";
}

ImageModelFile loadImageModel(const std::string& path) {
    torch::serialize::InputArchive archive;
    const json meta = loadArchiveMeta(archive, path, "maskstudio-image-model", kImageFormatVersion, "image model");
    ImageModelFile file;
    McLdm& m = file.model;
    try {
        m.schema = schemaFromJson(meta.at("schema"), path + ": schema");
        readJson(meta.at("normalization"), m.normalization, path + ": normalization");
        m.imageSize = meta.at("image_size").get<int64_t>();
        m.imageChannels = meta.at("image_channels").get<int64_t>();
        m.latentScale = meta.at("latent_scale").get<double>();
        const json& s = meta.at("schedule");
        m.schedule = NoiseSchedule::linear(s.at("steps").get<int64_t>(), s.at("beta_start").get<double>(),
                                           s.at("beta_end").get<double>());
        McUnetConfig uc;
        readJson(meta.at("unet"), uc);
        if (uc.classCounts.size() != m.schema.categorical.size() ||
            uc.numericalCount != static_cast<int64_t>(m.schema.numerical.size()))
            throw BundleError(path + ": the U-Net's condition counts do not match the schema");
        m.unet = McUnet(uc);
        m.concepts = meta.value("concepts", std::vector<std::string>{});
        if (static_cast<int64_t>(m.concepts.size()) != uc.conceptTokens)
            throw BundleError(path + ": " + std::to_string(m.concepts.size()) + " concept names for " +
                              std::to_string(uc.conceptTokens) + " concept tokens");
        const json& fs = meta.at("first_stage");
        const std::string kind = fs.at("kind").get<std::string>();
        if (kind == "kl-autoencoder") {
            KlAutoencoderConfig ac;
            readJson(fs.at("config"), ac);
            m.autoencoder = KlAutoencoder(ac);
        } else if (kind == "torchscript") {
            m.firstStage = std::make_shared<TorchScriptFirstStage>(fs.at("encoder").get<std::string>(),
                                                                   fs.at("decoder").get<std::string>(), m.imageChannels,
                                                                   m.imageSize);
        } else {
            throw BundleError(path + ": unknown first stage kind '" + kind + "'");
        }
        file.training = meta.value("training", json::object());
        const json progress = meta.value("progress", json::object());
        file.completedEpochs = progress.value("completed_epochs", int64_t{0});
        file.partial = progress.value("partial", false);
        file.autoencoderEpochsDone = progress.value("autoencoder_epochs_done", int64_t{-1});
        file.optimizer.step = progress.value("optimizer_step", int64_t{0});
        if (progress.contains("epoch_position")) file.position = epochPositionFromJson(progress.at("epoch_position"));
    } catch (const BundleError&) {
        throw;
    } catch (const std::exception& e) {
        throw BundleError(path + ": damaged image model metadata (" + e.what() + ")");
    }
    readModuleTensors(archive, "unet/", *m.unet, path);
    readResumeState(archive, path, file);
    const int64_t parameters = [&] {
        int64_t n = 0;
        for (const auto& p : m.unet->parameters()) n += p.numel();
        return n;
    }();
    if (file.optimizer.expAvg.defined() && (file.optimizer.expAvg.numel() != parameters || file.optimizer.expAvgSq.numel() != parameters))
        file.optimizer = AdamWState{};  // moments of other weights (a file replaced by hand): fresh ones
    m.unet->eval();
    if (m.autoencoder) {
        readModuleTensors(archive, "autoencoder/", *m.autoencoder, path);
        m.firstStage = std::make_shared<KlFirstStage>(m.autoencoder);
    }
    if (m.unet->config().inChannels != m.firstStage->latentChannels())
        throw BundleError(path + ": the U-Net expects " + std::to_string(m.unet->config().inChannels) +
                          " latent channels but the first stage gives " + std::to_string(m.firstStage->latentChannels()));
    return file;
}

}  // namespace ms::diffusion
