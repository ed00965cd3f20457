#include "api/ImageSession.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "api/PartialImageModel.h"
#include "api/RenderFrame.h"
#include "api/TargetMask.h"
#include "core/conditioning/ConditionTensor.h"
#include "core/data/ImageTensors.h"
#include "core/runtime/Stopwatch.h"
#include "core/runtime/TorchRuntime.h"
#include "diffusion/ImageGeneration.h"
#include "diffusion/ImageModelBundle.h"
#include "diffusion/MaskAttention.h"

namespace ms::api {
namespace {

ImagePixels pixelsOf(const at::Tensor& images) {
    ImagePixels p;
    p.count = images.size(0);
    p.channels = images.size(1);
    p.size = images.size(2);
    p.data = tensorToPixels(images);
    return p;
}

diffusion::ImageGenerationSettings settingsOf(const ImageSampleRequest& r, const diffusion::McLdm& model) {
    if (r.count < 1) throw std::invalid_argument("image count must be at least 1");
    diffusion::ImageGenerationSettings s;
    s.sampler.kind = diffusion::parseSamplerKind(r.sampler);
    s.sampler.steps = r.steps;
    s.sampler.eta = r.eta;
    s.guidance = r.guidance;
    s.seed = r.seed;
    s.previewEvery = r.previewEvery;
    s.repaint.steps = r.repaintSteps;
    s.repaint.jumpLength = r.jumpLength;
    s.repaint.resamples = r.resamples;
    if (r.targetMask.count > 0) {
        if (!model.unet->config().crossAttention)
            throw std::invalid_argument("this image model was trained without cross-attention: it cannot follow a target "
                                        "shape (train one with image train --cross-attention)");
        if (const std::string problem = targetMaskProblem(r.targetMask, model.imageSize); !problem.empty())
            throw std::invalid_argument(problem);
        s.targetMask = (imagesToTensor(r.targetMask.data, 1, 1, r.targetMask.size) > 0.0).to(at::kFloat);
    }
    if (!r.concepts.empty()) {
        s.concepts = at::zeros({1, static_cast<int64_t>(model.concepts.size())});
        for (const std::string& name : r.concepts) {
            const auto at = std::find(model.concepts.begin(), model.concepts.end(), name);
            if (at == model.concepts.end()) {
                std::string known;
                for (const std::string& c : model.concepts) known += (known.empty() ? "" : ", ") + c;
                throw std::invalid_argument("this image model has no concept named '" + name + "'" +
                                            (known.empty() ? std::string(" (it has none)") : " (it has: " + known + ")"));
            }
            s.concepts[0][at - model.concepts.begin()] = 1.0;
        }
    }
    return s;
}

diffusion::ImagePreview previewOf(const ImagePreviewFn& fn) {
    if (!fn) return {};
    return [fn](int64_t done, int64_t total, const at::Tensor& images) {
        fn(done, total, images.defined() ? pixelsOf(images) : ImagePixels{});
    };
}

}  // namespace

struct ImageSession::State {
    diffusion::ImageModelFile file;
    PartialImageModel partial;  // loaded instead of `file` for a .mpd
    std::string path;

    ImageSampleResult complete(const ImageSampleRequest& r, std::vector<uint8_t> pixels, std::vector<uint8_t> observed) const {
        if (r.count < 1) throw std::invalid_argument("image count must be at least 1");
        const Stopwatch t0;
        ImageSampleResult out;
        out.images.count = r.count;
        out.images.channels = partial.imageChannels();
        out.images.size = partial.imageSize();
        out.images.data = partial.complete(pixels, observed, r.count, r.conditions, {r.members, r.steps, r.seed});
        out.stepsDone = out.stepsTotal = std::max<int64_t>(1, r.steps);
        out.seconds = t0.seconds();
        return out;
    }
};

ImageSession::ImageSession() = default;
ImageSession::~ImageSession() = default;
ImageSession::ImageSession(ImageSession&&) noexcept = default;
ImageSession& ImageSession::operator=(ImageSession&&) noexcept = default;

void ImageSession::load(const std::string& path, const std::string& device) {
    auto state = std::make_unique<State>();
    if (std::filesystem::path(path).extension() == ".mpd") {
        state->partial = PartialImageModel::load(path, device);
    } else {
        state->file = diffusion::loadImageModel(path);
        state->file.model.to(resolveDevice(device));
    }
    state->path = path;
    m_state = std::move(state);
}

bool ImageSession::loaded() const { return m_state != nullptr; }
bool ImageSession::learnedFromIncompleteImages() const { return m_state && m_state->partial.loaded(); }

const Schema& ImageSession::schema() const {
    if (!m_state) throw std::logic_error("no image model loaded");
    return m_state->partial.loaded() ? m_state->partial.schema() : m_state->file.model.schema;
}

int64_t ImageSession::imageSize() const {
    if (!m_state) return 0;
    return m_state->partial.loaded() ? m_state->partial.imageSize() : m_state->file.model.imageSize;
}

int64_t ImageSession::imageChannels() const {
    if (!m_state) return 0;
    return m_state->partial.loaded() ? m_state->partial.imageChannels() : m_state->file.model.imageChannels;
}

std::string ImageSession::describe() const {
    if (!m_state) return "no image model";
    if (m_state->partial.loaded()) return m_state->partial.describe();
    const diffusion::McLdm& m = m_state->file.model;
    int64_t params = 0;
    for (const auto& p : m.unet->parameters()) params += p.numel();
    const auto& t = m_state->file.training;
    std::string s = m_state->path + ": " + std::to_string(m.imageSize) + " px, " + std::to_string(m.imageChannels) +
                    " channel(s); " + m.firstStage->describe() + "; U-Net " + std::to_string(params / 1000) + "k parameters, " +
                    std::to_string(m.unet->config().levels()) + " levels; " + std::to_string(m.schema.conditionCount()) +
                    " conditions";
    if (t.contains("mcldm")) s += "; trained " + std::to_string(t["mcldm"].value("epochs", 0)) + " epochs on " + t.value("device", "?");
    return s;
}

bool ImageSession::followsTargetShapes() const {
    return m_state && !m_state->partial.loaded() && m_state->file.model.unet && m_state->file.model.unet->config().crossAttention;
}

std::vector<std::string> ImageSession::concepts() const {
    if (!m_state || m_state->partial.loaded()) return {};
    return m_state->file.model.concepts;
}

std::string ImageSession::trainingData() const {
    if (!m_state || m_state->partial.loaded()) return {};
    return m_state->file.training.value("data", std::string());
}

ImageRenderFrame ImageSession::renderFrame() const {
    if (!m_state || m_state->partial.loaded()) return {};
    return renderFrameFromJson(m_state->file.training.value("render_frame", nlohmann::json()));
}

ImageSampleResult ImageSession::generate(const ImageSampleRequest& request, const ImagePreviewFn& onPreview, const CancelToken& cancel) {
    if (!m_state) throw std::logic_error("no image model loaded");
    if (m_state->partial.loaded()) {  // every pixel hidden
        const std::size_t plane = static_cast<std::size_t>(imageSize() * imageSize());
        return m_state->complete(request, std::vector<uint8_t>(plane * static_cast<std::size_t>(imageChannels() * request.count), 0),
                                 std::vector<uint8_t>(plane * static_cast<std::size_t>(request.count), 0));
    }
    diffusion::McLdm& m = m_state->file.model;
    const Stopwatch t0;
    const diffusion::ImageGenerationSettings s = settingsOf(request, m);
    const ConditionInput cond = conditionInputFor(m.schema, m.normalization, request.conditions, request.count);
    const diffusion::ImageResult r = diffusion::generateImages(m, cond, s, previewOf(onPreview), cancel);
    ImageSampleResult out{pixelsOf(r.images), r.cancelled, r.stepsDone, s.sampler.steps, 0.0};
    out.seconds = t0.seconds();
    return out;
}

TokenAttention ImageSession::attentionMaps(const ImageSampleRequest& request, const ImagePixels& image) {
    if (!followsTargetShapes())
        throw std::invalid_argument("this image model was trained without cross-attention: it has no attention maps to show");
    diffusion::McLdm& m = m_state->file.model;
    if (image.count != 1 || image.size != m.imageSize || image.channels != m.imageChannels)
        throw std::invalid_argument("attention maps need one " + std::to_string(m.imageSize) + " px image with " +
                                    std::to_string(m.imageChannels) + " channel(s)");
    torch::NoGradGuard noGrad;
    ImageSampleRequest one = request;
    one.count = 1;
    const diffusion::ImageGenerationSettings s = settingsOf(one, m);
    const at::Device device = m.device();
    const at::Tensor latent = m.firstStage->encode(imagesToTensor(image.data, 1, image.channels, image.size).to(device)) * m.latentScale;
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(request.seed + 11);
    const at::Tensor t = at::full({1}, m.schedule.steps / 2, at::TensorOptions().dtype(at::kLong).device(device));
    const at::Tensor noisy = m.schedule.addNoise(latent, t, diffusion::gaussianNoiseLike(latent, gen));
    const ConditionInput cond = conditionInputFor(m.schema, m.normalization, request.conditions, 1).to(device);
    std::vector<at::Tensor> maps;
    m.unet->forward(noisy, t, cond, diffusion::TokenInput(s.targetMask, s.concepts), &maps);

    TokenAttention out;
    for (const auto& c : m.schema.categorical) out.tokens.push_back(c.column);
    for (const auto& c : m.schema.numerical) out.tokens.push_back(c.column);
    out.tokens.emplace_back("target shape");
    for (const std::string& c : m.concepts) out.tokens.push_back(c);
    std::vector<at::Tensor> perToken;
    for (std::size_t i = 0; i < out.tokens.size(); ++i)  // token 0 is the null token
        perToken.push_back(diffusion::tokenAttentionMap(maps, static_cast<int64_t>(i) + 1));
    const at::Tensor all = at::cat(perToken, 0).to(at::kCPU);  // [T, 1, r, r] in [0, 1]
    out.maps = pixelsOf(all * 2.0 - 1.0);  // pixelsOf maps [-1, 1] to 0..255
    return out;
}

ImageSampleResult ImageSession::inpaint(const ImageSampleRequest& request, const ImagePixels& base,
                                        const ImagePixels& regenerate, const ImagePreviewFn& onPreview,
                                        const CancelToken& cancel) {
    if (!m_state) throw std::logic_error("no image model loaded");
    const int64_t size = imageSize(), channels = imageChannels();
    if (base.count != 1 || base.size != size || base.channels != channels)
        throw std::invalid_argument("the image to inpaint must be one " + std::to_string(size) + " px image with " +
                                    std::to_string(channels) + " channel(s)");
    if (regenerate.count != 1 || regenerate.size != size || regenerate.channels != 1)
        throw std::invalid_argument("the inpainting mask must be one " + std::to_string(size) + " px grey image");
    if (m_state->partial.loaded()) {
        std::vector<uint8_t> pixels, observed;
        for (int64_t i = 0; i < request.count; ++i) {
            pixels.insert(pixels.end(), base.data.begin(), base.data.end());
            for (uint8_t v : regenerate.data) observed.push_back(v > 127 ? 0 : 1);
        }
        return m_state->complete(request, std::move(pixels), std::move(observed));
    }
    diffusion::McLdm& m = m_state->file.model;
    const Stopwatch t0;
    const diffusion::ImageGenerationSettings s = settingsOf(request, m);
    const at::Tensor image = imagesToTensor(base.data, 1, base.channels, base.size).expand({request.count, -1, -1, -1});
    const at::Tensor mask = (imagesToTensor(regenerate.data, 1, 1, regenerate.size) > 0.0).to(at::kFloat);
    const ConditionInput cond = conditionInputFor(m.schema, m.normalization, request.conditions, request.count);
    const diffusion::ImageResult r = diffusion::inpaintImages(m, image.contiguous(), mask, cond, s, previewOf(onPreview), cancel);
    ImageSampleResult out{pixelsOf(r.images), r.cancelled, r.stepsDone, 0, 0.0};
    out.seconds = t0.seconds();
    return out;
}

}  // namespace ms::api
