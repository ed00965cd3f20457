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

namespace {

struct SampleOptions {
    std::string model;
    std::vector<std::string> assignments;
    int count = 1;
    uint64_t seed = 0;
    std::string out;
    bool zeroLatent = false;
    bool labels = false;
    bool json = false;
    std::string units = "mm";

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", model, "model bundle")->required();
        cmd->add_option("conditions", assignments, "NAME=VALUE conditions; unnamed ones are unknown");
        cmd->add_option("--n", count, "number of designs")->check(CLI::Range(1, 100000));
        cmd->add_option("--seed", seed, "latent seed");
        cmd->add_flag("--zero-latent", zeroLatent, "decode z = 0 (the most typical design) instead of sampling");
        cmd->add_flag("--labels", labels, "label keypoints in the SVG/PNG");
        cmd->add_option("--out", out, "output prefix")->required();
        cmd->add_flag("--json", json, "print the generated designs as JSON on the last line");
        cmd->add_option("--units", units, "what the design's numbers are in, written into the DXF header: mm, cm, m or in")
            ->capture_default_str();
    }
    void validate() const { (void)parseLengthUnit(units); }
};

void runSample(const SampleOptions& o) {
    initTorchRuntime(1);
    mcvae::DesignGenerator gen(mcvae::loadBundle(o.model));
    mcvae::GenerationRequest req;
    req.conditions = parseConditionAssignments(gen.schema(), o.assignments);
    req.count = o.count;
    req.seed = o.seed;
    req.latent = o.zeroLatent ? mcvae::LatentMode::Zero : mcvae::LatentMode::Sample;
    const auto designs = gen.generate(req);
    std::vector<Drawing> drawings;
    const DesignDetails details = designDetailsFrom(req.conditions.textByColumn(gen.schema()));
    for (const auto& d : designs) drawings.push_back(drawDesign(gen.schema(), d, o.labels, details));
    writeDesignsCsv(gen.schema(), designs, {req.conditions}, o.out + ".csv");
    writeSvg(drawings, o.out + ".svg");
    writeDxf(drawings, o.out + ".dxf", parseLengthUnit(o.units));
    std::string written = o.out + ".csv, " + o.out + ".svg, " + o.out + ".dxf";
#ifdef MASKSTUDIO_HAVE_IMAGING
    imaging::writeDrawingsPng(drawings, o.out + ".png");
    written += ", " + o.out + ".png";
#else
    std::cerr << "note: this build has no OpenCV imaging target, so no PNG was written" << std::endl;
#endif
    std::cout << "wrote " << designs.size() << " design(s): " << written << std::endl;
    if (o.json) printJsonLine({{"designs", designs}, {"files", written}});
}

}  // namespace

void addSampleCommand(CLI::App& app) {
    addCommand<SampleOptions>(&app, "sample", "Generate designs for a set of conditions: PREFIX.csv, .svg, .dxf and .png", runSample);
}

}  // namespace ms::cli
