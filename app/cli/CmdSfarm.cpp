#include <cmath>
#include <iostream>

#include "api/SfarmTable.h"
#include "app/cli/CliCommon.h"
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

}  // namespace

static void addSfarmTableCommands(CLI::App* cmd) {
    auto* train = cmd->add_subcommand("train", "Train SFARM on a CSV: numeric columns and text columns of a few classes are modelled, empty cells are unknown values");
    auto r = std::make_shared<api::SfarmTrainRequest>();
    auto trainJson = std::make_shared<bool>(false);
    train->add_option("--data", r->dataPath, "CSV with empty cells for unknown values")->required();
    train->add_option("--out", r->outPath, "SFARM model to write (.sfm)")->required();
    train->add_option("--columns", r->columns, "columns to model (default: every numeric column and every text column of 2-64 classes)")->delimiter(',');
    train->add_option("--epochs", r->epochs, "epochs (default 0 = about 40,000 updates; with early stopping the most)");
    train->add_option("--hidden", r->hidden, "MLP units per layer (0 = by column count: 64, 128 or 256)");
    train->add_flag("--tune", r->tune, "search hidden units, learning rate and atoms on held-out cells (successive halving, both cores)");
    train->add_option("--tune-trials", r->tuneTrials, "settings tried by --tune")->check(CLI::Range(int64_t{2}, int64_t{1000}));
    auto noEarlyStop = std::make_shared<bool>(false);
    train->add_flag("--no-early-stopping", *noEarlyStop, "train every epoch on every cell (default: hold out 10 % of the cells, keep the best weights)");
    train->add_option("--mixture", r->mixture, "Gaussian components per continuous column (default 1; more fit several modes)")
        ->check(CLI::Range(1, 64));
    auto noAtoms = std::make_shared<bool>(false);
    train->add_flag("--no-atoms", *noAtoms, "no exact repeated values (default: values in >= 2 % of a column's cells are imputed exactly when drawn)");
    train->add_option("--batch", r->batchSize, "batch size");
    train->add_option("--lr", r->lr, "learning rate");
    train->add_option("--seed", r->seed, "seed");
    auto constantLr = std::make_shared<bool>(false);
    train->add_flag("--constant-lr", *constantLr, "keep the learning rate constant (default: cosine decay to 0)");
    auto noText = std::make_shared<bool>(false);
    train->add_flag("--no-text", *noText, "leave text columns out (default: a text column of 2-64 repeated classes is modelled)");
    auto continuous = std::make_shared<bool>(false);
    train->add_flag("--continuous", *continuous, "model whole-number columns as continuous too (default: integers, imputed as whole numbers)");
    train->add_flag("--json", *trainJson, "print a JSON summary on the last line");
    train->callback([=] {
        initTorchRuntime(1);
        const CancelToken& cancel = cancelOnInterrupt();
        r->integerColumns = !*continuous;
        r->atoms = !*noAtoms;
        r->cosineDecay = !*constantLr;
        r->textColumns = !*noText;
        r->earlyStopping = !*noEarlyStop;
        const api::SfarmTrainResult res = api::trainSfarmOnCsv(*r, [](int64_t epoch, double loss) {
            if (epoch % 500 == 0) std::cerr << "epoch " << epoch << " loss " << fixed(loss, 4) << "\n";
        }, cancel, [](const api::SfarmTuneTrial& t) {
            std::cerr << "trial " << t.trial << " rung " << t.rung << ": held-out error " << fixed(t.validationError, 4) << "  (" << t.settings << ")\n";
        });
        restoreInterrupt();
        std::cout << "trained " << r->outPath << ": " << res.columns.size() << " columns, " << res.rows << " rows ("
                  << fixed(100.0 * res.observedFraction, 1) << " % of cells observed), " << res.epochs << " epochs in "
                  << fixed(res.seconds, 1) << " s, final loss " << fixed(res.finalLoss, 4) << "\n";
        if (!res.tunedSettings.empty()) std::cout << "tuned (" << res.tuneTrials.size() << " trial runs): " << res.tunedSettings << "\n";
        if (res.bestEpoch > 0)
            std::cout << "kept the weights of epoch " << res.bestEpoch << ": held-out cells filled with error "
                      << fixed(res.validationError, 4) << " (standardised)\n";
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
        if (*trainJson)
            printJsonLine({{"model", r->outPath}, {"columns", res.columns}, {"ignored", res.ignoredColumns},
                           {"integer", res.integerColumns}, {"categorical", res.categoricalColumns}, {"atoms", res.atomColumns}, {"rows", res.rows},
                           {"observed_fraction", res.observedFraction}, {"epochs", res.epochs}, {"best_epoch", res.bestEpoch},
                           {"validation_error", res.validationError}, {"final_loss", res.finalLoss},
                           {"seconds", res.seconds}});
    });

    auto* impute = cmd->add_subcommand("impute", "Fill the empty cells of a CSV; every filled-in cell is kept as written");
    struct ImputeOpts { std::string model, data, out; bool sample = false, wholeNumbers = false; uint64_t seed = 0; bool json = false; };
    auto io = std::make_shared<ImputeOpts>();
    impute->add_option("--model", io->model, "SFARM model (.sfm)")->required();
    impute->add_option("--data", io->data, "CSV with empty cells")->required();
    impute->add_option("--out", io->out, "completed CSV to write")->required();
    impute->add_flag("--sample", io->sample, "one draw per cell instead of the conditional means (whole numbers stay whole)");
    impute->add_flag("--whole-numbers", io->wholeNumbers, "round the means of whole-number columns to the nearest level");
    impute->add_option("--seed", io->seed, "seed (orders, draws)");
    impute->add_flag("--json", io->json, "print a JSON summary on the last line");
    impute->callback([io] {
        initTorchRuntime(1);
        const api::SfarmImputeResult res = api::imputeCsvWithSfarm(io->model, io->data, io->out, io->sample, io->seed, io->wholeNumbers);
        std::cout << "filled " << res.filled << " empty cell(s) in " << res.rows << " rows: " << io->out << "\n";
        if (io->json) printJsonLine({{"out", io->out}, {"rows", res.rows}, {"filled", res.filled}});
    });

    auto* score = cmd->add_subcommand("score", "Log-likelihood of each row's observed values (standardised scale)");
    struct ScoreOpts { std::string model, data; int64_t orders = 20; uint64_t seed = 0; bool json = false; };
    auto so = std::make_shared<ScoreOpts>();
    score->add_option("--model", so->model, "SFARM model (.sfm)")->required();
    score->add_option("--data", so->data, "CSV")->required();
    score->add_option("--orders", so->orders, "orders of the Monte Carlo estimate");
    score->add_option("--seed", so->seed, "seed");
    score->add_flag("--json", so->json, "print the scores as JSON on the last line");
    score->callback([so] {
        initTorchRuntime(1);
        const std::vector<double> ll = api::scoreCsvWithSfarm(so->model, so->data, so->orders, so->seed);
        std::vector<std::vector<std::string>> rows;
        for (std::size_t i = 0; i < ll.size(); ++i) rows.push_back({std::to_string(i), fixed(ll[i], 3)});
        printTable({"row", "log p(observed)"}, rows);
        if (so->json) printJsonLine({{"log_likelihood", ll}});
    });

    auto* acquire = cmd->add_subcommand("acquire", "Which unknown column to measure next for a target column (one row)");
    struct AcquireOpts { std::string model, data, target; int64_t row = 0; int64_t samples = 64; uint64_t seed = 0; bool json = false; };
    auto ao = std::make_shared<AcquireOpts>();
    acquire->add_option("--model", ao->model, "SFARM model (.sfm)")->required();
    acquire->add_option("--data", ao->data, "CSV")->required();
    acquire->add_option("--row", ao->row, "data row (0-based)");
    acquire->add_option("--target", ao->target, "the column you want to know")->required();
    acquire->add_option("--samples", ao->samples, "samples of the information estimate");
    acquire->add_option("--seed", ao->seed, "seed");
    acquire->add_flag("--json", ao->json, "print the ranking as JSON on the last line");
    acquire->callback([ao] {
        initTorchRuntime(1);
        const auto ranking = api::acquireWithSfarm(ao->model, ao->data, ao->row, ao->target, ao->samples, ao->seed);
        std::vector<std::vector<std::string>> rows;
        nlohmann::json j = nlohmann::json::array();
        for (const auto& a : ranking) {
            rows.push_back({a.column, fixed(a.information, 4)});
            j.push_back({{"column", a.column}, {"information", a.information}});
        }
        std::cout << "measure next, for '" << ao->target << "' in row " << ao->row << ":\n";
        printTable({"column", "information (nats)"}, rows);
        if (ao->json) printJsonLine({{"target", ao->target}, {"row", ao->row}, {"ranking", j}});
    });
}

static void addAcquisitionCurveCommand(CLI::App* cmd) {
    auto* curve = cmd->add_subcommand("acquisition", "Acquisition curve on a UCI table: target RMSE vs features acquired, SFARM greedy vs random order");
    auto data = std::make_shared<std::string>();
    auto s = std::make_shared<experiments::AcquisitionBenchmarkSettings>();
    auto json = std::make_shared<bool>(false);
    curve->add_option("--data", *data, "whitespace-separated numeric table, target in the last column")->required();
    curve->add_option("--seeds", s->seeds, "split seeds")->delimiter(',');
    curve->add_option("--epochs", s->epochs, "SFARM epochs");
    curve->add_option("--hidden", s->hidden, "MLP units");
    curve->add_option("--samples", s->informationSamples, "samples per information estimate");
    curve->add_option("--miwae-epochs", s->miwaeEpochs, "also MIWAE greedy, trained this many epochs (0: off)");
    curve->add_flag("--json", *json, "print the curves as JSON on the last line");
    curve->callback([=] {
        initTorchRuntime(1);
        const NumericTable table = readNumericTable(*data);
        experiments::AcquisitionBenchmarkSettings settings = *s;
        settings.log = [](const std::string& line) { std::cerr << line << std::endl; };
        const experiments::AcquisitionCurves c = experiments::runAcquisitionBenchmark(table, settings, CancelToken());
        std::vector<std::vector<std::string>> rows;
        for (std::size_t k = 0; k < c.greedy.size(); ++k) {
            rows.push_back({std::to_string(k), fixed(c.greedy[k], 3), fixed(c.random[k], 3)});
            if (!c.miwae.empty()) rows.back().push_back(fixed(c.miwae[k], 3));
        }
        std::cout << *data << ": " << c.testRows << " test rows over " << settings.seeds.size() << " split(s), "
                  << fixed(c.seconds, 1) << " s\n";
        std::vector<std::string> header{"features acquired", "target RMSE, SFARM greedy", "target RMSE, random order"};
        if (!c.miwae.empty()) header.push_back("target RMSE, MIWAE greedy");
        printTable(header, rows);
        std::cout << "first pick of the greedy strategy (share of rows):";
        for (std::size_t j = 0; j + 1 < c.greedyFirstPickShare.size(); ++j)
            if (c.greedyFirstPickShare[j] > 0) std::cout << " x" << j << " " << fixed(c.greedyFirstPickShare[j], 2) << ";";
        std::cout << "\n";
        if (*json)
            printJsonLine({{"data", *data}, {"greedy", c.greedy}, {"random", c.random}, {"miwae", c.miwae}, {"first_pick", c.greedyFirstPickShare},
                           {"test_rows", c.testRows}, {"seconds", c.seconds}});
    });
}

void addSfarmCommand(CLI::App& app) {
    auto* cmd = app.add_subcommand("sfarm", "SFARM: order-agnostic autoregressive imputation (seed 002)");
    addSfarmTableCommands(cmd);
    addAcquisitionCurveCommand(cmd);
    addSfarmDesignCommands(cmd);
    addSfarmImageCommands(cmd);
    auto* uci = cmd->add_subcommand("uci", "Test NLL of the unobserved standardised features on a UCI table (paper Table 1), SFARM or a baseline");
    cmd->require_subcommand(1);
    auto data = std::make_shared<std::string>();
    auto s = std::make_shared<experiments::ImputationBenchmarkSettings>();
    auto json = std::make_shared<bool>(false);
    auto method = std::make_shared<std::string>("sfarm");
    uci->add_option("--method", *method, "sfarm, or a baseline: miwae (K = 20), vae (trained on complete data)")
        ->check(CLI::IsMember({"sfarm", "miwae", "vae"}));
    uci->add_option("--data", *data, "whitespace-separated numeric table, e.g. ../shared/data/uci/energy.txt")->required();
    uci->add_option("--seeds", s->seeds, "split seeds")->delimiter(',');
    uci->add_option("--missing", s->missingRate, "MCAR missing rate in train and test")->check(CLI::Range(0.01, 0.99));
    uci->add_option("--epochs", s->epochs, "training epochs (the paper's)");
    uci->add_option("--hidden", s->hidden, "MLP units per layer (the paper's)");
    uci->add_option("--mixture", s->mixture, "SFARM: Gaussian components per feature (the paper's)")->check(CLI::Range(1, 64));
    uci->add_flag("--atoms", s->atoms, "the training part's repeated values (>= 2 % of a feature's values) as atoms (SFARM, MIWAE and VAE)");
    uci->add_option("--orders", s->likelihoodOrders, "orders K of the Monte Carlo likelihood");
    uci->add_option("--validation", s->validationFraction,
                    "SFARM early stopping: hold out this share of the training rows (e.g. 0.1); --epochs becomes the maximum")
        ->check(CLI::Range(0.0, 0.5));
    uci->add_option("--validate-every", s->validateEvery, "epochs between validation checks")->check(CLI::Range(1, 100000));
    uci->add_option("--patience", s->patience, "checks without improvement before stopping")->check(CLI::Range(1, 100000));
    uci->add_flag("--json", *json, "print the results as JSON on the last line");
    uci->callback([=] {
        initTorchRuntime(1);
        const NumericTable table = readNumericTable(*data);
        experiments::ImputationBenchmarkSettings settings = *s;
        settings.method = experiments::parseImputationMethod(*method);
        settings.log = [](const std::string& line) { std::cerr << line << std::endl; };
        const auto results = experiments::runImputationBenchmark(table, settings, CancelToken());
        std::vector<double> nll, perValue, rmse;
        std::vector<std::vector<std::string>> rows;
        nlohmann::json j;
        j["data"] = *data;
        j["method"] = *method;
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
        if (*json) printJsonLine(j);
    });
}

}  // namespace ms::cli
