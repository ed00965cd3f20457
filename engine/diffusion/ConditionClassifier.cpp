#include "diffusion/ConditionClassifier.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>

#include "core/training/MinibatchAdamW.h"

namespace ms::diffusion {

ConditionClassifierImpl::ConditionClassifierImpl(int64_t imageChannels, std::vector<int64_t> classCounts)
    : m_classCounts(std::move(classCounts)) {
    namespace nn = torch::nn;
    nn::Sequential f;
    int64_t in = imageChannels;
    for (int64_t out : {16, 32, 64}) {  // conv-relu-conv-relu-pool, three times
        f->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1)));
        f->push_back(nn::ReLU());
        f->push_back(nn::Conv2d(nn::Conv2dOptions(out, out, 3).padding(1)));
        f->push_back(nn::ReLU());
        f->push_back(nn::MaxPool2d(2));
        in = out;
    }
    features = register_module("features", f);
    for (int64_t n : m_classCounts) heads->push_back(nn::Linear(64 * 16, n));
    register_module("heads", heads);
}

std::vector<at::Tensor> ConditionClassifierImpl::forward(const at::Tensor& images) {
    at::Tensor f = features->forward(images);
    // Pool to 4 x 4. A plain average pool when the map divides evenly: its CUDA backward is
    // deterministic, the adaptive one's is not.
    if (f.size(2) % 4 == 0 && f.size(3) % 4 == 0)
        f = at::avg_pool2d(f, {f.size(2) / 4, f.size(3) / 4});
    else
        f = at::adaptive_avg_pool2d(f, {4, 4});
    f = f.flatten(1);
    std::vector<at::Tensor> out;
    for (const auto& h : *heads) out.push_back(h->as<torch::nn::LinearImpl>()->forward(f));
    return out;
}

std::vector<double> trainConditionClassifier(ConditionClassifier& model, const at::Tensor& images,
                                             const at::Tensor& labels, int64_t epochs, at::Generator& generator,
                                             const CancelToken& cancel) {
    model->train();
    MinibatchSettings mb;
    mb.epochs = epochs;
    mb.batchSize = 64;
    mb.lr = 1e-3;
    mb.model = "condition classifier";
    const auto loss = [&](const at::Tensor& rows) {
        const at::Tensor idx = rows.to(images.device());
        const auto logits = model->forward(images.index_select(0, idx));
        const at::Tensor y = labels.index_select(0, idx);
        at::Tensor total = at::zeros({}, images.options());
        for (std::size_t i = 0; i < logits.size(); ++i)
            total = total + at::cross_entropy_loss(logits[i], y.select(1, static_cast<int64_t>(i)), {}, at::Reduction::Mean, -1);
        return total;
    };
    auto history = trainMinibatchAdamW(model->parameters(), images.size(0), mb, generator, loss, {}, cancel);
    model->eval();
    return history;
}

std::vector<double> classifierAccuracy(ConditionClassifier& model, const at::Tensor& images, const at::Tensor& labels) {
    torch::NoGradGuard noGrad;
    model->eval();
    std::vector<at::Tensor> logits;
    for (int64_t begin = 0; begin < images.size(0); begin += 256) {
        const auto part = model->forward(images.slice(0, begin, std::min(begin + 256, images.size(0))));
        if (logits.empty()) logits.resize(part.size());
        for (std::size_t i = 0; i < part.size(); ++i) logits[i] = logits[i].defined() ? at::cat({logits[i], part[i]}) : part[i];
    }
    std::vector<double> acc;
    for (std::size_t i = 0; i < logits.size(); ++i) {
        const at::Tensor y = labels.select(1, static_cast<int64_t>(i)).to(images.device());
        const at::Tensor known = y >= 0;
        const int64_t n = known.sum().item<int64_t>();
        if (n == 0) {
            acc.push_back(-1.0);
            continue;
        }
        const at::Tensor correct = (logits[i].argmax(1) == y).logical_and(known);
        acc.push_back(static_cast<double>(correct.sum().item<int64_t>()) / static_cast<double>(n));
    }
    return acc;
}

}  // namespace ms::diffusion
