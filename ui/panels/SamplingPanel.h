#pragma once
// How designs are drawn from the model for the current conditions: how many samples, the mean
// design (z = 0) or random draws, a fixed seed or a fresh draw on every change, offsets along
// each latent dimension, and what the canvas overlays (labels, nearest training design).
#include <QWidget>

#include <vector>

#include "mcvae/GenerationRequest.h"

class QCheckBox;
class QComboBox;
class QGridLayout;
class QSlider;
class QSpinBox;

namespace ms {

struct SamplingOptions {
    int samples = 1;
    bool meanDesign = true;      // z = 0 (only with one sample)
    bool freshSeed = false;      // new seed on every generation
    quint64 seed = 1;
    std::vector<double> latentOffset;
    bool labels = false;
    bool reference = false;
};

class SamplingPanel : public QWidget {
    Q_OBJECT
public:
    explicit SamplingPanel(QWidget* parent = nullptr);

    void setLatentDim(int dims);  // rebuilds the latent sliders, offsets back to 0
    SamplingOptions options() const;
    void setOptions(const SamplingOptions& options);  // latent offsets are not restored
    // Fills the latent part of a request and advances the seed when fresh draws are on.
    void fillRequest(mcvae::GenerationRequest& request);

    QSpinBox* samplesBox() const { return m_samples; }
    QCheckBox* meanBox() const { return m_mean; }

Q_SIGNALS:
    void changed();

private:
    void updateEnabled();

    QSpinBox* m_samples;
    QCheckBox* m_mean;
    QComboBox* m_seedMode;
    QSpinBox* m_seed;
    QCheckBox* m_labels;
    QCheckBox* m_reference;
    QWidget* m_latentHost;
    QGridLayout* m_latentGrid;
    std::vector<QSlider*> m_latent;
};

}  // namespace ms
