// The Image dock's work for crash recovery (ImageWork): taking it from the history strip, the
// image and both mask layers, and putting it back once its image model has loaded.
#include <QCheckBox>
#include <QFileInfo>
#include <QLabel>
#include <QListWidget>

#include <algorithm>

#include "ui/image/ImageHistoryRoles.h"
#include "ui/image/ImagePanel.h"
#include "ui/image/MaskDocument.h"
#include "ui/image/MaskEditor.h"

namespace ms {

using namespace image_history;

ImageWork ImagePanel::work() const {
    ImageWork w;
    if (!hasModel()) return w;
    w.modelPath = QFileInfo(m_info.path).absoluteFilePath();
    w.current = m_current;
    w.inpaintMask = m_editor->document(MaskLayer::Inpaint)->mask();
    w.targetShape = m_editor->document(MaskLayer::TargetShape)->mask();
    w.useTargetShape = m_useTargetShape->isChecked();
    w.seed = seed();
    for (int i = 0; i < m_history->count(); ++i) {
        const QListWidgetItem* item = m_history->item(i);
        ImageHistoryEntry e;
        e.image = item->data(kImageRole).value<QImage>();
        e.batchIndex = item->data(kIndexRole).toInt();
        e.description = item->toolTip();
        if (const auto job = m_historyJobs.find(item->data(kJobRole).value<quint64>()); job != m_historyJobs.end()) {
            e.seed = job->second.request.seed;
            e.batchSize = static_cast<int>(std::max<int64_t>(1, job->second.request.count));
            e.conditions = QString::fromStdString(job->second.request.conditions.toText(m_info.schema));
        }
        w.history.append(e);
    }
    return w;
}

void ImagePanel::restoreWork(const ImageWork& work) {
    if (work.modelPath.isEmpty()) return;
    if (hasModel() && QFileInfo(m_info.path).absoluteFilePath() == work.modelPath) {
        applyWork(work);
        return;
    }
    m_pendingWork = work;
    openModel(work.modelPath);
}

void ImagePanel::applyWork(const ImageWork& work) {
    for (auto e = work.history.crbegin(); e != work.history.crend(); ++e) {  // the newest ends on top
        ImageJob job;
        job.id = m_restoredJobIds++;
        job.modelSerial = m_serial;
        job.request.seed = e->seed;
        job.request.count = e->batchSize;
        std::vector<std::string> lines;
        for (const QString& l : e->conditions.split('\n', Qt::SkipEmptyParts)) lines.push_back(l.toStdString());
        try {
            job.request.conditions = parseConditionAssignments(m_info.schema, lines);
        } catch (const std::exception&) {
            job.request.conditions = ConditionValues::allUnknown(m_info.schema);  // kept in the entry's description
        }
        insertHistoryItem(e->image, job, e->batchIndex, e->description);
    }
    if (!work.current.isNull()) {
        const ImageJob now = makeJob(false);
        setCurrent(work.current.convertToFormat(m_info.channels == 3 ? QImage::Format_RGB888 : QImage::Format_Grayscale8), &now, {}, {});
    }
    // After the image: a base image of another size starts new masks.
    const QString restored = tr("Restored after a crash");
    if (!work.inpaintMask.isNull()) m_editor->document(MaskLayer::Inpaint)->replace(work.inpaintMask, restored);
    if (!work.targetShape.isNull() && m_info.followsTargetShapes) m_editor->document(MaskLayer::TargetShape)->replace(work.targetShape, restored);
    m_useTargetShape->setChecked(work.useTargetShape && m_info.followsTargetShapes);
    setSeed(work.seed);
    m_status->setText(work.history.size() == 1 ? tr("Restored the last session's image, masks and its history image")
                                                : tr("Restored the last session's image, masks and %1 history images").arg(work.history.size()));
    Q_EMIT workRestored();
}

}  // namespace ms
