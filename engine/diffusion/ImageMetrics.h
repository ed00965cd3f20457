#pragma once
// Image similarity of generated vs. ground-truth images, per image: mean squared error and SSIM
// (Wang et al. 2004; 11 x 11 Gaussian window, sigma 1.5, C1 = 0.01^2, C2 = 0.03^2), both on
// intensities in [0, 1]. Inputs are [B, C, H, W] in [-1, 1] (the models' range).
#include <ATen/core/Tensor.h>

namespace ms::diffusion {

at::Tensor perImageMse(const at::Tensor& generated, const at::Tensor& truth);   // [B]
at::Tensor perImageSsim(const at::Tensor& generated, const at::Tensor& truth);  // [B]

}  // namespace ms::diffusion
