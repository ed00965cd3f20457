#pragma once
// Replays a noise model as one CUDA graph. A sampler calls the same U-Net with the same shapes
// 20-1000 times; at batch 1 each call is ~400 small kernel launches, so the GPU waits on the CPU.
// Capturing the call once and replaying it removes that overhead. On the CPU, or in a build
// without CUDA, the model is returned unchanged.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "diffusion/DiffusionSampler.h"

namespace ms::diffusion {

// `example` has the shape and device of the x the sampler will pass.
NoiseModel capturedNoiseModel(const NoiseModel& model, const at::Tensor& example);

bool cudaGraphsAvailable();  // this build can capture CUDA graphs

// Whole calls replayed as CUDA graphs, cached by a key (a model owns one cache, so its graphs
// die with it). The first call for a key runs `fn` once to warm up, then captures it on static
// copies of `inputs`; later calls copy the inputs in and replay. fn must not synchronise with
// the host (no .item(), no host-to-device copies after the warm-up).
class CapturedCalls;
std::shared_ptr<CapturedCalls> makeCapturedCalls();
using CapturedFn = std::function<at::Tensor(const std::vector<at::Tensor>& inputs)>;
// nullopt when graphs are unavailable or the inputs are not on CUDA: the caller runs eagerly.
std::optional<at::Tensor> runCapturedCall(CapturedCalls& calls, const std::string& key,
                                          const std::vector<at::Tensor>& inputs, const CapturedFn& fn);

}  // namespace ms::diffusion
