#include "ui/image/ImagePanel.h"
// The Image dock's tokens beyond the conditions: the target shape (painted, loaded or taken from
// the keypoint design), learnt concepts (their toggles and the Learn a concept dialog) and the
// attention overlay that shows where any of them acts in the current image.

#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <algorithm>

#include "api/TargetMask.h"
#ifdef MASKSTUDIO_HAVE_IMAGING
#include "imaging/DesignSketch.h"
#endif
#include "ui/image/ConceptDialog.h"
#include "ui/image/FlowLayout.h"
#include "ui/image/MaskDocument.h"
#include "ui/image/MaskEditor.h"

namespace ms {

bool ImagePanel::useTargetShape() const { return m_useTargetShape->isChecked(); }
void ImagePanel::setUseTargetShape(bool use) { m_useTargetShape->setChecked(use); }

bool ImagePanel::takeTargetShapeFrom(const Drawing& design) {
    const auto fail = [this](const QString& message) {
        m_status->setText(message);
        Q_EMIT statusMessage(message);
        return false;
    };
    if (!followsTargetShapes()) return fail(tr("Open an image model that follows target shapes first"));
    if (!m_info.renderFrame.known())
        return fail(tr("This image model does not record the frame of its sketches: paint or load the shape instead"));
    if (!design.bounds().valid()) return fail(tr("There is no design to take the shape from"));
#ifdef MASKSTUDIO_HAVE_IMAGING
    const api::ImageRenderFrame& f = m_info.renderFrame;
    const api::ImagePixels sketch{1, 1, m_info.size, imaging::designSketchPixels(design, f.minX, f.minY, f.size, m_info.size)};
    const api::ImagePixels shape = api::silhouetteTargetShape(sketch);
    QImage mask(m_info.size, m_info.size, QImage::Format_Grayscale8);
    for (int y = 0; y < m_info.size; ++y)
        std::copy_n(shape.data.data() + static_cast<std::ptrdiff_t>(y) * m_info.size, m_info.size, mask.scanLine(y));
    m_editor->setLayer(MaskLayer::TargetShape);
    m_editor->document(MaskLayer::TargetShape)->replace(mask, tr("Shape from design"));
    m_status->setText(tr("Target shape: the keypoint design's silhouette"));
    return true;
#else
    return fail(tr("This build draws no sketches (no OpenCV): paint or load the shape instead"));
#endif
}

QStringList ImagePanel::conceptsOn() const {
    QStringList on;
    for (QCheckBox* toggle : m_conceptToggles)
        if (toggle->isChecked()) on << toggle->text();
    return on;
}

void ImagePanel::setConceptOn(const QString& concept, bool on) {
    for (QCheckBox* toggle : m_conceptToggles)
        if (toggle->text() == concept) toggle->setChecked(on);
}

void ImagePanel::guideConcepts() {
    const bool any = !conceptsOn().isEmpty();
    if (any && !m_conceptGuidance && guidance() == 1.0) {
        m_conceptGuidance = true;
        setGuidance(kConceptGuidance);
        m_status->setText(tr("Guidance %1 while a concept is on: it draws the concept's rarer parts more often").arg(kConceptGuidance));
    } else if (!any && m_conceptGuidance) {
        m_conceptGuidance = false;
        if (guidance() == kConceptGuidance) setGuidance(1.0);  // unless the user chose another
    }
}

void ImagePanel::rebuildConceptToggles() {
    qDeleteAll(m_conceptToggles);
    m_conceptToggles.clear();
    auto* flow = m_conceptRow->layout();
    if (flow->count() == 0) {
        auto* label = new QLabel(tr("Concepts:"), m_conceptRow);
        label->setToolTip(tr("Learnt from pictures (Learn a concept from an image…); ticked ones go into every image"));
        flow->addWidget(label);
    }
    for (const QString& name : std::as_const(m_info.concepts)) {
        auto* toggle = new QCheckBox(name, m_conceptRow);
        toggle->setObjectName(QStringLiteral("concept:") + name);
        toggle->setToolTip(tr("Generate '%1' (learnt from a picture)").arg(name));
        connect(toggle, &QCheckBox::toggled, this, [this] {
            guideConcepts();
            if (m_live->isChecked() && hasModel()) generate();
        });
        flow->addWidget(toggle);
        m_conceptToggles << toggle;
    }
    m_conceptRow->setVisible(!m_conceptToggles.isEmpty());
}

ConceptDialog* ImagePanel::showConceptDialog() {
    if (!followsTargetShapes()) {
        m_status->setText(tr("Open an image model that follows target shapes first: concepts are learnt into its cross-attention"));
        return nullptr;
    }
    if (!m_conceptDialog) {
        m_conceptDialog = new ConceptDialog(this);
        connect(m_conceptDialog, &ConceptDialog::conceptLearnt, this, [this](const QString& path, const QString& concept) {
            m_conceptToTick = concept;  // ticked, and one image generated with it, once the model has loaded
            openModel(path);
            const QString text = tr("Concept '%1' learnt into %2: tick it beside the conditions").arg(concept, path);
            m_status->setText(text);
            Q_EMIT statusMessage(text);
        });
    }
    ConceptModel model{m_info.path, m_info.size, m_info.channels, m_info.concepts, m_info.trainingData};
    for (const auto& c : m_info.schema.categorical) model.taken << QString::fromStdString(c.column);
    for (const auto& c : m_info.schema.numerical) model.taken << QString::fromStdString(c.column);
    m_conceptDialog->setModel(model);
    m_conceptDialog->show();
    m_conceptDialog->raise();
    return m_conceptDialog;
}

bool ImagePanel::setAttentionOverlay(const QString& token) {
    const int index = token.isEmpty() ? 0 : m_attentionOverlay->findText(token);
    if (index < 0) return false;
    m_attentionOverlay->setCurrentIndex(index);
    return true;
}

void ImagePanel::showAttentionOverlay() {
    const int index = m_attentionOverlay->currentIndex();
    const int at = index > 0 ? static_cast<int>(m_attentionTokens.indexOf(m_attentionOverlay->currentText())) : -1;
    if (index > 0 && at < 0 && hasModel()) {
        if (m_attentionTokens.isEmpty() && !m_current.isNull() && m_currentJob && m_currentJob->modelSerial == m_serial &&
            m_info.followsTargetShapes && !m_attentionAsked &&
            !m_busy) {
            // maps were not computed with this image (the overlay was off): one U-Net pass now (a
            // job running is left to finish: its result asks then)
            ImageJob job = *m_currentJob;
            m_attentionFor = job.id;
            m_attentionForIndex = m_currentIndex;
            job.base = m_current;
            job.attentionOnly = true;
            m_attentionAsked = true;
            m_activeJob = m_engine->request(std::move(job));
            m_busy = true;
            m_status->setText(tr("Finding where '%1' acts…").arg(m_attentionOverlay->currentText()));
        } else if (!m_attentionAsked) {
            m_status->setText(tr("Generate to see where '%1' acts").arg(m_attentionOverlay->currentText()));
        }
    }
    if (at < 0 || at >= m_attentionMaps.size()) {
        m_editor->setHeatOverlay(QImage());
        return;
    }
    // Where the token acts more than elsewhere: warm orange, its opacity following the map
    // stretched between its own minimum and maximum (a nearly flat map, a token attended to
    // everywhere alike, stays a faint even tint).
    const QImage map = m_attentionMaps[at].convertToFormat(QImage::Format_Grayscale8);
    int low = 255, high = 0;
    for (int y = 0; y < map.height(); ++y)
        for (int x = 0; x < map.width(); ++x) {
            low = std::min<int>(low, map.constScanLine(y)[x]);
            high = std::max<int>(high, map.constScanLine(y)[x]);
        }
    const bool flat = high - low < 16;
    QImage heat(map.size(), QImage::Format_ARGB32);
    for (int y = 0; y < map.height(); ++y) {
        const uchar* in = map.constScanLine(y);
        auto* out = reinterpret_cast<QRgb*>(heat.scanLine(y));
        for (int x = 0; x < map.width(); ++x)
            out[x] = qRgba(255, 120, 0, flat ? 40 : 190 * (in[x] - low) / (high - low));
    }
    m_status->setText(flat ? tr("'%1' acts about equally everywhere in this image").arg(m_attentionOverlay->currentText())
                           : tr("Orange: where '%1' acts most in this image").arg(m_attentionOverlay->currentText()));
    m_editor->setHeatOverlay(heat);
}

}  // namespace ms
