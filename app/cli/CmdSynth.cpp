#include <iostream>

#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "core/data/CsvReader.h"
#include "core/data/DesignTableBuilder.h"
#include "core/synth/BikeSynth.h"
#include "core/synth/CarSynth.h"
#include "core/synth/PartsTableSynth.h"

namespace ms::cli {

namespace {

struct SynthOptions {
    std::string kind;
    size_t count = 4000;
    uint64_t seed = 0;
    std::string out;
    bool keypoints = false;
    bool noGaps = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("kind", kind,
                        "bike, car, or parts (a catalogue table shaped like users' data: text categories, ratings, counts, "
                        "zero-inflated and skewed columns, outliers, 5-50 % empty cells)")
            ->required()
            ->check(CLI::IsMember({"bike", "car", "parts"}));
        cmd->add_option("--n", count, "number of designs (parts: rows)")->check(CLI::Range(size_t{1}, size_t{10000000}));
        cmd->add_flag("--keypoints", keypoints, "parts: add the bracket's outline as keypoints (a design data set)");
        cmd->add_flag("--no-gaps", noGaps, "parts: fill every cell (the values behind the gaps)");
        cmd->add_option("--seed", seed, "random seed (same seed, same data)");
        cmd->add_option("--out", out, "output CSV file")->required();
    }
    void validate() const {}
};

void runSynth(const SynthOptions& o) {
    if (o.kind == "parts") {
        PartsTableSettings settings;
        settings.rows = static_cast<int64_t>(o.count);
        settings.seed = o.seed;
        settings.keypoints = o.keypoints;
        settings.gaps = !o.noGaps;
        const TextTable t = synthPartsTable(settings);
        writeCsvFile(o.out, t.header, t.rows);
        std::cout << "wrote " << t.rows.size() << " rows of a synthetic parts table to " << o.out << " ("
                  << t.header.size() << " columns" << (settings.gaps ? ", with empty cells" : "") << ")" << std::endl;
        return;
    }
    const SynthResult r = o.kind == "bike" ? synthBikes(o.count, o.seed) : synthCars(o.count, o.seed);
    writeDesignCsv(o.out, r.schema, r.table);
    std::cout << "wrote " << r.table.rows << " synthetic " << o.kind << " designs to " << o.out << " ("
              << r.schema.keypoints.size() << " keypoints, " << r.schema.categorical.size() << " categorical + "
              << r.schema.numerical.size() << " numerical conditions)" << std::endl;
}

}  // namespace

void addSynthCommand(CLI::App& app) {
    addCommand<SynthOptions>(&app, "synth", "Write a synthetic data set (the embedded defaults) as CSV", runSynth);
}

}  // namespace ms::cli
