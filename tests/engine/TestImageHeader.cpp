// The size an image file declares, read before OpenCV decodes it (imaging/ImageHeader): every
// format the readers take gives its true size; a header declaring more than the limit, content
// that is no image format, and a cut header are refused with a reason, before any allocation
// (fuzzing, FuzzImageFolder: a 342-byte BMP made OpenCV allocate 2.7 GB).
#include <QtTest/QtTest>

#include <opencv2/imgcodecs.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/data/DataError.h"
#include "imaging/ImageFolderReader.h"
#include "imaging/ImageHeader.h"

using namespace ms::imaging;

class TestImageHeader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void everyFormatGivesItsSize_data() {
        QTest::addColumn<QString>("extension");
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("channels");
        const auto row = [](const char* extension, const char* format, int channels) {
            QTest::newRow((std::string(extension) + (channels == 1 ? " grey" : " colour")).c_str())
                << QString(extension) << QString(format) << channels;
        };
        for (const int c : {1, 3}) {
            row(".png", "PNG", c);
            row(".jpg", "JPEG", c);
            row(".bmp", "BMP", c);
            row(".tiff", "TIFF", c);
            row(".webp", "WebP", c);
        }
        row(".pgm", "PNM", 1);
        row(".ppm", "PNM", 3);
    }
    void everyFormatGivesItsSize() {
        QFETCH(QString, extension);
        QFETCH(QString, format);
        QFETCH(int, channels);
        cv::Mat image(23, 37, channels == 1 ? CV_8UC1 : CV_8UC3, cv::Scalar(90, 160, 30));
        std::vector<unsigned char> bytes;
        QVERIFY(cv::imencode(extension.toStdString(), image, bytes));
        const ImageHeader h = readImageHeader(bytes);
        QCOMPARE(QString::fromStdString(h.format), format);
        QCOMPARE(h.width, int64_t(37));
        QCOMPARE(h.height, int64_t(23));
        QCOMPARE(QString::fromStdString(imageHeaderProblem(h)), QString());
    }

    void refusedBeforeDecoding() {
        const std::string seeds = std::string(std::getenv("MASKSTUDIO_MODELS_DIR")) + "/../tests/fuzz/seeds/image/";
        std::ifstream in(seeds + "bmp-declaring-2.7gb", std::ios::binary);
        std::vector<unsigned char> found((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QVERIFY(found.size() > 1);
        found.erase(found.begin());  // the fuzz target's first byte picks the file's role
        const std::string tooLarge = imageHeaderProblem(readImageHeader(found));
        QVERIFY2(tooLarge.find("BMP image of 65544 x 13568") != std::string::npos && tooLarge.find("50-megapixel limit") != std::string::npos,
                 tooLarge.c_str());

        const std::vector<unsigned char> text{'w', 'i', 'd', 't', 'h', ',', '3', '\n'};
        QVERIFY(imageHeaderProblem(readImageHeader(text)).find("not an image format") != std::string::npos);
        const std::vector<unsigned char> cut{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0};
        QVERIFY(imageHeaderProblem(readImageHeader(cut)).find("gives no image size") != std::string::npos);

        // through the folder reader: skipped with its name and the reason, no allocation of 2.7 GB
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        std::ofstream(folder + "/c.csv") << "file\nbig.bmp\n";
        std::ofstream(folder + "/big.bmp", std::ios::binary).write(reinterpret_cast<const char*>(found.data()), static_cast<std::streamsize>(found.size()));
        try {
            readImageFolder(folder, folder + "/c.csv");
            QFAIL("the image was loaded");
        } catch (const ms::DataError& e) {
            const std::string what = e.what();
            QVERIFY2(what.find(folder + "/big.bmp: a BMP image of 65544 x 13568") != std::string::npos, what.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestImageHeader)
#include "TestImageHeader.moc"
