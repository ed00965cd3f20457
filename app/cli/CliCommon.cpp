#include "CliCommon.h"

#include <cstdio>
#include <iostream>

namespace ms::cli {

void printJsonLine(const nlohmann::json& j) { std::cout << j.dump() << std::endl; }

nlohmann::json evaluationJson(const SparsityEvaluation& ev) {
    return {{"sparsities", ev.sparsities}, {"mse_by_sparsity", ev.mse},    {"mse_by_sparsity_z0", ev.mseZ0},
            {"mean_mse", ev.meanMse},      {"mean_mse_z0", ev.meanMseZ0}, {"test_rows", ev.testRows}};
}

std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

void printTable(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> width(header.size());
    for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
    for (const auto& r : rows)
        for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
    auto line = [&](const std::vector<std::string>& cells) {
        std::string s = "|";
        for (size_t i = 0; i < width.size(); ++i) {
            const std::string c = i < cells.size() ? cells[i] : "";
            s += " " + c + std::string(width[i] - c.size(), ' ') + " |";
        }
        std::cout << s << '\n';
    };
    line(header);
    std::string sep = "|";
    for (size_t w : width) sep += std::string(w + 2, '-') + "|";
    std::cout << sep << '\n';
    for (const auto& r : rows) line(r);
    std::cout.flush();
}

}  // namespace ms::cli
