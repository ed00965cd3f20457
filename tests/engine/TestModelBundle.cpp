// Model bundles: round trip gives identical outputs; other versions, foreign files and
// mismatched shapes fail with messages that say exactly what is wrong.
#include <QtTest/QtTest>

#include <ATen/ATen.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "core/io/ImagePack.h"
#include "core/synth/BikeSynth.h"
#include "mcvae/DesignGenerator.h"
#include "mcvae/ModelBundle.h"

using namespace ms;

namespace {

mcvae::ModelBundle smallBundle() {
    const SynthResult s = synthBikes(50, 1);
    mcvae::ModelBundle b;
    b.name = "test";
    b.schema = s.schema;
    b.normalization = Normalization::fit(s.table);
    b.config.outputDim = static_cast<int64_t>(s.schema.outputDim());
    for (const auto& c : s.schema.categorical) b.config.classCounts.push_back(static_cast<int64_t>(c.classes.size()));
    b.config.numericalCount = static_cast<int64_t>(s.schema.numerical.size());
    b.split.testRows = {1, 5, 9};
    b.split.dataRows = 50;
    b.state.history.push_back({1, 0.5, 0.25, 0.1, 1e-3, 0.4});
    b.model = mcvae::McVae(b.config);
    return b;
}

void expectBundleError(const std::string& path, const char* fragment) {
    try {
        mcvae::loadBundle(path);
        QFAIL("expected BundleError");
    } catch (const BundleError& e) {
        QVERIFY2(std::string(e.what()).find(fragment) != std::string::npos, e.what());
        QVERIFY2(std::string(e.what()).find(path) != std::string::npos, "message must name the file");
    }
}

// Rewrites a saved bundle with its meta edited and/or one weight replaced.
void rewrite(const std::string& from, const std::string& to, const std::function<void(std::string&)>& editMeta,
             const std::string& weightName = {}, const at::Tensor& weight = {}) {
    torch::serialize::InputArchive in;
    in.load_from(from);
    c10::IValue meta;
    in.read("meta", meta);
    std::string text = meta.toStringRef();
    editMeta(text);
    torch::serialize::OutputArchive out;
    out.write("meta", c10::IValue(text));
    for (const std::string& key : in.keys()) {
        if (key == "meta") continue;
        at::Tensor t;
        in.read(key, t);
        out.write(key, key == "weights/" + weightName ? weight : t);
    }
    out.save_to(to);
}

}  // namespace

class TestModelBundle : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string path(const char* name) { return m_dir.filePath(name).toStdString(); }
private Q_SLOTS:
    void roundTripGivesIdenticalOutputs() {
        mcvae::ModelBundle b = smallBundle();
        mcvae::saveBundle(b, path("a.msm"));
        mcvae::ModelBundle loaded = mcvae::loadBundle(path("a.msm"));
        QVERIFY(loaded.schema == b.schema);
        QVERIFY(loaded.normalization == b.normalization);
        QVERIFY(loaded.config == b.config);
        QCOMPARE(loaded.split.testRows, b.split.testRows);
        QCOMPARE(loaded.state.history.size(), size_t(1));
        QCOMPARE(loaded.state.history[0].validation, 0.4);
        mcvae::GenerationRequest r;
        r.conditions = ConditionValues::allUnknown(b.schema);
        r.conditions.categorical[0] = 1;
        r.count = 5;
        r.seed = 9;
        const auto before = mcvae::DesignGenerator(b).generate(r);
        const auto after = mcvae::DesignGenerator(loaded).generate(r);
        QCOMPARE(after, before);  // bit-identical
    }
    void missingFile() { expectBundleError(path("nope.msm"), "not found"); }
    void foreignFile() {
        std::ofstream(path("junk.msm")) << "x_a,y_a\n1,2\n";
        expectBundleError(path("junk.msm"), "not a Maskstudio model bundle");
    }
    // Damaged archives that crashed LibTorch (fuzzing, FuzzModelFiles: a segfault in its type
    // parser, a 31 GB memo reservation in its unpickler, a tensor read past its storage) are
    // refused by name, and so is a pickled string longer than its pickle.
    void damagedArchivesAreRefusedBeforeLibTorchReadsThem() {
        const std::string seeds = std::string(std::getenv("MASKSTUDIO_MODELS_DIR")) + "/../tests/fuzz/seeds/model/";
        for (const char* name : {"segfault-in-type-parser.msm", "memo-index-31gb.msm"}) {
            const std::string file = path(name);
            QVERIFY(QFile::copy(QString::fromStdString(seeds + name), QString::fromStdString(file)));
            expectBundleError(file, "damaged or foreign file");
        }
        // an image pack whose pixel tensor declares more than its storage (LibTorch read past it)
        try {
            loadImagePack(seeds + "tensor-past-its-storage.mspack");
            QFAIL("a tensor larger than its storage was accepted");
        } catch (const std::runtime_error& e) {
            QVERIFY2(std::string(e.what()).find("declares more values than it holds") != std::string::npos, e.what());
        }
        mcvae::saveBundle(smallBundle(), path("whole.msm"));
        mcvae::loadBundle(path("whole.msm"));  // the check passes what saveBundle writes
        std::string bytes;
        {
            std::ifstream in(path("whole.msm"), std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        // the metadata JSON as pickled: BINUNICODE ('X'), its 4-byte length, the text "{...}"
        std::size_t meta = std::string::npos;
        for (std::size_t at = bytes.find("{\""); at != std::string::npos && meta == std::string::npos; at = bytes.find("{\"", at + 1)) {
            if (at < 5 || bytes[at - 5] != 'X') continue;
            uint32_t length = 0;
            for (int i = 3; i >= 0; --i) length = (length << 8) | static_cast<unsigned char>(bytes[at - 4 + static_cast<std::size_t>(i)]);
            if (at + length <= bytes.size() && length > 2 && bytes[at + length - 1] == '}') meta = at;
        }
        QVERIFY(meta != std::string::npos);
        bytes.replace(meta - 4, 4, std::string("\xff\xff\xff\x7f", 4));
        std::ofstream(path("long-string.msm"), std::ios::binary) << bytes;
        expectBundleError(path("long-string.msm"), "longer than the pickle");

        // A tensor whose pickled storage reference declares more elements than its data record
        // holds: LibTorch sizes the storage from the pickle and backs it with the shorter record.
        // The reference: 'storage' (BINUNICODE), BINPUT, the storage class (GLOBAL), BINPUT, the
        // key and the device (BINUNICODE, BINPUT each), the element count (BININT1/2/BININT).
        {
            std::ifstream in(path("whole.msm"), std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        std::size_t at = bytes.find(std::string("X\x07\0\0\0storage", 12));
        QVERIFY(at != std::string::npos);
        at += 12;
        const auto skipPut = [&] { at += bytes[at] == 'q' ? 2 : bytes[at] == 'r' ? 5 : 0; };
        const auto skipString = [&] {
            QCOMPARE(bytes[at], 'X');
            uint32_t length = 0;
            for (int i = 4; i >= 1; --i) length = (length << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
            at += 5 + length;
            skipPut();
        };
        skipPut();
        QCOMPARE(bytes[at], 'c');
        at = bytes.find('\n', bytes.find('\n', at) + 1) + 1;  // the class's two lines
        skipPut();
        skipString();  // the key
        skipString();  // the device
        const char count = bytes[at];
        QVERIFY2(count == 'K' || count == 'M' || count == 'J', qPrintable(QString::number(static_cast<int>(count))));
        const std::size_t width = count == 'K' ? 1 : count == 'M' ? 2 : 4;
        uint64_t declared = 0;
        for (std::size_t i = width; i >= 1; --i) declared = (declared << 8) | static_cast<unsigned char>(bytes[at + i]);
        QVERIFY(declared < (width == 4 ? 0x7fffffffu : (1u << (8 * width)) - 1));
        bytes.replace(at + 1, width, std::string(width, '\xff'));  // the largest count of that width
        if (width == 4) bytes[at + 4] = '\x7f';                      // BININT is signed
        std::ofstream(path("storage-past-its-data.msm"), std::ios::binary) << bytes;
        expectBundleError(path("storage-past-its-data.msm"), "where its data");
    }

    void otherFormatVersion() {
        mcvae::saveBundle(smallBundle(), path("v.msm"));
        rewrite(path("v.msm"), path("v2.msm"), [](std::string& m) {
            const auto at = m.find("\"format_version\":1");
            QVERIFY(at != std::string::npos);
            m.replace(at, 18, "\"format_version\":7");
        });
        expectBundleError(path("v2.msm"), "format version 7");
    }
    void mismatchedShape() {
        mcvae::saveBundle(smallBundle(), path("s.msm"));
        rewrite(path("s.msm"), path("s2.msm"), [](std::string&) {}, "enc0.weight", at::zeros({3, 3}));
        expectBundleError(path("s2.msm"), "weights/enc0.weight has shape [3, 3]");
    }
    void schemaArchitectureMismatch() {
        mcvae::saveBundle(smallBundle(), path("m.msm"));
        rewrite(path("m.msm"), path("m2.msm"), [](std::string& m) {
            const auto at = m.find("\"output_dim\":26");
            QVERIFY(at != std::string::npos);
            m.replace(at, 15, "\"output_dim\":27");
        });
        expectBundleError(path("m2.msm"), "output_dim is 27");
    }
    void saveIsAtomic() {
        mcvae::ModelBundle b = smallBundle();
        mcvae::saveBundle(b, path("atomic.msm"));
        QVERIFY(!QFile::exists(QString::fromStdString(path("atomic.msm.tmp"))));
        QVERIFY_THROWS_EXCEPTION(BundleError, mcvae::saveBundle(b, path("no/such/dir/x.msm")));
    }
};

QTEST_APPLESS_MAIN(TestModelBundle)
#include "TestModelBundle.moc"
