#include "api/HeldOutImages.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "core/data/ImageTensors.h"
#include "core/runtime/TorchRuntime.h"

namespace ms::api {

HeldOutImages loadHeldOutImages(const ImageSet& images, const std::string& modelPath, int64_t maxRows, const std::string& device) {
    HeldOutImages h;
    h.file = diffusion::loadImageModel(modelPath);
    diffusion::McLdm& model = h.file.model;
    requireImagesOfSize(images, model.imageSize, model.imageChannels);
    h.device = resolveDevice(device);
    model.to(h.device);
    h.conditions = imageConditionsWithSchema(images, model.schema, model.normalization);
    h.tensors = makeDesignTensors(h.conditions.table, h.conditions.normalization);
    h.split = splitByHeldOutFiles(images, h.file.training.value("test_files", std::vector<std::string>{}), maxRows, modelPath);
    h.all = imagesToTensor(images);
    h.testImages = h.all.index_select(0, at::tensor(h.split.test, at::kLong)).to(h.device);
    h.testConditions = h.tensors.select(h.split.test).conditions.to(h.device);
    return h;
}

diffusion::ConditionClassifier trainControllabilityClassifier(const HeldOutImages& h, int64_t epochs, uint64_t seed) {
    const Schema& schema = h.file.model.schema;
    if (schema.categorical.empty()) return diffusion::ConditionClassifier{nullptr};
    std::vector<int64_t> classes;
    for (const auto& c : schema.categorical) classes.push_back(static_cast<int64_t>(c.classes.size()));
    diffusion::ConditionClassifier classifier(h.file.model.imageChannels, classes);
    classifier->to(h.device);
    at::Generator g = at::make_generator<at::CPUGeneratorImpl>(seed + 7);
    const at::Tensor trainImages = h.all.index_select(0, at::tensor(h.split.train, at::kLong)).to(h.device);
    const at::Tensor trainLabels = h.tensors.select(h.split.train).conditions.categorical.to(h.device);
    diffusion::trainConditionClassifier(classifier, trainImages, trainLabels, epochs, g, CancelToken());
    return classifier;
}

}  // namespace ms::api
