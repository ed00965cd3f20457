#pragma once
// A small cross-attention U-Net for the tests: two categorical conditions (3 and 2 classes) and one
// numerical, 16 base channels, tokens of 16, an 8 x 8 mask grid; 4 latent channels.
#include <cstdint>
#include <utility>
#include <vector>

#include "diffusion/McUnet.h"

namespace ms::testing {

inline diffusion::McUnetConfig smallCrossAttentionUnet(std::vector<int64_t> channelMult) {
    diffusion::McUnetConfig c;
    c.inChannels = 4;
    c.baseChannels = 16;
    c.channelMult = std::move(channelMult);
    c.heads = 2;
    c.conditionDim = 4;
    c.conditionChannels = 8;
    c.classCounts = {3, 2};
    c.numericalCount = 1;
    c.crossAttention = true;
    c.tokenDim = 16;
    c.maskGrid = 8;
    return c;
}

}  // namespace ms::testing
