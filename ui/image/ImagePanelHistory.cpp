#include "ui/image/ImagePanel.h"
// The Image dock's history: every generated image with how it was made (seed, batch place,
// conditions, mask and target-shape coverage in its tool tip, attention maps), recalled by a click,
// two of them compared side by side.

#include <QDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>
#include <algorithm>

#include "ui/image/ImageHistoryRoles.h"

namespace ms {

using namespace image_history;

namespace {

QString conditionsText(const ImageJob& job, const Schema& schema) {
    return QString::fromStdString(job.request.conditions.toDisplayText(schema)).trimmed();
}

double maskCoverage(const QImage& mask) {
    const QImage m = mask.convertToFormat(QImage::Format_Grayscale8);
    qint64 on = 0;
    for (int y = 0; y < m.height(); ++y) {
        const uchar* line = m.constScanLine(y);
        for (int x = 0; x < m.width(); ++x) on += line[x] > 127;
    }
    return m.isNull() ? 0.0 : static_cast<double>(on) / (static_cast<double>(m.width()) * m.height());
}

}  // namespace

QListWidgetItem* ImagePanel::insertHistoryItem(const QImage& image, const ImageJob& job, int batchIndex, const QString& toolTip) {
    const int count = static_cast<int>(std::max<int64_t>(1, job.request.count));
    const QString name = count > 1 ? tr("%1 #%2").arg(job.request.seed).arg(batchIndex + 1) : QString::number(job.request.seed);
    auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(image.scaled(64, 64))), name);
    item->setData(kImageRole, image);
    item->setData(kJobRole, QVariant::fromValue<quint64>(job.id));
    item->setData(kIndexRole, batchIndex);
    item->setToolTip(toolTip);
    m_historyJobs.emplace(job.id, job).first->second.base = QImage();  // the pixels are the entry's image
    m_history->insertItem(0, item);
    return item;
}

void ImagePanel::addToHistory(const ImageJobResult& r, int batchIndex, const QImage& image) {
    const int count = static_cast<int>(std::max<int64_t>(1, r.job.request.count));
    QString tip = count > 1 ? tr("seed %1, image %2 of a batch of %3\n%4").arg(r.job.request.seed).arg(batchIndex + 1).arg(count).arg(conditionsText(r.job, m_info.schema))
                            : tr("seed %1\n%2").arg(r.job.request.seed).arg(conditionsText(r.job, m_info.schema));
    if (r.job.inpaint())
        tip += tr("\ninpainted, mask covers %1 %").arg(100.0 * maskCoverage(r.job.mask), 0, 'f', 1);
    if (!r.job.targetShape.isNull())
        tip += tr("\ntarget shape covers %1 %").arg(100.0 * maskCoverage(r.job.targetShape), 0, 'f', 1);
    QListWidgetItem* item = insertHistoryItem(image, r.job, batchIndex, tip);
    if (batchIndex == 0) {  // maps come with the first image only
        item->setData(kTokensRole, r.attentionTokens);
        item->setData(kMapsRole, QVariant::fromValue(r.attentionMaps));
    }
}

void ImagePanel::recall(int index) {
    QListWidgetItem* item = m_history->item(index);
    if (!item) return;
    const auto job = m_historyJobs.find(item->data(kJobRole).value<quint64>());
    const ImageJob* made = job != m_historyJobs.end() ? &job->second : nullptr;
    setCurrent(item->data(kImageRole).value<QImage>(), made, item->data(kTokensRole).toStringList(),
               item->data(kMapsRole).value<QList<QImage>>(), item->data(kIndexRole).toInt());
    if (made) setSeed(made->request.seed);
    m_status->setText(tr("Recalled: %1").arg(item->toolTip().section('\n', 0, 0)));
}

void ImagePanel::compareSelected() {
    const auto items = m_history->selectedItems();
    if (items.size() != 2) {
        m_status->setText(tr("Select two history entries to compare"));
        return;
    }
    auto* dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Compare"));
    auto* row = new QHBoxLayout(dialog);
    for (QListWidgetItem* item : items) {
        auto* column = new QVBoxLayout;
        auto* picture = new QLabel(dialog);
        picture->setPixmap(QPixmap::fromImage(item->data(kImageRole).value<QImage>().scaled(256, 256, Qt::KeepAspectRatio)));
        auto* text = new QLabel(item->toolTip(), dialog);
        text->setWordWrap(true);
        column->addWidget(picture);
        column->addWidget(text);
        row->addLayout(column);
    }
    dialog->show();
}

}  // namespace ms
