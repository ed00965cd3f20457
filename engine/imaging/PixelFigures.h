#pragma once
// Figures of grey-level image experiments as RGB PNGs (the `sfarm images` commands' --png):
// imputation rows [original | input with the missing pixels red | completions...] and the
// acquisition picture (target outlined, greedy picks, information heat map).
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ms::imaging {

// An RGB picture in writePngImage's planar layout (R, then G, then B plane), white to start.
class RgbCanvas {
public:
    RgbCanvas(int64_t height, int64_t width);
    void set(int64_t y, int64_t x, uint8_t red, uint8_t green, uint8_t blue);
    void setGrey(int64_t y, int64_t x, float level);  // level in [0, 1], clamped
    void writePng(const std::string& path) const;     // throws std::runtime_error naming the file

private:
    int64_t m_height, m_width;
    std::vector<uint8_t> m_data;
};

// One row per image of grey [N, H*W] (levels in [0, 1]): the original, the input with the pixels
// where observed [N, H*W] (bool) is false in red, then each completion [N, H*W]; 2 px gaps.
void writeImputationFigure(const std::string& path, const at::Tensor& grey, int64_t height, int64_t width,
                           const at::Tensor& observed, const std::vector<at::Tensor>& completions);

// Two grids of 4 x 4 masks side by side (e.g. the data's observation masks | a prior's samples),
// each [16, size*size] float 0/1: observed white, missing dark red; `scale` px per pixel.
void writeMaskComparisonFigure(const std::string& path, const at::Tensor& left, const at::Tensor& right, int64_t size,
                               int64_t scale = 2);

// The image grey [H*W] 8x with the target rectangle (pixels) outlined in blue and the picked
// pixels in orange; beside it `information` per pixel (NaN: not a candidate) as a heat map,
// brightness the square root of the share of the largest.
struct PixelBox {
    int64_t x = 0, y = 0, width = 0, height = 0;
};
void writeAcquisitionFigure(const std::string& path, const at::Tensor& grey, int64_t height, int64_t width, const PixelBox& target,
                            const std::vector<int64_t>& picks, const std::vector<double>& information);

}  // namespace ms::imaging
