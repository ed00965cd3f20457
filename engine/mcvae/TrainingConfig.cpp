#include "mcvae/TrainingConfig.h"

#include <algorithm>
#include <cmath>

namespace ms::mcvae {

double TrainingConfig::learningRateAt(int64_t epoch) const {
    if (lrStepEpochs <= 0) return adamw.lr;
    return adamw.lr * std::pow(lrGamma, static_cast<double>(epoch / lrStepEpochs));
}

void TrainingConfig::scaleToRows(int64_t rows, int64_t batch) {
    if (updates <= 0 || rows < 1) return;
    if (batch <= 0) {
        batch = 16;
        while (batch < 128 && 2 * batch * 20 <= rows) batch *= 2;
    }
    batchSize = batch;
    const int64_t perEpoch = (rows + batch - 1) / batch;
    epochs = std::max<int64_t>(1, (updates + perEpoch - 1) / perEpoch);
    lrStepEpochs = std::max<int64_t>(1, epochs / 5);
}

std::string TrainingConfig::validate() const {
    if (epochs < 1) return "epochs must be at least 1";
    if (batchSize < 1) return "batch size must be at least 1";
    if (!(adamw.lr > 0) || !std::isfinite(adamw.lr)) return "learning rate must be a positive number";
    if (!(adamw.beta1 >= 0 && adamw.beta1 < 1) || !(adamw.beta2 >= 0 && adamw.beta2 < 1))
        return "AdamW betas must be in [0, 1)";
    if (!(adamw.weightDecay >= 0)) return "weight decay must be >= 0";
    if (!(lrGamma > 0 && lrGamma <= 1)) return "lr gamma must be in (0, 1]";
    if (!(klWeight >= 0 && klWeight <= 1)) return "KL weight must be in [0, 1]";
    if (!(testFraction >= 0 && testFraction < 1)) return "test fraction must be in [0, 1)";
    if (threads < 0) return "threads must be >= 0";
    if (updates < 0) return "updates must be >= 0 (0: fixed epochs)";
    return sparsity.validate();
}

}  // namespace ms::mcvae
