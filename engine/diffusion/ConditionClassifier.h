#pragma once
// Controllability metric of the image issue: a small CNN trained on REAL (rendered) images to
// recognise each categorical condition (one softmax head per condition). Its accuracy on
// generated images, against the conditions that were requested, measures how well the
// generator obeys them.
#include <ATen/core/Generator.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>

#include <vector>

#include "core/runtime/CancelToken.h"

namespace ms::diffusion {

class ConditionClassifierImpl : public torch::nn::Module {
public:
    ConditionClassifierImpl(int64_t imageChannels, std::vector<int64_t> classCounts);
    std::vector<at::Tensor> forward(const at::Tensor& images);  // logits per condition, [B, n_i]
    const std::vector<int64_t>& classCounts() const { return m_classCounts; }

private:
    std::vector<int64_t> m_classCounts;
    torch::nn::Sequential features{nullptr};
    torch::nn::ModuleList heads;
};
TORCH_MODULE(ConditionClassifier);

// labels [N, C] int64 (class index, -1 unknown: ignored in the loss). Returns epoch losses.
std::vector<double> trainConditionClassifier(ConditionClassifier& model, const at::Tensor& images,
                                             const at::Tensor& labels, int64_t epochs, at::Generator& generator,
                                             const CancelToken& cancel);

// Accuracy per condition over the rows whose label is known; -1 where none is.
std::vector<double> classifierAccuracy(ConditionClassifier& model, const at::Tensor& images, const at::Tensor& labels);

}  // namespace ms::diffusion
