#pragma once
// Benchmark 1 of method 3 (METHODS.md §3, issue 15): Fashion-MNIST images whose observation masks
// are drawn ONCE per image (seeded) and kept, in one of three scenarios: (a) "iid", 50 % of the
// pixels missing independently; (b) "block", one 14 x 14 square missing at a random place;
// (c) "mixture", half the images (a) at 30 %, half (b). Test images have their own fixed masks.
// Score: MSE over the missing pixels and over the missing foreground pixels (true grey level
// > 0.1), grey levels in [0, 1]. Models, the same U-Net for A, B and D:
//   A  Work I: context/query split (each delta), ensemble inference (each K, each step count);
//   B  no split (context = M, loss on M), the ablation without positivity;
//   C  a DDPM trained on the zero-filled incomplete images as if complete, then RePaint;
//   D  the oracle: the same network trained on the complete images, the same inference;
//   E  MIWAE trained on the incomplete images;
//   W  Work II: A's network and inference with contexts M_hat ⊙ M, M_hat from a BFN prior learnt
//      from the training images' masks (partial/MaskPrior; a pool of priorPool draws).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/runtime/CancelToken.h"

namespace ms::experiments {

struct PartialImageSettings {
    std::string folder;                  // Fashion-MNIST's folder (train- and t10k-images-idx3-ubyte.gz)
    std::string scenario = "iid";        // iid | block | mixture
    int64_t trainImages = 10000;
    int64_t testImages = 200;
    int64_t updates = 3000;              // A, B and D; C and E get as many passes over the data
    int64_t batchSize = 64;
    int64_t baseChannels = 32;           // the U-Net of A, B, D and the DDPM of C
    int64_t resBlocks = 1;
    double lr = 1e-3;
    double lowNoiseShare = 0.8;
    std::vector<double> deltas{0.2};     // A's context drop probability (i.i.d. rows)
    std::vector<int64_t> members{1, 4, 16};
    std::vector<int64_t> steps{0};       // 0: single step; n >= 2: DDIM steps
    std::vector<std::string> omegas{"alphabar"};  // multi-step omega schedules (partial/EnsembleInference.h)
    std::vector<std::string> models{"A", "B", "C", "D", "E"};
    int64_t repaintSteps = 50;           // C: RePaint steps, jump length 10, 5 resamplings
    int64_t priorUpdates = 6000;         // W: the mask prior's training (the product's: partial/MaskPriorPool.h)
    int64_t priorChannels = 16;          // W: its U-Net's base channels
    int64_t priorPool = 4096;            // W: prior draws the contexts are made from
    int64_t priorSteps = 50;             // W: the BFN sampler's steps (on the product's time grid)
    std::string priorPath;               // W, WC, WG: the prior (.mpr of the masks' size): read when it exists, else trained and written
    // WC and WG: Work II with observation-aligned guidance (partial/GuidedContexts), the prior's
    // draws guided by each image's own mask: WC clamps the anchors (gradient-free), WG takes
    // gradient steps of guidanceScale. One model per rho.
    std::vector<double> rhos{0.5};       // the anchors' share of an image's observed pixels
    double guidanceScale = 0.0;          // WG's step size (WG needs it > 0)
    int64_t guidedDrawsPerRow = 4;       // guided draws per training image (a test image: one per member)
    uint64_t seed = 0;
    std::string device = "cpu";          // cpu | cuda | auto: A-D train and infer there (MIWAE stays on the CPU)
    std::function<void(const std::string&)> log;  // progress lines (may be empty)
};

struct PartialImageRow {
    std::string model;           // A, B, D, W; WC / WG with their rho, e.g. "WC rho 0.5"
    double delta = 0.0;  // A only
    int64_t members = 1;
    int64_t steps = 0;
    std::string omega;           // multi-step rows of A, B, D only
    double mse = 0.0;            // over the missing pixels
    double foregroundMse = 0.0;  // over the missing pixels whose true grey level is > 0.1
    double msPerImage = 0.0;     // completing the test images in one call
};

struct PartialImageResult {
    int64_t trainImages = 0, testImages = 0;
    double trainMissingShare = 0.0, testMissingShare = 0.0;
    std::vector<PartialImageRow> rows;
    std::vector<std::pair<std::string, double>> trainSeconds;  // per trained model
    std::vector<std::pair<std::string, double>> preparationSeconds;  // W's prior, its pool, the guided draws
};

// Throws std::invalid_argument for an unknown scenario or model, std::runtime_error naming the file
// when Fashion-MNIST cannot be read.
PartialImageResult runPartialImageBenchmark(const PartialImageSettings& settings, const CancelToken& cancel);

}  // namespace ms::experiments
