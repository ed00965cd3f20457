#include "diffusion/CudaGraphNoiseModel.h"

#include <ATen/ATen.h>
#include <memory>

#ifdef MASKSTUDIO_TORCH_HAS_CUDA
#include <ATen/cuda/CUDAGeneratorImpl.h>  // CUDAGraph.h needs the complete generator state type
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace ms {

#ifdef MASKSTUDIO_TORCH_HAS_CUDA
namespace {

struct CapturedCall {
    at::cuda::CUDAGraph graph;
    at::Tensor x, t, out;
    bool captured = false;
};

}  // namespace

bool cudaGraphsAvailable() { return true; }

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

NoiseModel capturedNoiseModel(const NoiseModel& model, const at::Tensor&) { return model; }
#endif

}  // namespace ms
