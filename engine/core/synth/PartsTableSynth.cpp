#include "core/synth/PartsTableSynth.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

#include "core/data/NumberText.h"
#include "core/synth/SynthRandom.h"

namespace ms {

namespace {

struct Material {
    const char* name;
    double weight;   // share of the catalogue
    double density;  // g / cm^3
    double price;    // EUR per kg
    double quality;  // shifts the rating
};

constexpr std::array<Material, 5> kMaterials{{
    {"steel", 0.40, 7.85, 2.0, 0.0},
    {"aluminium", 0.30, 2.70, 6.0, 0.5},
    {"titanium", 0.08, 4.43, 40.0, 2.0},
    {"carbon", 0.12, 1.60, 60.0, 1.5},
    {"polymer", 0.10, 1.20, 4.0, -1.5},
}};
constexpr std::array<const char*, 6> kSuppliers{"Acme", "Borg", "Cyclo", "Dyna", "Evo", "Fenn"};
constexpr std::array<const char*, 6> kNotes{"rework", "customer return", "prototype", "check weld", "ok", "see drawing rev B"};
constexpr std::array<const char*, 4> kKeypoints{"base_left", "base_right", "arm_top", "hole"};

// Decimal text rounded to `digits` places ("12.5", "0", "1250").
std::string decimal(double v, int digits) {
    const double scale = std::pow(10.0, digits);
    return formatNumber(std::round(v * scale) / scale);
}

// A Poisson draw by inversion (small means only).
int64_t poisson(SynthRandom& r, double mean) {
    const double limit = std::exp(-mean);
    double p = r.uniform();
    int64_t k = 0;
    while (p > limit && k < 1000) {
        p *= r.uniform();
        ++k;
    }
    return k;
}

}  // namespace

std::vector<std::string> partsTableColumns(bool keypoints) {
    std::vector<std::string> c{"part_id", "material", "supplier", "rating", "defects", "coating_um", "length_mm",
                               "mass_g", "cost_eur", "batch_year", "test_temp_c", "notes"};
    if (keypoints)
        for (const char* k : kKeypoints) {
            c.push_back(std::string("x_") + k);
            c.push_back(std::string("y_") + k);
        }
    return c;
}

TextTable synthPartsTable(const PartsTableSettings& s) {
    if (s.rows < 1) throw std::invalid_argument("parts table: at least one row");
    SynthRandom r(s.seed);
    SynthRandom gapDraws(s.seed ^ 0x9e3779b97f4a7c15ULL);  // gaps apart, so gaps = false gives the same values
    TextTable t;
    t.header = partsTableColumns(s.keypoints);
    const std::size_t kNumbered = 12;  // columns before the keypoints
    // Each column's share of empty cells: 5..50 %, test_temp_c 85 %, notes 90 %, none for the id.
    std::vector<double> gapShare(t.header.size(), 0.0);
    for (std::size_t c = 1; c < kNumbered; ++c) gapShare[c] = gapDraws.uniform(0.05, 0.5);
    gapShare[10] = 0.85;
    gapShare[11] = 0.9;
    std::vector<double> materialWeights;
    for (const auto& m : kMaterials) materialWeights.push_back(m.weight);
    for (int64_t i = 0; i < s.rows; ++i) {
        const std::size_t mi = r.pick(materialWeights);
        const Material& m = kMaterials[mi];
        const std::size_t supplier = r.pick({3, 2, 2, 1, 1, 0.5});
        double length = std::exp(r.normal(std::log(420.0), 0.3));
        const double width = r.uniform(20.0, 60.0);
        const double thickness = 2.0 + 0.01 * length + r.normal(0.0, 0.4);
        const double mass = std::max(1.0, m.density * length * width * std::max(thickness, 0.8) / 1000.0 * std::exp(r.normal(0.0, 0.08)));
        const double cost = mass / 1000.0 * m.price * std::exp(r.normal(0.3, 0.35)) + 1.5;
        const int64_t rating = std::clamp<int64_t>(std::llround(r.normal(6.0 + m.quality - 0.5 * static_cast<double>(supplier == 4), 1.6)), 0, 10);
        const int64_t defects = poisson(r, 0.15 * static_cast<double>(11 - rating));
        const bool coated = mi == 0 && r.bernoulli(0.7);  // steel is mostly coated, the rest never
        const double coating = coated ? std::exp(r.normal(std::log(25.0), 0.4)) : 0.0;
        const int64_t year = 2015 + static_cast<int64_t>(std::floor(r.uniform(0.0, 10.0)));
        const double testTemp = r.normal(20.0 + 0.02 * (length - 420.0), 3.0);
        const std::size_t note = static_cast<std::size_t>(std::floor(r.uniform(0.0, static_cast<double>(kNotes.size()))));
        const double shownLength = r.bernoulli(0.01) ? 10.0 * length : length;  // outliers: entered in 1/10 mm
        char id[32];
        std::snprintf(id, sizeof id, "P-%05lld", static_cast<long long>(i + 1));
        std::vector<std::string> row{id,
                                     m.name,
                                     kSuppliers[supplier],
                                     std::to_string(rating),
                                     std::to_string(defects),
                                     decimal(coating, 1),
                                     decimal(shownLength, 1),
                                     decimal(mass, 1),
                                     decimal(cost, 2),
                                     std::to_string(year),
                                     decimal(testTemp, 1),
                                     kNotes[note]};
        if (s.keypoints) {
            // A bracket in side view: base from (0, 0) to (length, 0), an arm rising with the
            // width and a mounting hole whose position depends on the material.
            const double armHeight = 3.0 * width + 0.2 * length * (mi == 3 ? 0.6 : 1.0);
            const std::array<std::array<double, 2>, 4> points{{{0.0, 0.0},
                                                              {length, 0.0},
                                                              {0.15 * length, armHeight},
                                                              {(0.5 + 0.05 * static_cast<double>(mi)) * length, 0.35 * armHeight}}};
            for (const auto& p : points) {
                row.push_back(decimal(p[0] + r.normal(0.0, 1.0), 2));
                row.push_back(decimal(p[1] + r.normal(0.0, 1.0), 2));
            }
        }
        if (s.gaps)
            for (std::size_t c = 1; c < kNumbered; ++c)
                if (gapDraws.bernoulli(gapShare[c])) row[c].clear();
        t.rows.push_back(std::move(row));
    }
    return t;
}

}  // namespace ms
