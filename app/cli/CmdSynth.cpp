#include <iostream>

#include "Commands.h"
#include "data/DesignTableBuilder.h"
#include "synth/BikeSynth.h"
#include "synth/CarSynth.h"

namespace ms::cli {

void addSynthCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("synth", "Write a synthetic data set (the embedded defaults) as CSV");
    auto kind = std::make_shared<std::string>();
    auto n = std::make_shared<size_t>(4000);
    auto seed = std::make_shared<uint64_t>(0);
    auto out = std::make_shared<std::string>();
    cmd->add_option("kind", *kind, "bike or car")->required()->check(CLI::IsMember({"bike", "car"}));
    cmd->add_option("--n", *n, "number of designs")->check(CLI::Range(size_t{1}, size_t{10000000}));
    cmd->add_option("--seed", *seed, "random seed (same seed, same data)");
    cmd->add_option("--out", *out, "output CSV file")->required();
    cmd->callback([=] {
        const SynthResult r = *kind == "bike" ? synthBikes(*n, *seed) : synthCars(*n, *seed);
        writeDesignCsv(*out, r.schema, r.table);
        std::cout << "wrote " << r.table.rows << " synthetic " << *kind << " designs to " << *out << " ("
                  << r.schema.keypoints.size() << " keypoints, " << r.schema.categorical.size() << " categorical + "
                  << r.schema.numerical.size() << " numerical conditions)" << std::endl;
    });
}

}  // namespace ms::cli
