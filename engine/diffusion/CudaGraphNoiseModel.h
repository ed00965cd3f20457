#pragma once
// Replays a noise model as one CUDA graph. A sampler calls the same U-Net with the same shapes
// 20-1000 times; at batch 1 each call is ~400 small kernel launches, so the GPU waits on the CPU.
// Capturing the call once and replaying it removes that overhead. On the CPU, or in a build
// without CUDA, the model is returned unchanged.
#include "diffusion/DiffusionSampler.h"

namespace ms {

// `example` has the shape and device of the x the sampler will pass.
NoiseModel capturedNoiseModel(const NoiseModel& model, const at::Tensor& example);

bool cudaGraphsAvailable();  // this build can capture CUDA graphs

}  // namespace ms
