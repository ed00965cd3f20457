#include "mcvae/McVaeJson.h"

#include <nlohmann/json.hpp>

#include "core/io/JsonObjectReader.h"

namespace ms::mcvae {

using nlohmann::json;

json toJson(const McVaeConfig& c) {
    return {{"output_dim", c.outputDim},          {"class_counts", c.classCounts},
            {"numerical_count", c.numericalCount}, {"input_embedding", c.inputEmbedding},
            {"encoder_hidden", c.encoderHidden},   {"latent_dim", c.latentDim},
            {"condition_embedding", c.conditionEmbedding}};
}

void readJson(const json& j, McVaeConfig& c, const std::string& where) {
    JsonObjectReader r(j, where);
    r.get("output_dim", c.outputDim);
    r.get("class_counts", c.classCounts);
    r.get("numerical_count", c.numericalCount);
    r.get("input_embedding", c.inputEmbedding);
    r.get("encoder_hidden", c.encoderHidden);
    r.get("latent_dim", c.latentDim);
    r.get("condition_embedding", c.conditionEmbedding);
    auto positive = [&](const char* key, int64_t v) {
        if (v < 1 || v > 65536) r.fail(key, "must be between 1 and 65536, got " + std::to_string(v));
    };
    positive("input_embedding", c.inputEmbedding);
    positive("latent_dim", c.latentDim);
    positive("condition_embedding", c.conditionEmbedding);
    for (int64_t w : c.encoderHidden) positive("encoder_hidden", w);
}

json toJson(const TrainingConfig& c) {
    return {{"epochs", c.epochs},
            {"batch_size", c.batchSize},
            {"lr", c.adamw.lr},
            {"beta1", c.adamw.beta1},
            {"beta2", c.adamw.beta2},
            {"adam_eps", c.adamw.eps},
            {"weight_decay", c.adamw.weightDecay},
            {"lr_step_epochs", c.lrStepEpochs},
            {"lr_gamma", c.lrGamma},
            {"kl_weight", c.klWeight},
            {"sparsity", toJson(c.sparsity)},
            {"seed", c.seed},
            {"test_fraction", c.testFraction},
            {"validate_every", c.validateEvery},
            {"checkpoint_every", c.checkpointEvery},
            {"threads", c.threads},
            {"updates", c.updates}};
}

void readJson(const json& j, TrainingConfig& c, const std::string& where) {
    JsonObjectReader r(j, where);
    r.get("epochs", c.epochs);
    r.get("batch_size", c.batchSize);
    r.get("lr", c.adamw.lr);
    r.get("beta1", c.adamw.beta1);
    r.get("beta2", c.adamw.beta2);
    r.get("adam_eps", c.adamw.eps);
    r.get("weight_decay", c.adamw.weightDecay);
    r.get("lr_step_epochs", c.lrStepEpochs);
    r.get("lr_gamma", c.lrGamma);
    r.get("kl_weight", c.klWeight);
    r.getWith("sparsity", c.sparsity);
    r.get("seed", c.seed);
    r.get("test_fraction", c.testFraction);
    r.get("validate_every", c.validateEvery);
    r.get("checkpoint_every", c.checkpointEvery);
    r.get("threads", c.threads);
    r.get("updates", c.updates);
    if (const std::string problem = c.validate(); !problem.empty()) r.fail("", problem);
}

}  // namespace ms::mcvae
