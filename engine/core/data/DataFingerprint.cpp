#include "core/data/DataFingerprint.h"

#include <cmath>
#include <cstring>

namespace ms {
namespace {

struct Fnv1a {
    uint64_t h = 1469598103934665603ull;
    void add(const void* data, size_t n) {
        const auto* p = static_cast<const unsigned char*>(data);
        for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
    }
    void add(double v) {
        if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();  // one NaN pattern
        add(&v, sizeof v);
    }
};

}  // namespace

uint64_t dataFingerprint(const DesignTable& t) {
    Fnv1a f;
    const uint64_t shape[4] = {t.rows, t.outputDim, t.categoricalCount, t.numericalCount};
    f.add(shape, sizeof shape);
    for (double v : t.outputs) f.add(v);
    f.add(t.categorical.data(), t.categorical.size() * sizeof(int));
    for (double v : t.numerical) f.add(v);
    return f.h;
}

}  // namespace ms
