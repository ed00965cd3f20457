#pragma once
// The one error every model file reader throws (MC-VAE bundle, SFARM, image and pixel models):
// its message names the file and what is wrong with it (not a model file, another format
// version, damaged metadata, shapes that disagree).
#include <stdexcept>

namespace ms {

class BundleError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace ms
