// maskstudio-cli end to end, as a user runs it: synth -> schema -> train -> eval --json ->
// sample (csv/svg/dxf/png), resume, and clear errors for bad input.
#include <QtTest/QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>

#include "core/data/IdxImages.h"
#include "core/runtime/OpenMpWaiting.h"

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    struct Run {
        int code;
        QString out, err;
        QJsonObject lastJson() const {
            const QStringList lines = out.trimmed().split('\n');
            return QJsonDocument::fromJson(lines.last().toUtf8()).object();
        }
    };
    Run cli(const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment()) {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(MASKSTUDIO_CLI_PATH, args);
        if (!p.waitForFinished(600000)) return {-1, {}, "timeout"};
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }
    QString path(const char* name) const { return m_dir.filePath(name); }
private Q_SLOTS:
    void version() {
        const Run r = cli({"--version"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.startsWith("maskstudio-cli "));
    }
    void openMpThreadsWaitBriefly() {
        // libgomp reads how its idle threads wait when it is loaded: the CLI restarts itself once
        // with a short spin (spinning threads took a shared core from the working one), unless
        // the user has chosen.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove("OMP_WAIT_POLICY");
        env.remove("GOMP_SPINCOUNT");
        Run r = cli({"info", "--json"}, env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.lastJson()["openmp_waiting"].toString(), QString("GOMP_SPINCOUNT=%1").arg(ms::kOpenMpSpinCount));
        env.insert("OMP_WAIT_POLICY", "ACTIVE");
        r = cli({"info", "--json"}, env);
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.lastJson()["openmp_waiting"].toString(), QString("OMP_WAIT_POLICY=ACTIVE"));
    }
    void synthTrainEvalSample() {
        Run r = cli({"synth", "bike", "--n", "600", "--seed", "3", "--out", path("bikes.csv")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = cli({"schema", "--data", path("bikes.csv"), "--preset", "bike", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.lastJson()["keypoints"].toArray().size(), 12);
        QCOMPARE(r.lastJson()["outputs"].toArray().size(), 2);

        r = cli({"train", "--data", path("bikes.csv"), "--preset", "bike", "--epochs", "6", "--device", "cpu",
                 "--out", path("bike.msm"), "--json", "--quiet"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.lastJson()["epochs"].toInt(), 6);

        r = cli({"eval", "--model", path("bike.msm"), "--data", path("bikes.csv"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject ev = r.lastJson();
        for (const char* key : {"mse_by_sparsity", "mse_by_sparsity_z0"}) QCOMPARE(ev[key].toArray().size(), 10);
        QVERIFY(ev["mean_mse_z0"].toDouble() > 0);
        QCOMPARE(ev["test_rows"].toInt(), 90);  // 15 % of 600

        r = cli({"sample", "--model", path("bike.msm"), "BikeStyle=BMX", "frame_size=S", "--n", "3", "--out", path("s")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        for (const char* ext : {".csv", ".svg", ".dxf", ".png"})
            QVERIFY2(QFileInfo(path("s") + ext).size() > 100, ext);
        QFile csv(path("s.csv"));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(QString(csv.readAll()).trimmed().split('\n').size(), 4);  // header + 3 designs

        // Resume to more epochs continues the same run.
        r = cli({"train", "--data", path("bikes.csv"), "--resume", path("bike.msm"), "--epochs", "8", "--device", "cpu",
                 "--out", path("bike2.msm"), "--json", "--quiet"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.lastJson()["epochs"].toInt(), 8);
    }
    void badInputGivesClearErrors() {
        QFile f(path("bad.csv"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x_a,y_a,style\n1,2,A\n3,oops,B\n");
        f.close();
        Run r = cli({"train", "--data", path("bad.csv"), "--out", path("bad.msm")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("bad.csv:3") && r.err.contains("y_a"), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("bad.msm")));

        r = cli({"eval", "--model", path("bad.csv"), "--data", path("bad.csv")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("not a Maskstudio model bundle"), qPrintable(r.err));

        r = cli({"sample", "--model", path("bike.msm"), "BikeStyle=UNICYCLE", "--out", path("x")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("unknown class 'UNICYCLE'"), qPrintable(r.err));

        r = cli({"train", "--data", path("bikes.csv"), "--sparsity", "linear:0.1:1.7", "--out", path("y.msm")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("sparsity end must be in [0, 1]"), qPrintable(r.err));
        // One line, naming the command: no stack dump.
        r = cli({"sfarm", "train", "--data", path("missing.csv"), "--out", path("m.sfm")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.startsWith("maskstudio-cli sfarm train: error: ") && r.err.trimmed().count('\n') == 0, qPrintable(r.err));
    }

    void everyCsvCommandOnATableShapedLikeUsersData() {
        // synth parts: text categories, ratings, counts, zero-inflated and skewed columns, outliers,
        // 5-50 % empty cells, a mostly empty column, an id column; with the bracket's keypoints.
        Run r = cli({"synth", "parts", "--n", "300", "--seed", "5", "--keypoints", "--out", path("parts.csv")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = cli({"schema", "--data", path("parts.csv"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.lastJson()["keypoints"].toArray().size(), 4);
        QVERIFY2(r.lastJson()["ignored"].toArray().contains(QJsonValue("part_id")), qPrintable(r.out.right(400)));
        r = cli({"train", "--data", path("parts.csv"), "--epochs", "20", "--out", path("parts.msm"), "--json", "--quiet"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = cli({"eval", "--model", path("parts.msm"), "--data", path("parts.csv"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(std::isfinite(r.lastJson()["mean_mse_z0"].toDouble()));
        r = cli({"sample", "--model", path("parts.msm"), "material=titanium", "--n", "2", "--out", path("ti")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = cli({"tune", "--data", path("parts.csv"), "--trials", "2", "--budget", "0", "--finalists", "1", "--out", path("parts-best.json"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.lastJson()["best"].toDouble() <= r.lastJson()["base"].toDouble());
        r = cli({"train", "--data", path("parts.csv"), "--preset", path("parts-best.json"), "--epochs", "3", "--out", path("parts2.msm"), "--quiet"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        // The studio's design SFARM over the bracket's keypoints and the parts' conditions (text,
        // whole-number and skewed ones, many cells unknown), and "specify next" on it.
        r = cli({"sfarm", "design", "--model", path("parts.msm"), "--data", path("parts.csv"), "--epochs", "5", "--out", path("parts.sfm"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = cli({"sfarm", "next", "--model", path("parts.sfm"), "material=steel", "--complete", "3", "--out", path("parts-done.csv"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(!r.lastJson()["ranking"].toArray().isEmpty(), qPrintable(r.out.right(400)));
        for (const auto& v : r.lastJson()["ranking"].toArray())
            QVERIFY(std::isfinite(v.toObject()["reduction"].toDouble()));

        r = cli({"synth", "parts", "--n", "300", "--seed", "6", "--out", path("table.csv")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = cli({"train", "--data", path("table.csv"), "--out", path("nokp.msm")});
        QCOMPARE(r.code, 1);  // nothing to generate: said in one line
        QVERIFY2(r.err.startsWith("maskstudio-cli train: error: "), qPrintable(r.err));
        r = cli({"sfarm", "train", "--data", path("table.csv"), "--epochs", "40", "--out", path("table.sfm"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject trained = r.lastJson();
        QCOMPARE(trained["ignored"].toArray(), QJsonArray({"part_id"}));
        QCOMPARE(trained["categorical"].toArray(), QJsonArray({"material", "supplier", "notes"}));
        QVERIFY(trained["integer"].toArray().contains(QJsonValue("rating")));
        r = cli({"sfarm", "impute", "--model", path("table.sfm"), "--data", path("table.csv"), "--out", path("table-filled.csv"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.lastJson()["filled"].toInt() > 300);
        r = cli({"sfarm", "score", "--model", path("table.sfm"), "--data", path("table.csv"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        for (const auto& v : r.lastJson()["log_likelihood"].toArray()) QVERIFY(std::isfinite(v.toDouble()));
        r = cli({"sfarm", "acquire", "--model", path("table.sfm"), "--data", path("table.csv"), "--row", "0", "--target", "test_temp_c", "--samples", "8", "--json"});
        QVERIFY2(r.code == 0 || r.err.contains("already observes"), qPrintable(r.err));
    }
    // `partial`: a CSV with empty keypoint cells trains, imputes and samples from the command line,
    // with JSON summaries; wrong model files and bad settings give one line naming the problem.
    void partialTrainImputeSample() {
        QFile f(path("gappy.csv"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x_a,y_a,x_b,y_b,style\n");
        for (int i = 0; i < 120; ++i) {
            const double t = i / 120.0;
            const QString xb = i % 3 == 0 ? "" : QString::number(2 * t + 1), yb = i % 3 == 0 ? "" : QString::number(-t);
            const bool noA = i % 5 == 1 && i % 3 != 0;  // never both: a row without any keypoint is skipped
            const QString xa = noA ? "" : QString::number(t), ya = noA ? "" : QString::number(t * t);
            f.write(QString("%1,%2,%3,%4,%5\n").arg(xa, ya, xb, yb, i % 2 ? "A" : "B").toUtf8());
        }
        f.write(",,,,A\n");  // line 122: no keypoint at all
        f.close();
        Run r = cli({"partial", "train", "--data", path("gappy.csv"), "--out", path("g.mpd"), "--updates", "60", "--hidden", "32",
                     "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.lastJson()["rows"].toInt(), 120);
        QCOMPARE(r.lastJson()["skipped_rows"].toInt(), 1);
        QCOMPARE(r.lastJson()["skipped_lines"].toArray().first().toInt(), 122);
        QVERIFY(r.out.contains("gappy.csv lines 122"));
        r = cli({"partial", "impute", "--model", path("g.mpd"), "--data", path("gappy.csv"), "--out", path("filled.csv"),
                 "--members", "4", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.lastJson()["filled_cells"].toInt(), 40 * 2 + 16 * 2);  // b in 40 rows, a in 16
        r = cli({"partial", "sample", "--model", path("g.mpd"), "style=A", "--pin", "a=0.5,0.25", "--count", "3", "--steps", "3",
                 "--out", path("samples.csv"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.lastJson()["designs"].toInt(), 3);
        r = cli({"partial", "impute", "--model", path("gappy.csv"), "--data", path("gappy.csv"), "--out", path("never.csv")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.startsWith("maskstudio-cli partial impute: error: ") && r.err.contains("gappy.csv") &&
                     r.err.trimmed().count('\n') == 0,
                 qPrintable(r.err));
        r = cli({"partial", "impute", "--model", path("g.mpd"), "--data", path("gappy.csv"), "--out", path("x.csv"), "--steps", "1"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("--steps"), qPrintable(r.err));
    }

    // `partial bench-images` runs every model of the Fashion-MNIST comparison end to end on a tiny
    // budget: a row per (model, K, steps), finite scores, the block scenario's 14 x 14 squares.
    void partialImageBenchmarkRunsEveryModel() {
        const QByteArray folder = qgetenv("MASKSTUDIO_FASHION_MNIST");
        QVERIFY2(!folder.isEmpty(), "MASKSTUDIO_FASHION_MNIST is not set (ctest sets it)");
        Run r = cli({"partial", "bench-images", "--data", QString::fromUtf8(folder), "--scenario", "block", "--train-images", "128",
                     "--test-images", "8", "--updates", "6", "--batch", "32", "--channels", "16", "--members", "1,2",
                     "--repaint-steps", "2", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("25.0 % missing"), qPrintable(r.out));  // 196 of 784 pixels
        const QJsonArray rows = r.lastJson()["rows"].toArray();
        QCOMPARE(rows.size(), 2 + 2 + 2 + 1 + 1);  // A, B, D with K = 1, 2; C; E
        QStringList models;
        for (const QJsonValue& v : rows) {
            const QJsonObject row = v.toObject();
            models << row["model"].toString();
            QVERIFY(std::isfinite(row["mse"].toDouble()) && row["mse"].toDouble() > 0.0);
            QVERIFY(std::isfinite(row["foreground_mse"].toDouble()));
        }
        QCOMPARE(models, QStringList({"A", "A", "B", "B", "D", "D", "C", "E"}));
        r = cli({"partial", "bench-images", "--data", QString::fromUtf8(folder), "--scenario", "stripes"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("--scenario"), qPrintable(r.err));
    }

    // Work II in the same benchmark: W (contexts from a pool of the learnt prior's draws) and WC /
    // WG (the draws guided by each image's own mask, clamped / gradient) with one model per rho.
    void partialImageBenchmarkRunsWorkTwoWithAndWithoutGuidance() {
        const QByteArray folder = qgetenv("MASKSTUDIO_FASHION_MNIST");
        QVERIFY2(!folder.isEmpty(), "MASKSTUDIO_FASHION_MNIST is not set (ctest sets it)");
        const QStringList tiny = {"partial", "bench-images", "--data", QString::fromUtf8(folder), "--scenario", "mixture",
                                  "--train-images", "32", "--test-images", "4", "--updates", "2", "--batch", "16", "--channels", "16",
                                  "--members", "2", "--prior-updates", "4", "--prior-pool", "8", "--prior-steps", "2"};
        const QString prior = path("bench-images.mpr");
        QFile::remove(prior);
        Run r = cli(tiny + QStringList{"--models", "W,WC,WG", "--rho", "0.3,0.5", "--guidance", "100", "--guided-draws", "2", "--prior",
                                       prior, "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("W's mask prior:") && r.out.contains("WC rho 0.30: guided prior draws"), qPrintable(r.out));
        QVERIFY2(QFileInfo::exists(prior), "--prior names where the trained prior is written");
        QStringList models;
        for (const QJsonValue& v : r.lastJson()["rows"].toArray()) {
            models << v.toObject()["model"].toString();
            QVERIFY(std::isfinite(v.toObject()["mse"].toDouble()) && v.toObject()["mse"].toDouble() > 0.0);
        }
        QCOMPARE(models, QStringList({"W", "WC rho 0.30", "WC rho 0.50", "WG rho 0.30", "WG rho 0.50"}));
        r = cli(tiny + QStringList{"--models", "WC", "--prior", prior});  // the written prior is read back, not retrained
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.err.contains("W's contexts from the prior") && !r.out.contains("W's mask prior:"), qPrintable(r.out + r.err));
        r = cli(tiny + QStringList{"--models", "WG"});  // gradient guidance without a step size
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("guidance scale"), qPrintable(r.err));
    }

    void sfarmImputationBenchmark() {
        // A UCI-style table: whitespace separated, no header; column 2 = 3 * column 1.
        QFile f(path("uci.txt"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 80; ++i) f.write(QString("%1\t%2  %3\n").arg(i % 7).arg(3 * (i % 7)).arg((i * 37) % 11).toUtf8());
        f.close();
        Run r = cli({"paper", "sfarm-uci", "--data", path("uci.txt"), "--seeds", "0,1", "--epochs", "5", "--orders", "3", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject j = r.lastJson();
        QCOMPARE(j["splits"].toArray().size(), 2);
        QVERIFY(std::isfinite(j["test_nll_mean"].toDouble()));
        QCOMPARE(j["splits"].toArray()[0].toObject()["test_rows"].toInt() > 0, true);
        QCOMPARE(j["mixture"].toInt(), 1);
        r = cli({"paper", "sfarm-uci", "--data", path("uci.txt"), "--seeds", "0", "--epochs", "5", "--orders", "3", "--mixture", "3", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.lastJson()["mixture"].toInt(), 3);
        QVERIFY(std::isfinite(r.lastJson()["test_nll_mean"].toDouble()));
        QVERIFY(!r.lastJson()["atoms"].toBool());
        // Columns 1 and 2 take 7 values each (column 2 = 3 x column 1), column 3 is continuous: as
        // atoms the model puts narrow mass on the repeated values.
        QFile levels(path("levels.txt"));
        QVERIFY(levels.open(QIODevice::WriteOnly));
        for (int i = 0; i < 600; ++i) levels.write(QString("%1 %2 %3\n").arg(i % 7).arg(3 * (i % 7)).arg(std::sin(i * 0.37) * 5, 0, 'f', 6).toUtf8());
        levels.close();
        r = cli({"paper", "sfarm-uci", "--data", path("levels.txt"), "--seeds", "0", "--epochs", "100", "--orders", "3", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const double plain = r.lastJson()["test_nll_mean"].toDouble();
        r = cli({"paper", "sfarm-uci", "--data", path("levels.txt"), "--seeds", "0", "--epochs", "100", "--orders", "3", "--atoms", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.lastJson()["atoms"].toBool());
        QVERIFY2(r.lastJson()["test_nll_mean"].toDouble() < plain - 1.0, qPrintable(QString("plain %1\n").arg(plain) + r.out));
        r = cli({"paper", "sfarm-uci", "--data", path("uci.txt"), "--mixture", "0"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("--mixture"), qPrintable(r.err));

        QVERIFY(f.open(QIODevice::Append));
        f.write("1 2\n");  // ragged row 81
        f.close();
        r = cli({"paper", "sfarm-uci", "--data", path("uci.txt"), "--epochs", "1"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("uci.txt:81") && r.err.contains("has 2 values"), qPrintable(r.err));
    }

    void sfarmDesignTrainsAndRanksWhatToSpecifyNext() {
        // Train a short design SFARM for the synthetic bike of synthTrainEvalSample's kind, then
        // ask which condition to specify next with a pinned saddle.
        Run r = cli({"synth", "bike", "--n", "400", "--seed", "3", "--out", path("b.csv")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = cli({"sfarm", "design", "--model", QString(qgetenv("MASKSTUDIO_MODELS_DIR")) + "/bike.msm", "--data", path("b.csv"),
                 "--epochs", "20", "--hidden", "64", "--out", path("b.sfm"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(r.lastJson()["epochs"].toInt(), 20);
        r = cli({"sfarm", "next", "--model", path("b.sfm"), "--pin", "saddle_top=600,950", "frame_size=L", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonArray ranking = r.lastJson()["ranking"].toArray();
        QVERIFY(!ranking.isEmpty());
        for (const auto& row : ranking) {
            QVERIFY(row.toObject()["condition"].toString() != "frame_size");  // known, so not ranked
            const double reduction = row.toObject()["reduction"].toDouble();
            QVERIFY(reduction >= 0.0 && reduction <= 1.0);
        }
        r = cli({"sfarm", "next", "--model", path("b.sfm"), "--pin", "nose=1,2"});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("no keypoint 'nose'") && r.err.contains("saddle_top"), qPrintable(r.err));
        r = cli({"sfarm", "next", "--model", path("b.csv")});
        QCOMPARE(r.code, 1);
        QVERIFY2(r.err.contains("b.csv"), qPrintable(r.err));
    }
    void sfarmImagesTrainImputeScoreBench() {
        // A tiny stand-in for Fashion-MNIST's folder: 8 x 8 grey-level images under its file names.
        QDir(m_dir.path()).mkdir("fm");
        const std::string fm = m_dir.filePath("fm").toStdString();
        at::Generator g = at::make_generator<at::CPUGeneratorImpl>(1);
        ms::writeIdxImages(ms::fashionMnistImages(fm, true), at::randint(256, {64, 8, 8}, g, at::kByte));
        ms::writeIdxImages(ms::fashionMnistImages(fm, false), at::randint(256, {8, 8, 8}, g, at::kByte));
        const QString data = QString::fromStdString(fm);
        for (const char* method : {"sfarm", "miwae"}) {
            const Run r = cli({"paper", "sfarm-images", "train", "--method", method, "--data", data, "--images", "64", "--epochs", "1",
                               "--batch", "16", "--channels", "8", "--out", path(method) + ".pxm", "--json"});
            QVERIFY2(r.code == 0, qPrintable(r.err));
            QCOMPARE(r.lastJson()["losses"].toArray().size(), 1);
        }
        Run r = cli({"paper", "sfarm-images", "impute", "--model", path("sfarm.pxm"), "--data", data, "--images", "4", "--missing", "0.5",
                     "--mask", "block", "--png", path("fm.png"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(r.lastJson()["mse"].toDouble() > 0.0);
        QVERIFY(QFileInfo(path("fm.png")).size() > 100);
        r = cli({"paper", "sfarm-images", "score", "--model", path("sfarm.pxm"), "--data", data, "--images", "4", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const double bits = r.lastJson()["bits_per_pixel"].toDouble();
        QVERIFY2(bits > 0.0 && bits < 20.0, qPrintable(r.out));
        r = cli({"paper", "sfarm-images", "score", "--model", path("miwae.pxm"), "--data", data});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("needs an SFARM model"), qPrintable(r.err));
        r = cli({"paper", "sfarm-images", "bench", "--models", path("sfarm.pxm") + "," + path("miwae.pxm"), "--data", data, "--images", "4",
                 "--rates", "0.5", "--speed-steps", "4,1", "--speed-images", "2", "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject j = r.lastJson();
        QCOMPARE(j["cells"].toArray().size(), 4);  // (uniform, block) x (sfarm, miwae)
        QCOMPARE(j["speed"].toArray().size(), 2);
        r = cli({"paper", "sfarm-images", "acquire", "--model", path("sfarm.pxm"), "--data", data, "--images", "2", "--target", "2,2,4,4",
                 "--acquire", "3", "--stride", "2", "--samples", "2", "--steps", "4", "--png", path("acq.png"), "--json"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        const QJsonObject a = r.lastJson();
        QCOMPARE(a["greedy"].toArray().size(), 4);  // after 0..3 acquired pixels
        QCOMPARE(a["random"].toArray().size(), 4);
        QCOMPARE(a["greedy_picks"].toArray()[0].toArray().size(), 3);
        for (const auto& pick : a["greedy_picks"].toArray()[0].toArray()) {
            const int p = pick.toInt(), x = p % 8, y = p / 8;
            QVERIFY2(x % 2 == 0 && y % 2 == 0 && !(x >= 2 && x < 6 && y >= 2 && y < 6), qPrintable(QString::number(p)));  // a candidate, outside the target
        }
        QVERIFY(QFileInfo(path("acq.png")).size() > 100);
        r = cli({"paper", "sfarm-images", "acquire", "--model", path("sfarm.pxm"), "--data", data, "--target", "6,6,4,4"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("must lie inside the 8 x 8 image"), qPrintable(r.err));
        r = cli({"paper", "sfarm-images", "acquire", "--model", path("miwae.pxm"), "--data", data});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("needs an SFARM model"), qPrintable(r.err));
        r = cli({"paper", "sfarm-images", "train", "--data", path("nowhere"), "--out", path("x.pxm")});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("nowhere/train-images-idx3-ubyte.gz"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "TestCli.moc"
