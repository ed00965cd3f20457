#include "ui/panels/SamplingPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QVBoxLayout>

namespace ms {

namespace {
constexpr double kLatentRange = 3.0;  // sliders span -3..3 standard deviations
constexpr int kLatentSteps = 60;
}  // namespace

SamplingPanel::SamplingPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    m_samples = new QSpinBox(this);
    m_samples->setRange(1, 64);
    m_samples->setToolTip(tr("Draw several designs at once to see how much the conditions leave open"));
    m_mean = new QCheckBox(tr("Mean design (z = 0)"), this);
    m_mean->setChecked(true);
    m_mean->setToolTip(tr("The most typical design for the conditions instead of a random draw"));
    m_seedMode = new QComboBox(this);
    m_seedMode->addItems({tr("Fixed seed"), tr("Fresh draw on every change")});
    m_seed = new QSpinBox(this);
    m_seed->setRange(0, 1000000000);
    m_seed->setValue(1);
    m_labels = new QCheckBox(tr("Keypoint labels"), this);
    m_reference = new QCheckBox(tr("Nearest training design"), this);
    m_reference->setToolTip(tr("Overlay the training design closest to the first generated one"));
    form->addRow(tr("Samples"), m_samples);
    form->addRow(QString(), m_mean);
    form->addRow(tr("Seed"), m_seedMode);
    form->addRow(QString(), m_seed);
    form->addRow(QString(), m_labels);
    form->addRow(QString(), m_reference);
    layout->addLayout(form);

    auto* latentBox = new QGroupBox(tr("Latent dimensions"), this);
    auto* latentLayout = new QVBoxLayout(latentBox);
    m_latentHost = new QWidget(latentBox);
    m_latentGrid = new QGridLayout(m_latentHost);
    m_latentGrid->setContentsMargins(0, 0, 0, 0);
    auto* zero = new QPushButton(tr("Centre all"), latentBox);
    latentLayout->addWidget(m_latentHost);
    latentLayout->addWidget(zero);
    layout->addWidget(latentBox);
    layout->addStretch(1);

    connect(zero, &QPushButton::clicked, this, [this] {
        for (QSlider* s : m_latent) {
            const QSignalBlocker block(s);
            s->setValue(0);
        }
        Q_EMIT changed();
    });
    connect(m_samples, qOverload<int>(&QSpinBox::valueChanged), this, [this] {
        updateEnabled();
        Q_EMIT changed();
    });
    for (QCheckBox* box : {m_mean, m_labels, m_reference})
        connect(box, &QCheckBox::toggled, this, [this] {
            updateEnabled();
            Q_EMIT changed();
        });
    connect(m_seedMode, qOverload<int>(&QComboBox::currentIndexChanged), this, &SamplingPanel::changed);
    connect(m_seed, qOverload<int>(&QSpinBox::valueChanged), this, &SamplingPanel::changed);
    updateEnabled();
}

void SamplingPanel::setLatentDim(int dims) {
    m_latent.clear();  // the sliders are deleted with the grid's widgets below
    while (QLayoutItem* item = m_latentGrid->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (int d = 0; d < dims; ++d) {
        auto* label = new QLabel(QStringLiteral("z%1").arg(d + 1), m_latentHost);
        auto* slider = new QSlider(Qt::Horizontal, m_latentHost);
        slider->setRange(-kLatentSteps, kLatentSteps);
        slider->setToolTip(tr("Move along latent dimension %1 (−3 … +3 standard deviations)").arg(d + 1));
        m_latentGrid->addWidget(label, d, 0);
        m_latentGrid->addWidget(slider, d, 1);
        connect(slider, &QSlider::valueChanged, this, &SamplingPanel::changed);
        m_latent.push_back(slider);
    }
}

SamplingOptions SamplingPanel::options() const {
    SamplingOptions o;
    o.samples = m_samples->value();
    o.meanDesign = m_mean->isChecked();
    o.freshSeed = m_seedMode->currentIndex() == 1;
    o.seed = static_cast<quint64>(m_seed->value());
    o.labels = m_labels->isChecked();
    o.reference = m_reference->isChecked();
    for (QSlider* s : m_latent) o.latentOffset.push_back(kLatentRange * s->value() / kLatentSteps);
    return o;
}

void SamplingPanel::setOptions(const SamplingOptions& o) {
    const QSignalBlocker b1(m_samples), b2(m_mean), b3(m_seedMode), b4(m_seed), b5(m_labels), b6(m_reference);
    m_samples->setValue(o.samples);
    m_mean->setChecked(o.meanDesign);
    m_seedMode->setCurrentIndex(o.freshSeed ? 1 : 0);
    m_seed->setValue(static_cast<int>(o.seed));
    m_labels->setChecked(o.labels);
    m_reference->setChecked(o.reference);
    updateEnabled();
    Q_EMIT changed();
}

void SamplingPanel::fillRequest(mcvae::GenerationRequest& request) {
    const SamplingOptions o = options();
    request.count = o.samples;
    request.latent = (o.samples == 1 && o.meanDesign) ? mcvae::LatentMode::Zero : mcvae::LatentMode::Sample;
    if (o.freshSeed && request.latent == mcvae::LatentMode::Sample) {
        const QSignalBlocker block(m_seed);
        m_seed->setValue(m_seed->value() + 1);
    }
    request.seed = static_cast<quint64>(m_seed->value());
    bool anyOffset = false;
    for (double v : o.latentOffset) anyOffset = anyOffset || v != 0.0;
    request.latentOffset = anyOffset ? o.latentOffset : std::vector<double>{};
}

void SamplingPanel::updateEnabled() { m_mean->setEnabled(m_samples->value() == 1); }

}  // namespace ms
