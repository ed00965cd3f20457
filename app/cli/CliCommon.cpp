#include "app/cli/CliCommon.h"

#include <csignal>
#include <cstdio>
#include <iostream>

namespace ms::cli {

void printJsonLine(const nlohmann::json& j) { std::cout << j.dump() << std::endl; }

nlohmann::json evaluationJson(const mcvae::SparsityEvaluation& ev) {
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

namespace {
CancelToken g_interrupt;
extern "C" void onInterrupt(int) { g_interrupt.cancel(); }
}  // namespace

const CancelToken& cancelOnInterrupt() {
    g_interrupt.reset();
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);  // scancel, a job's time limit, the studio's Cancel: a clean stop too
    return g_interrupt;
}

void restoreInterrupt() {
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

SparsitySchedule parseSchedule(const std::string& text) {
    SparsitySchedule s;
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t i = 0; i <= text.size(); ++i)
        if (i == text.size() || text[i] == ':') {
            parts.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    s.kind = SparsitySchedule::parseKind(parts[0]);
    try {
        if (parts.size() > 1) s.start = s.end = std::stod(parts[1]);
        if (parts.size() > 2) s.end = std::stod(parts[2]);
        if (parts.size() > 3) s.segments = std::stoi(parts[3]);
    } catch (const std::exception&) {
        throw std::invalid_argument("--sparsity '" + text + "': write KIND:START[:END[:SEGMENTS]], e.g. linear:0.1:0.2");
    }
    if (const std::string problem = s.validate(); !problem.empty()) throw std::invalid_argument("--sparsity: " + problem);
    return s;
}

}  // namespace ms::cli
