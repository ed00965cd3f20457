// maskstudio-cli partial maskprior: Work II's learned prior over observation masks (a BFN,
// engine/partial/MaskPrior). `bench` trains it on one scenario's masks and measures realism,
// positivity of the intersection partition against Work I's hand rules, and speed.
#include <cmath>
#include <iostream>
#include <string>

#include "app/cli/CliCommon.h"
#include "app/cli/Commands.h"
#include "core/runtime/TorchRuntime.h"
#include "experiments/MaskPriorBenchmark.h"
#ifdef MASKSTUDIO_HAVE_IMAGING
#include "imaging/PixelFigures.h"
#endif

namespace ms::cli {
namespace {

struct MaskPriorBenchOptions {
    experiments::MaskPriorBenchSettings settings;
    std::string png;
    int threads = 0;
    bool json = false;

    void addTo(CLI::App* cmd) {
        experiments::MaskPriorBenchSettings& s = settings;
        cmd->add_option("--scenario", s.scenario, "observation masks: iid (50 % pixels), block (one 14 x 14 square), mixture (half each, iid at 30 %)")
            ->check(CLI::IsMember({"iid", "block", "mixture"}));
        cmd->add_option("--size", s.size, "masks are SIZE x SIZE (a multiple of 4)")->check(CLI::PositiveNumber);
        cmd->add_option("--train-masks", s.trainMasks, "the data's masks the prior learns from")->check(CLI::PositiveNumber);
        cmd->add_option("--test-masks", s.testMasks, "held-out masks (bits per pixel, realism of the data)")->check(CLI::PositiveNumber);
        cmd->add_option("--updates", s.updates, "optimizer updates")->check(CLI::PositiveNumber);
        cmd->add_option("--batch", s.batchSize, "batch size")->check(CLI::PositiveNumber);
        cmd->add_option("--lr", s.lr, "learning rate")->check(CLI::PositiveNumber);
        cmd->add_option("--channels", s.baseChannels, "the prior U-Net's base channels (a multiple of 8)")->check(CLI::PositiveNumber);
        cmd->add_option("--beta1", s.beta1, "the BFN's final accuracy beta_1 (sqrt 3 in the MNIST reference: 9)")->check(CLI::PositiveNumber);
        cmd->add_flag("--theta-input", s.thetaInput, "the network reads theta (Graves et al.), not the belief's log-odds scaled to unit size");
        cmd->add_flag("--flat-time-weight", s.flatTimeWeight, "train without the loss's factor t (every t weighted alike; not the likelihood bound)");
        cmd->add_flag("--cosine-decay", s.cosineDecay, "the learning rate follows a cosine down to 0 over the updates");
        cmd->add_option("--weight-average", s.weightAverage, "keep a moving average of the weights with this decay per update (0: the last weights)")
            ->check(CLI::Range(0.0, 0.99999));
        cmd->add_option("--sampler", s.sampler, "discrete (the BFN's n-step sampler) or ode (probability flow, first-order exact step)")
            ->check(CLI::IsMember({"discrete", "ode"}));
        cmd->add_option("--steps", s.steps, "sampler steps")->check(CLI::PositiveNumber);
        cmd->add_option("--time-power", s.timePower, "the samplers' time grid t_i = (i / steps)^P (1: uniform; larger: more steps at small t)")
            ->check(CLI::Range(0.1, 10.0));
        cmd->add_option("--prior", s.priorPath, "mask prior file (.mpr): read when it exists (no training), else written after training");
        cmd->add_option("--samples", s.samples, "prior samples scored for realism")->check(CLI::PositiveNumber);
        cmd->add_option("--positivity-masks", s.positivityMasks, "held-out masks partitioned")->check(CLI::PositiveNumber);
        cmd->add_option("--partitions", s.partitions, "partitions per mask")->check(CLI::PositiveNumber);
        cmd->add_option("--delta", s.delta, "Work I's i.i.d. rule: drop probability")->check(CLI::Range(0.0, 0.99));
        cmd->add_option("--rho", s.rho, "guided partitions: anchor share of the observed pixels")->check(CLI::Range(0.0, 1.0));
        cmd->add_option("--guidance", s.guidanceScale, "guided partitions: gradient guidance scale (0: none)")->check(CLI::NonNegativeNumber);
        cmd->add_flag("--clamp", s.clampAnchors, "guided partitions: clamp the anchors through the sender (gradient-free)");
        cmd->add_option("--seed", s.seed, "mask, training and sampling seed");
        cmd->add_option("--device", s.device, "cpu, cuda or auto")->check(CLI::IsMember({"cpu", "cuda", "auto"}));
        cmd->add_option("--png", png, "write 16 held-out data masks beside 16 prior samples (PNG)");
        cmd->add_option("--threads", threads, "CPU threads (0: all cores)")->check(CLI::NonNegativeNumber);
        cmd->add_flag("--json", json, "print the results as JSON on the last line");
    }
    void validate() const {
        if (settings.size % 4 != 0) throw CLI::ValidationError("--size", "a multiple of 4 (two halvings in the prior's U-Net)");
        if (settings.baseChannels % 8 != 0) throw CLI::ValidationError("--channels", "a multiple of 8");
    }
};

std::string ratio(double r) { return std::isfinite(r) ? fixed(r, 2) : "inf (never queried)"; }

void runMaskPriorBench(const MaskPriorBenchOptions& o) {
    initTorchRuntime(o.threads);
    experiments::MaskPriorBenchSettings s = o.settings;
    s.log = [](const std::string& line) { std::cerr << line << "\n"; };
    const experiments::MaskPriorBenchResult r = experiments::runMaskPriorBenchmark(s, cancelOnInterrupt());
    restoreInterrupt();
    std::cout << "mask prior (BFN), scenario " << s.scenario << ", " << s.size << " x " << s.size << ": " << s.trainMasks
              << " training masks, " << s.updates << " updates in " << fixed(r.trainSeconds, 1) << " s ("
              << fixed(r.msPerUpdate, 2) << " ms per update); " << s.sampler << " sampler, " << s.steps << " steps: "
              << fixed(r.masksPerSecond, 1) << " masks per second\n\n";
    const auto realismRow = [](const std::string& name, const experiments::MaskRealism& m) {
        return std::vector<std::string>{name, fixed(m.missingShare, 3), fixed(m.singleHoleShare, 3), fixed(m.blockLikeShare, 3),
                                        fixed(m.neighbourCorrelation, 3)};
    };
    printTable({"masks", "missing share", "single filled hole", "block-like", "neighbour r"},
               {realismRow("held-out data", r.data), realismRow("prior samples", r.prior)});
    std::cout << "\nheld-out masks: " << fixed(r.priorBitsPerPixel, 4) << " bits per pixel under the prior, "
              << fixed(r.bernoulliBitsPerPixel, 4) << " under an independent Bernoulli per pixel\n\n";
    std::vector<std::vector<std::string>> rows;
    nlohmann::json positivity = nlohmann::json::array();
    for (const auto& p : r.positivity) {
        rows.push_back({p.rule, fixed(p.coveredShare, 4), ratio(p.medianRatio), ratio(p.worstRatio), ratio(p.pooledRatio)});
        positivity.push_back({{"rule", p.rule}, {"covered", p.coveredShare},
                              {"median_ratio", std::isfinite(p.medianRatio) ? nlohmann::json(p.medianRatio) : nlohmann::json()},
                              {"worst_ratio", std::isfinite(p.worstRatio) ? nlohmann::json(p.worstRatio) : nlohmann::json()},
                              {"pooled_ratio", std::isfinite(p.pooledRatio) ? nlohmann::json(p.pooledRatio) : nlohmann::json()}});
    }
    printTable({"partition", "observed pixels queried", "max/min frequency (median mask)", "(worst mask)",
                "(pooled over the masks)"},
               rows);
    if (!o.png.empty()) {
#ifdef MASKSTUDIO_HAVE_IMAGING
        imaging::writeMaskComparisonFigure(o.png, r.dataExamples, r.priorExamples, s.size, 3);
        std::cout << "\nwrote " << o.png << " (left: held-out data masks, right: prior samples; dark red = missing)\n";
#else
        std::cerr << "this build writes no PNG (no OpenCV)\n";
#endif
    }
    if (o.json) {
        const auto realism = [](const experiments::MaskRealism& m) {
            return nlohmann::json{{"missing_share", m.missingShare}, {"single_hole", m.singleHoleShare},
                                  {"block_like", m.blockLikeShare}, {"neighbour_r", m.neighbourCorrelation}};
        };
        printJsonLine({{"scenario", s.scenario}, {"data", realism(r.data)}, {"prior", realism(r.prior)},
                       {"prior_bits", r.priorBitsPerPixel}, {"bernoulli_bits", r.bernoulliBitsPerPixel},
                       {"positivity", positivity}, {"ms_per_update", r.msPerUpdate}, {"masks_per_second", r.masksPerSecond}});
    }
}

}  // namespace

void addPartialMaskPriorCommand(CLI::App* partial) {
    CLI::App* cmd = partial->add_subcommand("maskprior", "A learned prior over observation masks (Bayesian Flow Network, Work II)");
    cmd->require_subcommand(1);
    addCommand<MaskPriorBenchOptions>(cmd, "bench",
                                      "Train the prior on one scenario's masks; realism, positivity of the intersection "
                                      "partition vs Work I's rules, speed",
                                      runMaskPriorBench);
    addMaskPriorModelCommands(cmd);
}

}  // namespace ms::cli
