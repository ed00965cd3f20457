#include "imaging/PixelFigures.h"

#include <algorithm>
#include <cmath>

#include "imaging/ImageFolderReader.h"

namespace ms::imaging {

RgbCanvas::RgbCanvas(int64_t height, int64_t width)
    : m_height(height), m_width(width), m_data(static_cast<std::size_t>(3 * height * width), 255) {}

void RgbCanvas::set(int64_t y, int64_t x, uint8_t red, uint8_t green, uint8_t blue) {
    const auto at = static_cast<std::size_t>(y * m_width + x), plane = static_cast<std::size_t>(m_height * m_width);
    m_data[at] = red;
    m_data[at + plane] = green;
    m_data[at + 2 * plane] = blue;
}

void RgbCanvas::setGrey(int64_t y, int64_t x, float level) {
    const auto v = static_cast<uint8_t>(std::lround(255.0f * std::clamp(level, 0.0f, 1.0f)));
    set(y, x, v, v, v);
}

void RgbCanvas::writePng(const std::string& path) const {
    writePngImage(path, m_data.data(), 3, static_cast<int>(m_height), static_cast<int>(m_width));
}

void writeMaskComparisonFigure(const std::string& path, const at::Tensor& left, const at::Tensor& right, int64_t size,
                               int64_t scale) {
    const int64_t cell = size * scale, gap = 2, grid = 4 * (cell + gap) + gap, between = 4 * gap;
    RgbCanvas picture(grid, 2 * grid + between);
    for (int64_t y = 0; y < grid; ++y)
        for (int64_t x = 0; x < 2 * grid + between; ++x) picture.set(y, x, 128, 128, 128);
    int64_t offset = 0;
    for (const at::Tensor& masks : {left, right}) {
        const at::Tensor m = masks.to(at::kFloat).contiguous().cpu();
        for (int64_t i = 0; i < std::min<int64_t>(16, m.size(0)); ++i) {
            const float* v = m[i].data_ptr<float>();
            const int64_t top = gap + (i / 4) * (cell + gap), leftEdge = offset + gap + (i % 4) * (cell + gap);
            for (int64_t y = 0; y < cell; ++y)
                for (int64_t x = 0; x < cell; ++x) {
                    const bool observed = v[(y / scale) * size + x / scale] > 0.5F;
                    picture.set(top + y, leftEdge + x, observed ? 255 : 140, observed ? 255 : 20, observed ? 255 : 20);
                }
        }
        offset += grid + between;
    }
    picture.writePng(path);
}

void writeImputationFigure(const std::string& path, const at::Tensor& grey, int64_t height, int64_t width,
                           const at::Tensor& observed, const std::vector<at::Tensor>& completions) {
    const int64_t n = grey.size(0), h = height, w = width, gap = 2;
    const int64_t cols = 2 + static_cast<int64_t>(completions.size());
    RgbCanvas picture(n * (h + gap) + gap, cols * (w + gap) + gap);
    auto put = [&](int64_t row, int64_t col, const at::Tensor& levels, const at::Tensor* keep) {
        const float* g = levels.data_ptr<float>();
        const bool* k = keep ? keep->data_ptr<bool>() : nullptr;
        for (int64_t y = 0; y < h; ++y)
            for (int64_t x = 0; x < w; ++x) {
                const int64_t py = row * (h + gap) + gap + y, px = col * (w + gap) + gap + x;
                if (k && !k[y * w + x]) picture.set(py, px, 220, 40, 40);
                else picture.setGrey(py, px, g[y * w + x]);
            }
    };
    for (int64_t i = 0; i < n; ++i) {
        const at::Tensor keep = observed[i].contiguous();
        put(i, 0, grey[i].contiguous(), nullptr);
        put(i, 1, grey[i].contiguous(), &keep);
        for (std::size_t c = 0; c < completions.size(); ++c) put(i, 2 + static_cast<int64_t>(c), completions[c][i].contiguous(), nullptr);
    }
    picture.writePng(path);
}

void writeAcquisitionFigure(const std::string& path, const at::Tensor& grey, int64_t height, int64_t width, const PixelBox& target,
                            const std::vector<int64_t>& picks, const std::vector<double>& information) {
    const int64_t h = height, w = width, zoom = 8, gap = 8;
    RgbCanvas picture(h * zoom, 2 * w * zoom + gap);
    const at::Tensor levels = grey.contiguous();
    const float* g = levels.data_ptr<float>();
    double top = 0.0;
    for (double v : information)
        if (std::isfinite(v)) top = std::max(top, v);
    std::vector<bool> picked(static_cast<std::size_t>(h * w), false);
    for (int64_t p : picks) picked[static_cast<std::size_t>(p)] = true;
    const int64_t x0 = target.x * zoom, x1 = (target.x + target.width) * zoom - 1;
    const int64_t y0 = target.y * zoom, y1 = (target.y + target.height) * zoom - 1;
    for (int64_t y = 0; y < h * zoom; ++y)
        for (int64_t x = 0; x < w * zoom; ++x) {
            const auto p = static_cast<std::size_t>((y / zoom) * w + x / zoom);
            const int64_t right = w * zoom + gap + x;
            if (x >= x0 && x <= x1 && y >= y0 && y <= y1 && (x == x0 || x == x1 || y == y0 || y == y1)) {
                picture.set(y, x, 40, 160, 255);
                picture.set(y, right, 40, 160, 255);
                continue;
            }
            if (picked[p]) picture.set(y, x, 255, 140, 0);
            else picture.setGrey(y, x, g[p]);
            const double v = information.empty() ? std::nan("") : information[p];
            if (std::isfinite(v) && top > 0) {
                const auto heat = static_cast<uint8_t>(std::lround(255.0 * std::sqrt(std::clamp(v / top, 0.0, 1.0))));
                picture.set(y, right, heat, static_cast<uint8_t>(heat / 2), static_cast<uint8_t>(60 - heat / 5));
            } else {
                picture.set(y, right, 30, 30, 30);
            }
        }
    picture.writePng(path);
}

}  // namespace ms::imaging
