#include "diffusion/CudaGraphNoiseModel.h"

#include <ATen/ATen.h>
#include <map>
#include <memory>

#ifdef MASKSTUDIO_TORCH_HAS_CUDA
#include <ATen/cuda/CUDAGeneratorImpl.h>  // CUDAGraph.h needs the complete generator state type
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace ms::diffusion {

#ifdef MASKSTUDIO_TORCH_HAS_CUDA
namespace {

struct CapturedCall {
    at::cuda::CUDAGraph graph;
    at::Tensor x, t, out;
    bool captured = false;
};

}  // namespace

bool cudaGraphsAvailable() { return true; }

class CapturedCalls {
public:
    struct Entry {
        at::cuda::CUDAGraph graph;
        std::vector<at::Tensor> inputs;
        at::Tensor out;
    };
    std::map<std::string, std::unique_ptr<Entry>> entries;
};

std::shared_ptr<CapturedCalls> makeCapturedCalls() { return std::make_shared<CapturedCalls>(); }

std::optional<at::Tensor> runCapturedCall(CapturedCalls& calls, const std::string& key,
                                          const std::vector<at::Tensor>& inputs, const CapturedFn& fn) {
    for (const auto& x : inputs)
        if (!x.is_cuda()) return std::nullopt;
    std::string fullKey = key;
    for (const auto& x : inputs) {
        fullKey += "|";
        for (int64_t d : x.sizes()) fullKey += std::to_string(d) + ",";
    }
    auto& entry = calls.entries[fullKey];
    if (!entry) {
        auto e = std::make_unique<CapturedCalls::Entry>();
        for (const auto& x : inputs) e->inputs.push_back(x.clone());
        c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool();
        side.synchronize();
        {
            c10::cuda::CUDAStreamGuard guard(side);
            fn(e->inputs);  // warm-up: libraries, allocator, lazily built tensors
            side.synchronize();
            e->graph.capture_begin();
            e->out = fn(e->inputs);
            e->graph.capture_end();
        }
        side.synchronize();
        entry = std::move(e);
    }
    for (std::size_t i = 0; i < inputs.size(); ++i) entry->inputs[i].copy_(inputs[i]);
    entry->graph.replay();
    return entry->out.clone();
}

NoiseModel capturedNoiseModel(const NoiseModel& model, const at::Tensor& example) {
    if (!example.is_cuda()) return model;
    auto call = std::make_shared<CapturedCall>();
    return [model, call](const at::Tensor& x, const at::Tensor& t) {
        if (!call->captured || !x.sizes().equals(call->x.sizes())) {
            call->x = x.clone();
            call->t = t.clone();
            c10::cuda::CUDAStream side = c10::cuda::getStreamFromPool();
            side.synchronize();
            {
                c10::cuda::CUDAStreamGuard guard(side);
                for (int i = 0; i < 2; ++i) model(call->x, call->t);  // warm-up: libraries, allocator
                side.synchronize();
                call->graph = at::cuda::CUDAGraph();
                call->graph.capture_begin();
                call->out = model(call->x, call->t);
                call->graph.capture_end();
            }
            side.synchronize();
            call->captured = true;
        }
        call->x.copy_(x);
        call->t.copy_(t);
        call->graph.replay();
        return call->out.clone();
    };
}
#else
bool cudaGraphsAvailable() { return false; }

class CapturedCalls {};
std::shared_ptr<CapturedCalls> makeCapturedCalls() { return std::make_shared<CapturedCalls>(); }
std::optional<at::Tensor> runCapturedCall(CapturedCalls&, const std::string&, const std::vector<at::Tensor>&, const CapturedFn&) {
    return std::nullopt;
}

NoiseModel capturedNoiseModel(const NoiseModel& model, const at::Tensor&) { return model; }
#endif

}  // namespace ms::diffusion
