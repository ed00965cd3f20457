#pragma once
// A seeded table shaped like the ones users bring (issue 13): a parts catalogue of brackets with
// what real tables have and our bike and car sets do not:
//   part_id        text, unique per row (an identifier: never modelled)
//   material       text category, 5 classes of unequal frequency
//   supplier       text category, 6 classes
//   rating         whole numbers 0..10, repeated values (an inspector's grade)
//   defects        a count (Poisson-like, many zeros, a long tail)
//   coating_um     zero-inflated: most rows exactly 0, the rest a skewed positive thickness
//   length_mm      continuous, with a few outliers (a factor 10: a unit mix-up)
//   mass_g         skewed positive, follows material, length and width
//   cost_eur       log-normal, follows mass and material
//   batch_year     whole numbers 2015..2024
//   test_temp_c    a measurement made on few parts: empty in about 85 % of the rows
//   notes          free text, mostly empty
// Every column but part_id has its own share of empty cells between 5 and 50 %. With keypoints,
// the bracket's outline (four points, x_NAME / y_NAME, never empty: keypoints are outputs) is
// added, driven by the true length, width and material, so the table is also a design data set.
// Same seed, same table, with every standard library (synth/SynthRandom).
#include <cstdint>
#include <string>
#include <vector>

namespace ms {

struct PartsTableSettings {
    int64_t rows = 400;
    uint64_t seed = 0;
    bool keypoints = false;
    bool gaps = true;  // false: every cell filled (the truth behind the gaps)
};

struct TextTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;  // "" = empty cell
};

TextTable synthPartsTable(const PartsTableSettings& settings);

// The column names of the table, in order.
std::vector<std::string> partsTableColumns(bool keypoints);

}  // namespace ms
