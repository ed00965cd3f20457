#pragma once
// A partial-observation image model (.mpd of images, from `partial train --images`) loaded once
// and asked many times: the studio's Image dock and `partial impute --images`. It completes the
// hidden pixels of images of its size by ensemble inference (every observed pixel kept exactly);
// with every pixel hidden and DDIM steps it draws new images. The header holds no torch types.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "api/PartialDesignModel.h"
#include "core/conditioning/ConditionValues.h"
#include "core/data/ImageSet.h"
#include "core/data/Schema.h"

namespace ms::api {

class PartialImageModel {
public:
    PartialImageModel();
    ~PartialImageModel();
    PartialImageModel(PartialImageModel&&) noexcept;
    PartialImageModel& operator=(PartialImageModel&&) noexcept;

    // Throws BundleError naming the file for a damaged or foreign file and for a model of vectors;
    // device "cpu", "cuda" or "auto".
    static PartialImageModel load(const std::string& path, const std::string& device = "cpu");
    bool loaded() const;
    const Schema& schema() const;  // its conditions (none for an image folder without conditions.csv)
    int64_t imageSize() const;
    int64_t imageChannels() const;
    std::string describe() const;  // size, U-Net, what it learned from

    // pixels: count x C x S x S 8-bit; observed: count x S x S (nonzero = observed); one set of
    // conditions for every image. Returns count x C x S x S, observed pixels exactly as given.
    // Throws std::invalid_argument for sizes that do not match or bad settings.
    std::vector<uint8_t> complete(const std::vector<uint8_t>& pixels, const std::vector<uint8_t>& observed, int64_t count,
                                  const ConditionValues& conditions, const PartialCompletion& how) const;
    // The same with each image's own conditions from the set's conditions.csv. Throws BundleError
    // for images of another size or channel count, DataError for the conditions.
    std::vector<uint8_t> complete(const ImageSet& images, const std::vector<uint8_t>& observed, const PartialCompletion& how) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m;
};

}  // namespace ms::api
