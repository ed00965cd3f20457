#pragma once
// SFARM on a user's CSV, torch-free for the CLI and the studio: every numeric column is one
// element, and so is every text column with a few repeated classes (a categorical element;
// identifiers and free text are left out); an EMPTY cell (or NA, NaN, N/A, NULL, ?:
// data/UnknownCell) is an unobserved value (the normal input, never an error). Train a
// model (.sfm), impute the empty cells (observed cells are copied through as they were written),
// score rows (log-likelihood of what they observe), and rank which unknown column to measure
// next for a target column.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/runtime/CancelToken.h"
#include "core/training/TrainingProgress.h"
#include "distributed/DistributedSettings.h"

namespace ms::api {

struct SfarmTrainRequest {
    std::string dataPath;
    std::string outPath;
    std::vector<std::string> columns;  // empty: every numeric column and every text column of 2..64 classes
    bool textColumns = true;           // false: text columns are left out unless named in `columns`
    int64_t epochs = 0;  // 0: defaultSfarmEpochs (an update budget); the most with early stopping
    int64_t hidden = 0;  // 0: defaultSfarmHidden (by column count)
    int64_t mixture = 1;  // Gaussian components per continuous column (> 1: several modes)
    // Values a continuous column repeats (sfarm/RepeatedValues: >= 2 % of its cells) become atoms:
    // imputed exactly when drawn; false: none.
    bool atoms = true;
    // A Gaussian fitted to the table (EM over its gaps) gives the network each column's
    // conditional mean as a linear path that it corrects (sfarm/SfarmMlp): columns nearly linear
    // in each other are imputed linear-exact; false: the MLP alone.
    bool gaussianPath = true;
    int64_t batchSize = 64;
    double lr = 1e-3;
    bool cosineDecay = true;  // learning rate from lr down to 0 over the run
    // Hold out 10 % of the observed cells and keep the weights that fill them best.
    bool earlyStopping = true;
    // Search hidden units, learning rate and atoms on/off (successive halving, 2 threads) on the
    // held-out cells; `tuneTrials` settings tried, the request's own among them.
    bool tune = false;
    int64_t tuneTrials = 12;
    uint64_t seed = 0;
    // Columns holding only whole numbers over at most 256 levels are modelled as integers (a
    // discretised logistic: imputed values are whole numbers in the seen range); false: all Gaussian.
    bool integerColumns = true;
    // A checkpoint `sfarm train` left (the file is rewritten after every epoch): the run goes on
    // with its own recorded settings (the ones above are ignored) to its epoch count. Not with tune.
    std::string resumeFrom;
    bool checkpoints = true;  // false: the file is written once, at the end
    // Also inside an epoch, this many seconds after the last checkpoint (an epoch on a table of
    // 100,000 rows takes about a minute here); 0: only at the ends of epochs.
    double checkpointSeconds = 30.0;
    // More than one rank: data parallel over them (c10d, Gloo), the batch size the global batch;
    // every rank reads the CSV, rank 0 alone writes the model and its checkpoints (a run resumes on
    // any number of ranks). Not with tune.
    distributed::DistributedSettings distributed;
};

struct SfarmTuneTrial {
    int trial = 0;
    int rung = 0;
    double validationError = 0.0;  // held-out score (log-likelihood with the Gaussian path, else point error); inf = failed
    std::string settings;
};

struct SfarmTrainResult {
    int64_t rows = 0;
    std::vector<std::string> columns;
    std::vector<std::string> ignoredColumns;  // identifiers, free text, constant columns: not modelled
    std::vector<std::string> categoricalColumns;  // text columns modelled as classes
    std::vector<std::string> integerColumns;  // modelled as integers
    std::vector<std::pair<std::string, int64_t>> atomColumns;  // columns with repeated values, and how many
    double observedFraction = 0.0;
    double finalLoss = 0.0;
    double seconds = 0.0;
    double trainingSeconds = 0.0;  // of those, the minibatch training (the rest: reading, planning, the Gaussian path; 0 with tune)
    int64_t epochs = 0;             // of the whole run (a resumed one: with those before)
    int64_t resumedFromEpoch = 0;   // --resume: the checkpoint's epochs
    int64_t resumedRowsDone = 0;    // --resume from inside an epoch: its rows already trained
    std::vector<SfarmTuneTrial> tuneTrials;        // with --tune: every trial's result
    std::string tunedSettings;                     // ...and the settings chosen
    int64_t bestEpoch = 0;          // early stopping: the epoch whose weights were kept
    double validationError = 0.0;   // ...and its held-out score, as the trials' (what chose the weights)
    double heldOutPointError = 0.0;  // ...and its point error on the held-out cells (standardised MSE)
};

// The defaults that scale with the table: hidden units by column count (64 up to 12 columns,
// 128 up to 24, else 256) and epochs for about 40,000 updates (100 to 8,000 epochs).
int64_t defaultSfarmHidden(int64_t columns);
int64_t defaultSfarmEpochs(int64_t rows, int64_t batchSize);


// Throws DataError naming file, line and column for a cell that is neither empty nor a number in
// a modelled column; std::invalid_argument for bad settings. onEpoch(epoch, loss) may be empty
// (not called with tune); onTuneTrial gets every trial of a search, from worker threads, serialised.
SfarmTrainResult trainSfarmOnCsv(const SfarmTrainRequest& request, const EpochLossFn& onEpoch,
                                 const CancelToken& cancel, const std::function<void(const SfarmTuneTrial&)>& onTuneTrial = {});

struct SfarmImputeResult {
    int64_t rows = 0;
    int64_t filled = 0;  // cells that were empty and now hold a value
};

// Writes `outPath`: the CSV with the model's empty cells filled: each with the mean of its
// conditional given what the row observes (the estimate with the least squared error; for an
// integer column the mean of its discretised distribution, a fraction such as 0.3 for a 0/1 flag
// unless wholeNumbers rounds it to the nearest level; categorical: the most probable class), or
// with sample = true one joint draw (cells drawn one after another, each conditioned on the ones
// before; integer draws are whole numbers). Every other cell is the input text unchanged.
SfarmImputeResult imputeCsvWithSfarm(const std::string& modelPath, const std::string& dataPath, const std::string& outPath,
                                     bool sample, uint64_t seed, bool wholeNumbers = false);

// log p(observed values of the row), per row, in nats on the standardised scale (Monte Carlo over
// `orders` orders); rows with nothing observed score 0.
std::vector<double> scoreCsvWithSfarm(const std::string& modelPath, const std::string& dataPath, int64_t orders, uint64_t seed);

struct SfarmAcquisition {
    std::string column;
    double information = 0.0;  // estimated I(target; column | observed) in nats
};

// For CSV row `row` (0-based data row) and the target column: every unobserved column except the
// target, most informative first. Throws std::invalid_argument for a bad row / target.
std::vector<SfarmAcquisition> acquireWithSfarm(const std::string& modelPath, const std::string& dataPath, int64_t row,
                                               const std::string& target, int64_t samples, uint64_t seed);

}  // namespace ms::api
