#include <iostream>

#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "core/geometry/DesignDrawing.h"
#include "core/geometry/GeometryExport.h"
#include "core/runtime/TorchRuntime.h"
#include "mcvae/DesignGenerator.h"
#ifdef MASKSTUDIO_HAVE_IMAGING
#include "imaging/DrawingRaster.h"
#endif

namespace ms::cli {

void addSampleCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("sample", "Generate designs for a set of conditions: PREFIX.csv, .svg, .dxf and .png");
    auto model = std::make_shared<std::string>();
    auto assignments = std::make_shared<std::vector<std::string>>();
    auto n = std::make_shared<int>(1);
    auto seed = std::make_shared<uint64_t>(0);
    auto out = std::make_shared<std::string>();
    auto zero = std::make_shared<bool>(false);
    auto labels = std::make_shared<bool>(false);
    auto json = std::make_shared<bool>(false);
    cmd->add_option("--model", *model, "model bundle")->required();
    cmd->add_option("conditions", *assignments, "NAME=VALUE conditions; unnamed ones are unknown");
    cmd->add_option("--n", *n, "number of designs")->check(CLI::Range(1, 100000));
    cmd->add_option("--seed", *seed, "latent seed");
    cmd->add_flag("--zero-latent", *zero, "decode z = 0 (the most typical design) instead of sampling");
    cmd->add_flag("--labels", *labels, "label keypoints in the SVG/PNG");
    cmd->add_option("--out", *out, "output prefix")->required();
    cmd->add_flag("--json", *json, "print the generated designs as JSON on the last line");
    cmd->callback([=] {
        initTorchRuntime(1);
        mcvae::DesignGenerator gen(mcvae::loadBundle(*model));
        mcvae::GenerationRequest req;
        req.conditions = parseConditionAssignments(gen.schema(), *assignments);
        req.count = *n;
        req.seed = *seed;
        req.latent = *zero ? mcvae::LatentMode::Zero : mcvae::LatentMode::Sample;
        const auto designs = gen.generate(req);
        std::vector<Drawing> drawings;
        const DesignDetails details = designDetailsFrom(req.conditions.textByColumn(gen.schema()));
        for (const auto& d : designs) drawings.push_back(drawDesign(gen.schema(), d, *labels, details));
        writeDesignsCsv(gen.schema(), designs, *out + ".csv");
        writeSvg(drawings, *out + ".svg");
        writeDxf(drawings, *out + ".dxf");
        std::string written = *out + ".csv, " + *out + ".svg, " + *out + ".dxf";
#ifdef MASKSTUDIO_HAVE_IMAGING
        imaging::writeDrawingsPng(drawings, *out + ".png");
        written += ", " + *out + ".png";
#else
        std::cerr << "note: this build has no OpenCV imaging target, so no PNG was written" << std::endl;
#endif
        std::cout << "wrote " << designs.size() << " design(s): " << written << std::endl;
        if (*json) printJsonLine({{"designs", designs}, {"files", written}});
    });
}

}  // namespace ms::cli
