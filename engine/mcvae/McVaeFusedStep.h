#pragma once
// One mcVAE gradient update with the backward pass written out by hand (SELU MLPs, the
// reparameterisation, the condition embedding) and AdamW on flat buffers. Autograd would
// build and walk a graph of ~100 nodes per step; for a 40k-parameter model that bookkeeping
// costs more than the matrix products. Equivalence with autograd is a unit test.
//
// Loss (authors' GeoBIKED code): (1 - b) * SSE + b * KL, SSE summed over batch and outputs,
// KL summed over latent dims and averaged over the batch.
#include "core/training/FlatAdamW.h"
#include "mcvae/McVae.h"
#include "mcvae/McVaeCpuKernel.h"

#include <memory>
#include <utility>

namespace ms::mcvae {

class McVaeFusedStep {
public:
    McVaeFusedStep(McVae model, AdamWSettings settings, double klWeight);
    ~McVaeFusedStep();

    // Fills the gradient buffer for one batch; returns a [2] tensor {SSE, KL} (not synced).
    // klRows: the rows the KL term is averaged over (0: this batch's; data parallel: the global
    // batch, so that the shards' gradients and losses sum to the whole batch's).
    at::Tensor computeGradients(const at::Tensor& x, const ConditionInput& c, const at::Tensor& eps, int64_t klRows = 0);
    // computeGradients + an AdamW update at learning rate lr.
    at::Tensor step(const at::Tensor& x, const ConditionInput& c, const at::Tensor& eps, double lr);

    // The CPU path without tensor ops (McVaeCpuKernel), for the trainer's loop: one update on raw
    // rows (conditions masked by their noise); returns {SSE, KL}. Only when cpuKernel().
    bool cpuKernel() const { return m_cpu != nullptr; }
    std::pair<double, double> step(const McVaeBatchRows<float>& rows, double lr);
    std::pair<double, double> computeGradients(const McVaeBatchRows<float>& rows);  // without the update
    // Raw rows of contiguous float CPU tensors (rows 0 when they are not that).
    static McVaeBatchRows<float> cpuRows(const at::Tensor& x, const ConditionInput& c, const at::Tensor& eps);

    FlatAdamW& optimizer() { return m_optimizer; }
    double klWeight() const { return m_klWeight; }

private:
    struct LayerRef {
        at::Tensor weight, bias, gradWeight, gradBias;
        bool activation;  // SELU after this layer
    };
    std::vector<LayerRef> collectLayers(const std::vector<torch::nn::Linear>& layers,
                                        const std::vector<bool>& activation, const std::string& prefix);
    // Forward through an MLP, keeping the input of every layer; returns the head output.
    at::Tensor forwardMlp(const std::vector<LayerRef>& layers, at::Tensor h, std::vector<at::Tensor>& inputs);
    // Backward through an MLP given dLoss/dOutput; returns dLoss/dInput (undefined if !needInputGrad).
    at::Tensor backwardMlp(const std::vector<LayerRef>& layers, at::Tensor grad,
                           const std::vector<at::Tensor>& inputs, bool needInputGrad);

    McVae m_model;
    FlatAdamW m_optimizer;
    double m_klWeight;
    std::vector<LayerRef> m_encoder, m_decoder;
    at::Tensor m_gradTable, m_gradNumWeight, m_gradNumBias, m_gradNumMissing;
    std::vector<at::Tensor> m_encInputs, m_decInputs;
    std::unique_ptr<McVaeCpuKernel> m_cpu;  // a CPU model in float or double: the kernel; otherwise ATen ops
};

}  // namespace ms::mcvae
