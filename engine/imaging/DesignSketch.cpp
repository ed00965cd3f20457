#include "imaging/DesignSketch.h"

#include "imaging/DesignImage.h"

namespace ms::imaging {

std::vector<uint8_t> designSketchPixels(const Drawing& drawing, double minX, double minY, double frameSize, int size) {
    const cv::Mat image = renderDesignImage(drawing, ImageFrame{minX, minY, frameSize}, size);
    return std::vector<uint8_t>(image.data, image.data + image.total());
}

}  // namespace ms::imaging
