// libFuzzer target: a mask file as the studio's mask editor loads it (Load mask…, either layer):
// MaskDocument::load through Qt's image readers (Qt linked uninstrumented, our code instrumented).
// Allowed outcomes: the mask replaced (grey, the document's size kept, or the file's size when the
// document had none), or an error naming the file with the document unchanged.
#include <unistd.h>

#include <QGuiApplication>
#include <QImage>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>

#include "FuzzFailure.h"
#include "ui/image/MaskDocument.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static int argc = 1;
    static char name[] = "FuzzMaskPng";
    static char* argv[] = {name, nullptr};
    static QGuiApplication* app = [] {
        qputenv("QT_QPA_PLATFORM", "offscreen");
        return new QGuiApplication(argc, argv);  // image format plugins (jpeg, gif, svg, ...) as in the studio
    }();
    (void)app;
    static const std::string path = "/tmp/maskstudio-fuzz-" + std::to_string(getpid()) + "-mask.png";
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    const QString file = QString::fromStdString(path);
    for (const QSize docSize : {QSize(64, 64), QSize()}) {
        ms::MaskDocument doc(docSize);
        const QImage before = doc.mask();
        const ms::MaskFileResult r = doc.load(file);
        if (!r.ok()) {
            if (!r.error.contains(file)) failure("an error that does not name the file", qPrintable(r.error));
            if (doc.mask() != before) failure("a failed load changed the mask", path.c_str());
            continue;
        }
        if (doc.mask().format() != QImage::Format_Grayscale8) failure("a loaded mask that is not grey", path.c_str());
        if (!docSize.isEmpty() && doc.size() != docSize) failure("a loaded mask of another size than the document", path.c_str());
        (void)doc.coverage();
    }
    return 0;
}
