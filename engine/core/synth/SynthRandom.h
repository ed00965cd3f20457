#pragma once
// Portable random numbers for the synthetic generators. std::mt19937_64 is fully specified by
// the standard, but the std:: distributions are not, so the transforms are done here to give the
// same data set for the same seed with every standard library.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace ms {

class SynthRandom {
public:
    explicit SynthRandom(std::uint64_t seed) : m_engine(seed) {}

    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(m_engine() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

    // Standard normal by Box-Muller; the second value of each pair is kept for the next call.
    double normal() {
        if (m_hasSpare) {
            m_hasSpare = false;
            return m_spare;
        }
        const double u1 = 1.0 - uniform();  // (0, 1], so log() is finite
        const double u2 = uniform();
        const double r = std::sqrt(-2.0 * std::log(u1));
        const double a = 2.0 * 3.14159265358979323846 * u2;
        m_spare = r * std::sin(a);
        m_hasSpare = true;
        return r * std::cos(a);
    }
    double normal(double mean, double sd) { return mean + sd * normal(); }

    bool bernoulli(double p) { return uniform() < p; }

    // Index drawn with probability proportional to weights (all weights >= 0, sum > 0).
    std::size_t pick(const std::vector<double>& weights) {
        double total = 0.0;
        for (double w : weights) total += w;
        double u = uniform() * total;
        for (std::size_t i = 0; i < weights.size(); ++i) {
            if (u < weights[i]) return i;
            u -= weights[i];
        }
        return weights.empty() ? 0 : weights.size() - 1;  // rounding at the top end
    }

private:
    std::mt19937_64 m_engine;
    double m_spare = 0.0;
    bool m_hasSpare = false;
};

}  // namespace ms
