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
#include <vector>

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
    // rows (conditions masked by their noise); returns {SSE, KL}. Only when cpuKernel(). With
    // more than one intra-op thread (at::get_num_threads()) and at least kRowsPerThread rows per
    // thread, the batch is split: each thread runs a kernel of its own over its rows into a
    // gradient buffer of its own, and the buffers are summed (the kernel's matrix products are too
    // small for OpenBLAS to gain from a second thread inside them; two halves of the batch are not).
    bool cpuKernel() const { return m_cpu != nullptr; }
    std::pair<double, double> step(const McVaeBatchRows<float>& rows, double lr);
    std::pair<double, double> computeGradients(const McVaeBatchRows<float>& rows);  // without the update
    static constexpr int64_t kRowsPerThread = 32;  // fewer rows per thread: one thread is faster
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
    // The batch split over threads: part 0 is m_cpu (the optimizer's gradients), part i > 0 the
    // kernel m_parts[i - 1] writing m_partGradients[i - 1] (same layout as the optimizer's).
    std::vector<std::unique_ptr<McVaeCpuKernel>> m_parts;
    std::vector<at::Tensor> m_partGradients;
    std::pair<double, double> splitGradients(const McVaeBatchRows<float>& rows, int64_t parts);
};

}  // namespace ms::mcvae
