#include "ui/window/WorkingState.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <cmath>

namespace ms {

namespace {
QString tr(const char* text) { return QCoreApplication::translate("WorkingState", text); }
QString counted(int n, const char* one, const char* many) { return (n == 1 ? tr(one) : tr(many)).arg(n); }

bool painted(const QImage& mask) {
    if (mask.isNull()) return false;
    const QImage grey = mask.convertToFormat(QImage::Format_Grayscale8);
    for (int y = 0; y < grey.height(); ++y) {
        const uchar* line = grey.constScanLine(y);
        for (int x = 0; x < grey.width(); ++x)
            if (line[x] > 127) return true;
    }
    return false;
}
}  // namespace

int WorkingState::pinnedCount() const {
    int n = 0;
    for (std::size_t i = 0; i + 1 < pins.size(); i += 2) n += !std::isnan(pins[i]) && !std::isnan(pins[i + 1]);
    return n;
}

QStringList WorkingState::describe() const {
    QStringList parts;
    if (!keypointModel.isEmpty()) parts << tr("Model: %1").arg(QFileInfo(keypointModel).fileName());
    const int set = static_cast<int>(conditions.split('\n', Qt::SkipEmptyParts).size());
    if (set > 0) parts << counted(set, "%1 condition set", "%1 conditions set");
    if (const int p = pinnedCount(); p > 0) parts << counted(p, "%1 pinned keypoint", "%1 pinned keypoints");
    if (!images.modelPath.isEmpty()) parts << tr("Image model: %1").arg(QFileInfo(images.modelPath).fileName());
    if (!images.history.isEmpty()) parts << counted(static_cast<int>(images.history.size()), "%1 image in the history", "%1 images in the history");
    if (painted(images.inpaintMask)) parts << tr("a painted inpainting region");
    if (painted(images.targetShape)) parts << tr("a target shape");
    return parts;
}

}  // namespace ms
