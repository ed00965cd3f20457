#include <cmath>
#include <iostream>

#include "api/SfarmTable.h"
#include "app/cli/CliCommon.h"
#include "app/cli/DistributedOptions.h"
#include "app/cli/Commands.h"
#include "core/runtime/TorchRuntime.h"
#include "experiments/AcquisitionBenchmark.h"
#include "experiments/ImputationBenchmark.h"

namespace ms::cli {

namespace {

std::pair<double, double> meanAndSd(const std::vector<double>& v) {
    double m = 0;
    for (double x : v) m += x;
    m /= static_cast<double>(v.size());
    double var = 0;
    for (double x : v) var += (x - m) * (x - m);
    return {m, v.size() > 1 ? std::sqrt(var / static_cast<double>(v.size() - 1)) : 0.0};
}

struct SfarmTrainOptions {
    api::SfarmTrainRequest request;
    DistributedOptions distributed;
    bool noEarlyStopping = false;
    bool noAtoms = false;
    bool noGaussianPath = false;
    bool constantLr = false;
    bool noCheckpoints = false;
    bool noText = false;
    bool continuous = false;
    bool json = false;

    void addTo(CLI::App* cmd) {
        api::SfarmTrainRequest& r = request;
        cmd->add_option("--data", r.dataPath, "CSV with empty cells for unknown values")->required();
        cmd->add_option("--out", r.outPath, "SFARM model to write (.sfm)")->required();
        cmd->add_option("--columns", r.columns, "columns to model (empty: every numeric column and every text column of 2-64 classes)")
            ->delimiter(',');
        cmd->add_option("--epochs", r.epochs, "epochs (0 = about 40,000 updates; with early stopping the most)");
        cmd->add_option("--hidden", r.hidden, "MLP units per layer (0 = by column count: 64, 128 or 256)");
        cmd->add_flag("--tune", r.tune, "search hidden units, learning rate and atoms on held-out cells (successive halving, both cores)");
        cmd->add_option("--tune-trials", r.tuneTrials, "settings tried by --tune")->check(CLI::Range(int64_t{2}, int64_t{1000}));
        cmd->add_flag("--no-early-stopping", noEarlyStopping,
                      "train every epoch on every cell (without it: hold out 10 % of the cells, keep the best weights)");
        cmd->add_option("--mixture", r.mixture, "Gaussian components per continuous column (more fit several modes)")->check(CLI::Range(1, 64));
        cmd->add_flag("--no-atoms", noAtoms,
                      "no exact repeated values (without it: values in >= 2 % of a column's cells are imputed exactly when drawn)");
        cmd->add_flag("--no-gaussian-path", noGaussianPath,
                      "the MLP alone (without it: the conditional means of a Gaussian fitted to the table are a linear path the MLP corrects)");
        cmd->add_option("--batch", r.batchSize, "batch size");
        cmd->add_option("--lr", r.lr, "learning rate");
        cmd->add_option("--seed", r.seed, "seed");
        cmd->add_option("--resume", r.resumeFrom,
                        "go on with the run that left this checkpoint (the file is rewritten after every epoch), with its own settings");
        cmd->add_flag("--no-checkpoints", noCheckpoints, "write the model once, at the end (without it: after every epoch, resumable)");
        cmd->add_option("--checkpoint-seconds", r.checkpointSeconds,
                        "also checkpoint inside an epoch this many seconds after the last checkpoint (0: at epochs' ends only)")
            ->check(CLI::Range(0.0, 86400.0));
        cmd->add_flag("--constant-lr", constantLr, "keep the learning rate constant (without it: cosine decay to 0)");
        cmd->add_flag("--no-text", noText, "leave text columns out (without it: a text column of 2-64 repeated classes is modelled)");
        cmd->add_flag("--continuous", continuous,
                      "model whole-number columns as continuous too (without it: integers, imputed as whole numbers)");
        cmd->add_flag("--json", json, "print a JSON summary on the last line");
        distributed.addTo(cmd);
    }
    void validate() const {}
    api::SfarmTrainRequest resolved() const {
        api::SfarmTrainRequest r = request;
        r.distributed = distributed.resolved();
        r.integerColumns = !continuous;
        r.atoms = !noAtoms;
        r.gaussianPath = !noGaussianPath;
        r.cosineDecay = !constantLr;
        r.textColumns = !noText;
        r.earlyStopping = !noEarlyStopping;
        r.checkpoints = !noCheckpoints;
        return r;
    }
};

void runSfarmTrain(const SfarmTrainOptions& o) {
    initTorchRuntime(1);
    const CancelToken& cancel = cancelOnInterrupt();
    const api::SfarmTrainRequest r = o.resolved();
    const bool reports = r.distributed.rank == 0;  // every rank has the global loss: rank 0 prints it
    const api::SfarmTrainResult res = api::trainSfarmOnCsv(r, [reports](int64_t epoch, double loss) {
        if (reports && epoch % 500 == 0) std::cerr << "epoch " << epoch << " loss " << fixed(loss, 4) << "\n";
    }, cancel, [](const api::SfarmTuneTrial& t) {
        std::cerr << "trial " << t.trial << " rung " << t.rung << ": held-out score " << fixed(t.validationError, 4) << "  (" << t.settings << ")\n";
    });
    restoreInterrupt();
    if (r.distributed.rank > 0) {  // rank 0 writes the model and reports it
        std::cout << r.distributed.who() << ": " << res.epochs << " epochs done\n";
        return;
    }
    if (res.resumedRowsDone > 0)
        std::cout << "resumed " << r.resumeFrom << " inside epoch " << res.resumedFromEpoch + 1 << ", after " << res.resumedRowsDone
                  << " of its rows\n";
    else if (res.resumedFromEpoch > 0)
        std::cout << "resumed " << r.resumeFrom << " at epoch " << res.resumedFromEpoch << "\n";
    if (cancel.cancelled() && r.checkpoints)  // Ctrl+C or SIGTERM: the file is a checkpoint to go on from
        std::cout << "cancelled after " << res.epochs << " epochs: checkpoint " << r.outPath << " (continue with --resume "
                  << r.outPath << ")\n";
    std::cout << (cancel.cancelled() ? "stopped " : "trained ") << r.outPath << ": " << res.columns.size() << " columns, " << res.rows << " rows ("
              << fixed(100.0 * res.observedFraction, 1) << " % of cells observed), " << res.epochs << " epochs in "
              << fixed(res.seconds, 1) << " s, final loss " << fixed(res.finalLoss, 4) << "\n";
    if (!res.tunedSettings.empty()) std::cout << "tuned (" << res.tuneTrials.size() << " trial runs): " << res.tunedSettings << "\n";
    if (res.bestEpoch > 0)
        std::cout << "kept the weights of epoch " << res.bestEpoch << ": held-out cells filled with error "
                  << fixed(res.heldOutPointError, 4) << " (standardised MSE)\n";
    if (!res.integerColumns.empty()) {
        std::cout << "whole-number columns (modelled as integers; impute --whole-numbers rounds their means):";
        for (const auto& c : res.integerColumns) std::cout << " " << c;
        std::cout << "\n";
    }
    if (!res.categoricalColumns.empty()) {
        std::cout << "text columns modelled as classes:";
        for (const auto& c : res.categoricalColumns) std::cout << " " << c;
        std::cout << "\n";
    }
    if (!res.atomColumns.empty()) {
        std::cout << "repeated values (kept exact when drawn):";
        for (const auto& [column, count] : res.atomColumns) std::cout << " " << column << " (" << count << ")";
        std::cout << "\n";
    }
    if (!res.ignoredColumns.empty()) {
        std::cout << "not modelled (identifiers, free text, constant columns):";
        for (const auto& c : res.ignoredColumns) std::cout << " " << c;
        std::cout << "\n";
    }
    if (o.json)
        printJsonLine({{"model", r.outPath}, {"columns", res.columns}, {"ignored", res.ignoredColumns},
                       {"integer", res.integerColumns}, {"categorical", res.categoricalColumns}, {"atoms", res.atomColumns}, {"rows", res.rows},
                       {"observed_fraction", res.observedFraction}, {"epochs", res.epochs}, {"best_epoch", res.bestEpoch},
                       {"validation_error", res.validationError}, {"heldout_point_error", res.heldOutPointError}, {"final_loss", res.finalLoss},
                       {"resumed_from_epoch", res.resumedFromEpoch}, {"resumed_rows_done", res.resumedRowsDone}, {"seconds", res.seconds},
                       {"training_seconds", res.trainingSeconds}});
}

struct SfarmImputeOptions {
    std::string model, data, out;
    bool sample = false;
    bool wholeNumbers = false;
    uint64_t seed = 0;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", model, "SFARM model (.sfm)")->required();
        cmd->add_option("--data", data, "CSV with empty cells")->required();
        cmd->add_option("--out", out, "completed CSV to write")->required();
        cmd->add_flag("--sample", sample, "one draw per cell instead of the conditional means (whole numbers stay whole)");
        cmd->add_flag("--whole-numbers", wholeNumbers, "round the means of whole-number columns to the nearest level");
        cmd->add_option("--seed", seed, "seed (orders, draws)");
        cmd->add_flag("--json", json, "print a JSON summary on the last line");
    }
    void validate() const {}
};

void runSfarmImpute(const SfarmImputeOptions& o) {
    initTorchRuntime(1);
    const api::SfarmImputeResult res = api::imputeCsvWithSfarm(o.model, o.data, o.out, o.sample, o.seed, o.wholeNumbers);
    std::cout << "filled " << res.filled << " empty cell(s) in " << res.rows << " rows: " << o.out << "\n";
    if (o.json) printJsonLine({{"out", o.out}, {"rows", res.rows}, {"filled", res.filled}});
}

struct SfarmScoreOptions {
    std::string model, data;
    int64_t orders = 20;
    uint64_t seed = 0;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", model, "SFARM model (.sfm)")->required();
        cmd->add_option("--data", data, "CSV")->required();
        cmd->add_option("--orders", orders, "orders of the Monte Carlo estimate");
        cmd->add_option("--seed", seed, "seed");
        cmd->add_flag("--json", json, "print the scores as JSON on the last line");
    }
    void validate() const {}
};

void runSfarmScore(const SfarmScoreOptions& o) {
    initTorchRuntime(1);
    const std::vector<double> ll = api::scoreCsvWithSfarm(o.model, o.data, o.orders, o.seed);
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < ll.size(); ++i) rows.push_back({std::to_string(i), fixed(ll[i], 3)});
    printTable({"row", "log p(observed)"}, rows);
    if (o.json) printJsonLine({{"log_likelihood", ll}});
}

struct SfarmAcquireOptions {
    std::string model, data, target;
    int64_t row = 0;
    int64_t samples = 64;
    uint64_t seed = 0;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--model", model, "SFARM model (.sfm)")->required();
        cmd->add_option("--data", data, "CSV")->required();
        cmd->add_option("--row", row, "data row (0-based)");
        cmd->add_option("--target", target, "the column you want to know")->required();
        cmd->add_option("--samples", samples, "samples of the information estimate");
        cmd->add_option("--seed", seed, "seed");
        cmd->add_flag("--json", json, "print the ranking as JSON on the last line");
    }
    void validate() const {}
};

void runSfarmAcquire(const SfarmAcquireOptions& o) {
    initTorchRuntime(1);
    const auto ranking = api::acquireWithSfarm(o.model, o.data, o.row, o.target, o.samples, o.seed);
    std::vector<std::vector<std::string>> rows;
    nlohmann::json j = nlohmann::json::array();
    for (const auto& a : ranking) {
        rows.push_back({a.column, fixed(a.information, 4)});
        j.push_back({{"column", a.column}, {"information", a.information}});
    }
    std::cout << "measure next, for '" << o.target << "' in row " << o.row << ":\n";
    printTable({"column", "information (nats)"}, rows);
    if (o.json) printJsonLine({{"target", o.target}, {"row", o.row}, {"ranking", j}});
}

struct AcquisitionCurveOptions {
    std::string data;
    experiments::AcquisitionBenchmarkSettings settings;
    bool json = false;

    void addTo(CLI::App* cmd) {
        cmd->add_option("--data", data, "whitespace-separated numeric table, target in the last column")->required();
        cmd->add_option("--seeds", settings.seeds, "split seeds")->delimiter(',');
        cmd->add_option("--epochs", settings.epochs, "SFARM epochs");
        cmd->add_option("--hidden", settings.hidden, "MLP units");
        cmd->add_option("--samples", settings.informationSamples, "samples per information estimate");
        cmd->add_option("--miwae-epochs", settings.miwaeEpochs, "also MIWAE greedy, trained this many epochs (0: off)");
        cmd->add_flag("--json", json, "print the curves as JSON on the last line");
    }
    void validate() const {}
};

void runAcquisitionCurve(const AcquisitionCurveOptions& o) {
    initTorchRuntime(1);
    const NumericTable table = readNumericTable(o.data);
    experiments::AcquisitionBenchmarkSettings settings = o.settings;
    settings.log = [](const std::string& line) { std::cerr << line << std::endl; };
    const experiments::AcquisitionCurves c = experiments::runAcquisitionBenchmark(table, settings, CancelToken());
    std::vector<std::vector<std::string>> rows;
    for (std::size_t k = 0; k < c.greedy.size(); ++k) {
        rows.push_back({std::to_string(k), fixed(c.greedy[k], 3), fixed(c.random[k], 3)});
        if (!c.miwae.empty()) rows.back().push_back(fixed(c.miwae[k], 3));
    }
    std::cout << o.data << ": " << c.testRows << " test rows over " << settings.seeds.size() << " split(s), "
              << fixed(c.seconds, 1) << " s\n";
    std::vector<std::string> header{"features acquired", "target RMSE, SFARM greedy", "target RMSE, random order"};
    if (!c.miwae.empty()) header.push_back("target RMSE, MIWAE greedy");
    printTable(header, rows);
    std::cout << "first pick of the greedy strategy (share of rows):";
    for (std::size_t j = 0; j + 1 < c.greedyFirstPickShare.size(); ++j)
        if (c.greedyFirstPickShare[j] > 0) std::cout << " x" << j << " " << fixed(c.greedyFirstPickShare[j], 2) << ";";
    std::cout << "\n";
    if (o.json)
        printJsonLine({{"data", o.data}, {"greedy", c.greedy}, {"random", c.random}, {"miwae", c.miwae}, {"first_pick", c.greedyFirstPickShare},
                       {"test_rows", c.testRows}, {"seconds", c.seconds}});
}

struct UciOptions {
    std::string data;
    std::string method = "sfarm";
    experiments::ImputationBenchmarkSettings settings;
    bool json = false;

    void addTo(CLI::App* cmd) {
        experiments::ImputationBenchmarkSettings& s = settings;
        cmd->add_option("--method", method, "sfarm, or a baseline: miwae (K = 20), vae (trained on complete data)")
            ->check(CLI::IsMember({"sfarm", "miwae", "vae"}));
        cmd->add_option("--data", data, "whitespace-separated numeric table, e.g. ../shared/data/uci/energy.txt")->required();
        cmd->add_option("--seeds", s.seeds, "split seeds")->delimiter(',');
        cmd->add_option("--missing", s.missingRate, "MCAR missing rate in train and test")->check(CLI::Range(0.01, 0.99));
        cmd->add_option("--epochs", s.epochs, "training epochs (the paper's)");
        cmd->add_option("--hidden", s.hidden, "MLP units per layer (the paper's)");
        cmd->add_option("--mixture", s.mixture, "SFARM: Gaussian components per feature (the paper's)")->check(CLI::Range(1, 64));
        cmd->add_flag("--atoms", s.atoms, "the training part's repeated values (>= 2 % of a feature's values) as atoms (SFARM, MIWAE and VAE)");
        cmd->add_option("--orders", s.likelihoodOrders, "orders K of the Monte Carlo likelihood");
        cmd->add_option("--validation", s.validationFraction,
                        "SFARM early stopping: hold out this share of the training rows (e.g. 0.1); --epochs becomes the maximum")
            ->check(CLI::Range(0.0, 0.5));
        cmd->add_option("--validate-every", s.validateEvery, "epochs between validation checks")->check(CLI::Range(1, 100000));
        cmd->add_option("--patience", s.patience, "checks without improvement before stopping")->check(CLI::Range(1, 100000));
        cmd->add_flag("--json", json, "print the results as JSON on the last line");
    }
    void validate() const {}
};

void runUci(const UciOptions& o) {
    initTorchRuntime(1);
    const NumericTable table = readNumericTable(o.data);
    experiments::ImputationBenchmarkSettings settings = o.settings;
    settings.method = experiments::parseImputationMethod(o.method);
    settings.log = [](const std::string& line) { std::cerr << line << std::endl; };
    const auto results = experiments::runImputationBenchmark(table, settings, CancelToken());
    std::vector<double> nll, perValue, rmse;
    std::vector<std::vector<std::string>> rows;
    nlohmann::json j;
    j["data"] = o.data;
    j["method"] = o.method;
    j["missing_rate"] = settings.missingRate;
    j["epochs"] = settings.epochs;
    j["mixture"] = settings.mixture;
    j["atoms"] = settings.atoms;
    for (const auto& r : results) {
        nll.push_back(r.testNll);
        perValue.push_back(r.testNllPerValue);
        rmse.push_back(r.imputationRmse);
        rows.push_back({std::to_string(r.seed), fixed(r.testNll, 3), fixed(r.testNllPerValue, 3), fixed(r.imputationRmse, 3),
                        std::to_string(r.testRows), fixed(r.trainSeconds, 1), std::to_string(r.bestEpoch)});
        j["splits"].push_back({{"seed", r.seed}, {"test_nll", r.testNll}, {"test_nll_per_value", r.testNllPerValue},
                               {"rmse", r.imputationRmse}, {"test_rows", r.testRows}, {"train_seconds", r.trainSeconds},
                               {"best_epoch", r.bestEpoch}});
    }
    const auto [m, sd] = meanAndSd(nll);
    const auto [mv, sdv] = meanAndSd(perValue);
    const auto [mr, sdr] = meanAndSd(rmse);
    rows.push_back({"mean ± sd", fixed(m, 3) + " ± " + fixed(sd, 3), fixed(mv, 3) + " ± " + fixed(sdv, 3),
                    fixed(mr, 3) + " ± " + fixed(sdr, 3), "", "", ""});
    printTable({"split seed", "test NLL / row", "test NLL / value", "RMSE (mean imputation)", "test rows", "train s", "epochs used"}, rows);
    j["test_nll_mean"] = m;
    j["test_nll_sd"] = sd;
    j["test_nll_per_value_mean"] = mv;
    j["rmse_mean"] = mr;
    if (o.json) printJsonLine(j);
}

}  // namespace

void addSfarmCommand(CLI::App& app) {
    CLI::App* cmd = app.add_subcommand("sfarm", "SFARM: order-agnostic autoregressive imputation (seed 002)");
    cmd->require_subcommand(1);
    addCommand<SfarmTrainOptions>(cmd, "train",
                                  "Train SFARM on a CSV: numeric columns and text columns of a few classes are modelled, "
                                  "empty cells are unknown values",
                                  runSfarmTrain);
    addCommand<SfarmImputeOptions>(cmd, "impute", "Fill the empty cells of a CSV; every filled-in cell is kept as written", runSfarmImpute);
    addCommand<SfarmScoreOptions>(cmd, "score", "Log-likelihood of each row's observed values (standardised scale)", runSfarmScore);
    addCommand<SfarmAcquireOptions>(cmd, "acquire", "Which unknown column to measure next for a target column (one row)", runSfarmAcquire);
    addSfarmDesignCommands(cmd);
}

void addSfarmUciCommand(CLI::App* paper) {
    addCommand<UciOptions>(paper, "sfarm-uci",
                           "SFARM paper, Table 1: test NLL of the unobserved standardised features on a UCI table, SFARM or a baseline",
                           runUci);
}

void addSfarmAcquisitionCommand(CLI::App* paper) {
    addCommand<AcquisitionCurveOptions>(paper, "sfarm-acquisition",
                                        "SFARM paper, acquisition: target RMSE vs features acquired on a UCI table, SFARM greedy vs random order",
                                        runAcquisitionCurve);
}

}  // namespace ms::cli
