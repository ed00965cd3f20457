#pragma once

namespace ms {

// Decoupled weight decay Adam (Loshchilov & Hutter), PyTorch's AdamW semantics.
struct AdamWSettings {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.99;
    double eps = 1e-8;
    double weightDecay = 0.1;
};

}  // namespace ms
