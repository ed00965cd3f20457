#include <iostream>

#include "app/cli/Commands.h"
#include "core/data/CsvReader.h"
#include "core/data/DesignTableBuilder.h"
#include "core/synth/BikeSynth.h"
#include "core/synth/CarSynth.h"
#include "core/synth/PartsTableSynth.h"

namespace ms::cli {

void addSynthCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("synth", "Write a synthetic data set (the embedded defaults) as CSV");
    auto kind = std::make_shared<std::string>();
    auto n = std::make_shared<size_t>(4000);
    auto seed = std::make_shared<uint64_t>(0);
    auto out = std::make_shared<std::string>();
    auto keypoints = std::make_shared<bool>(false);
    auto noGaps = std::make_shared<bool>(false);
    cmd->add_option("kind", *kind,
                    "bike, car, or parts (a catalogue table shaped like users' data: text categories, ratings, counts, "
                    "zero-inflated and skewed columns, outliers, 5-50 % empty cells)")
        ->required()
        ->check(CLI::IsMember({"bike", "car", "parts"}));
    cmd->add_option("--n", *n, "number of designs (parts: rows)")->check(CLI::Range(size_t{1}, size_t{10000000}));
    cmd->add_flag("--keypoints", *keypoints, "parts: add the bracket's outline as keypoints (a design data set)");
    cmd->add_flag("--no-gaps", *noGaps, "parts: fill every cell (the values behind the gaps)");
    cmd->add_option("--seed", *seed, "random seed (same seed, same data)");
    cmd->add_option("--out", *out, "output CSV file")->required();
    cmd->callback([=] {
        if (*kind == "parts") {
            PartsTableSettings settings;
            settings.rows = static_cast<int64_t>(*n);
            settings.seed = *seed;
            settings.keypoints = *keypoints;
            settings.gaps = !*noGaps;
            const TextTable t = synthPartsTable(settings);
            writeCsvFile(*out, t.header, t.rows);
            std::cout << "wrote " << t.rows.size() << " rows of a synthetic parts table to " << *out << " ("
                      << t.header.size() << " columns" << (settings.gaps ? ", with empty cells" : "") << ")" << std::endl;
            return;
        }
        const SynthResult r = *kind == "bike" ? synthBikes(*n, *seed) : synthCars(*n, *seed);
        writeDesignCsv(*out, r.schema, r.table);
        std::cout << "wrote " << r.table.rows << " synthetic " << *kind << " designs to " << *out << " ("
                  << r.schema.keypoints.size() << " keypoints, " << r.schema.categorical.size() << " categorical + "
                  << r.schema.numerical.size() << " numerical conditions)" << std::endl;
    });
}

}  // namespace ms::cli
