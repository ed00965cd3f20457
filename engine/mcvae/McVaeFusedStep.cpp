#include "mcvae/McVaeFusedStep.h"

#include "core/runtime/OpenMpParts.h"

#include <ATen/ATen.h>
#include <c10/core/GradMode.h>

#include <algorithm>
#include <map>

namespace ms::mcvae {
namespace {
constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;
}  // namespace

McVaeFusedStep::McVaeFusedStep(McVae model, AdamWSettings settings, double klWeight)
    : m_model(std::move(model)), m_optimizer(*m_model, settings), m_klWeight(klWeight) {
    m_encoder = collectLayers(m_model->encoderLayers(), m_model->encoderActivations(), "enc");
    m_decoder = collectLayers(m_model->decoderLayers(), m_model->decoderActivations(), "dec");
    m_gradTable = m_optimizer.gradientOf("conditions.table");
    m_gradNumWeight = m_optimizer.gradientOf("conditions.num_weight");
    m_gradNumBias = m_optimizer.gradientOf("conditions.num_bias");
    m_gradNumMissing = m_optimizer.gradientOf("conditions.num_missing");
    // after FlatAdamW has moved the weights into its buffer: the kernel keeps their addresses
    if (McVaeCpuKernel::supports(m_model))
        m_cpu = std::make_unique<McVaeCpuKernel>(m_model, [this](const std::string& name) -> at::Tensor& {
            return m_optimizer.gradientOf(name);
        });
}

McVaeFusedStep::~McVaeFusedStep() = default;

namespace {

// Raw rows of contiguous CPU tensors of the kernel's type (null when they are not).
template <typename T>
McVaeBatchRows<T> rowsOf(const at::Tensor& x, const ConditionInput& c, const at::Tensor& eps) {
    const auto fits = [](const at::Tensor& t, at::ScalarType type) {
        return !t.defined() || (t.device().is_cpu() && t.is_contiguous() && t.scalar_type() == type);
    };
    const at::ScalarType type = c10::CppTypeToScalarType<T>::value;
    McVaeBatchRows<T> rows;
    if (!fits(x, type) || !fits(eps, type) || !fits(c.categorical, at::kLong) || !fits(c.numerical, type) ||
        !fits(c.numericalKnown, type))
        return rows;
    rows.rows = x.size(0);
    rows.x = x.data_ptr<T>();
    rows.eps = eps.data_ptr<T>();
    rows.categorical = c.categorical.defined() && c.categorical.numel() > 0 ? c.categorical.data_ptr<int64_t>() : nullptr;
    rows.numerical = c.numerical.defined() && c.numerical.numel() > 0 ? c.numerical.data_ptr<T>() : nullptr;
    rows.numericalKnown = c.numericalKnown.defined() && c.numericalKnown.numel() > 0 ? c.numericalKnown.data_ptr<T>() : nullptr;
    return rows;
}

}  // namespace

McVaeBatchRows<float> McVaeFusedStep::cpuRows(const at::Tensor& x, const ConditionInput& c, const at::Tensor& eps) {
    return rowsOf<float>(x, c, eps);
}

std::pair<double, double> McVaeFusedStep::computeGradients(const McVaeBatchRows<float>& rows) {
    if (!m_cpu) throw std::logic_error("mcVAE step on raw rows without the CPU kernel");
    const int64_t parts = std::min<int64_t>(at::get_num_threads(), rows.rows / kRowsPerThread);
    if (parts >= 2) return splitGradients(rows, parts);
    return m_cpu->computeGradients(rows, m_klWeight);
}

std::pair<double, double> McVaeFusedStep::splitGradients(const McVaeBatchRows<float>& rows, int64_t parts) {
    const at::Tensor& gradients = m_optimizer.gradients();
    while (static_cast<int64_t>(m_parts.size()) < parts - 1) {
        // a gradient buffer laid out as the optimizer's, and a kernel that writes it
        at::Tensor buffer = at::zeros_like(gradients);
        auto views = std::make_shared<std::map<std::string, at::Tensor>>();
        for (const auto& p : m_model->named_parameters(/*recurse=*/true)) {
            const at::Tensor& own = m_optimizer.gradientOf(p.key());
            (*views)[p.key()] = buffer.as_strided(own.sizes(), own.strides(), own.storage_offset() - gradients.storage_offset());
        }
        m_parts.push_back(std::make_unique<McVaeCpuKernel>(m_model, [views](const std::string& name) -> at::Tensor& {
            return views->at(name);
        }));
        m_partGradients.push_back(buffer);
    }
    McVaeBatchRows<float> whole = rows;
    if (whole.klRows <= 0) whole.klRows = rows.rows;  // each part's KL averaged over the whole batch
    const int64_t D = m_model->config().outputDim, L = m_model->config().latentDim;
    const int64_t C = m_model->conditionEmbedding()->categoricalCount(), M = m_model->conditionEmbedding()->numericalCount();
    std::vector<std::pair<double, double>> losses(static_cast<size_t>(parts));
    runOpenMpParts(parts, [&](int64_t i) {
        const int64_t begin = rows.rows * i / parts, end = rows.rows * (i + 1) / parts;
        McVaeCpuKernel& kernel = i == 0 ? *m_cpu : *m_parts[static_cast<size_t>(i - 1)];
        losses[static_cast<size_t>(i)] = kernel.computeGradients(whole.slice(begin, end, D, C, M, L), m_klWeight);
    });
    float* sum = gradients.data_ptr<float>();
    const int64_t n = gradients.numel();
    for (int64_t i = 1; i < parts; ++i) {
        const float* part = m_partGradients[static_cast<size_t>(i - 1)].data_ptr<float>();
        for (int64_t j = 0; j < n; ++j) sum[j] += part[j];
    }
    std::pair<double, double> total{0.0, 0.0};
    for (const auto& l : losses) {
        total.first += l.first;
        total.second += l.second;
    }
    return total;
}

std::pair<double, double> McVaeFusedStep::step(const McVaeBatchRows<float>& rows, double lr) {
    const auto losses = computeGradients(rows);
    m_optimizer.step(lr);
    return losses;
}

std::vector<McVaeFusedStep::LayerRef> McVaeFusedStep::collectLayers(const std::vector<torch::nn::Linear>& layers,
                                                                   const std::vector<bool>& activation,
                                                                   const std::string& prefix) {
    std::vector<LayerRef> refs;
    for (size_t i = 0; i < layers.size(); ++i) {
        const std::string name = prefix + std::to_string(i);
        refs.push_back({layers[i]->weight, layers[i]->bias, m_optimizer.gradientOf(name + ".weight"),
                        m_optimizer.gradientOf(name + ".bias"), activation[i]});
    }
    return refs;
}

at::Tensor McVaeFusedStep::forwardMlp(const std::vector<LayerRef>& layers, at::Tensor h,
                                      std::vector<at::Tensor>& inputs) {
    inputs.clear();
    for (size_t i = 0; i < layers.size(); ++i) {
        inputs.push_back(h);
        h = at::addmm(layers[i].bias, h, layers[i].weight.t());
        if (layers[i].activation) h = at::selu(h);
    }
    return h;
}

at::Tensor McVaeFusedStep::backwardMlp(const std::vector<LayerRef>& layers, at::Tensor grad,
                                       const std::vector<at::Tensor>& inputs, bool needInputGrad) {
    for (size_t k = layers.size(); k-- > 0;) {
        at::Tensor gradWeight = layers[k].gradWeight, gradBias = layers[k].gradBias;  // handles
        at::mm_out(gradWeight, grad.t(), inputs[k]);
        at::sum_out(gradBias, grad, {0});
        if (k == 0 && !needInputGrad) return {};
        at::Tensor gradIn = at::mm(grad, layers[k].weight);
        // inputs[k] is the output of layer k - 1; through SELU, the derivative from its result.
        grad = k > 0 && layers[k - 1].activation
                   ? at::elu_backward(gradIn, kSeluAlpha, kSeluScale, 1.0, /*is_result=*/true, inputs[k])
                   : gradIn;
    }
    return grad;
}

at::Tensor McVaeFusedStep::computeGradients(const at::Tensor& x, const ConditionInput& c, const at::Tensor& eps, int64_t klRows) {
    c10::NoGradGuard noGrad;
    if (m_cpu) {
        const auto packed = [](std::pair<double, double> l) { return at::tensor({l.first, l.second}, at::kDouble); };
        if (McVaeBatchRows<float> f = rowsOf<float>(x, c, eps); f.rows > 0) {
            f.klRows = klRows;
            return packed(computeGradients(f));
        }
        if (McVaeBatchRows<double> d = rowsOf<double>(x, c, eps); d.rows > 0) {
            d.klRows = klRows;
            return packed(m_cpu->computeGradients(d, m_klWeight));
        }
    }
    const int64_t batch = x.size(0);
    const auto klBatch = static_cast<double>(klRows > 0 ? klRows : batch);  // what the KL term is averaged over
    const int64_t latent = m_model->config().latentDim;
    const auto& emb = m_model->conditionEmbedding();
    const double b = m_klWeight;

    // Forward.
    const at::Tensor stats = forwardMlp(m_encoder, x, m_encInputs);
    const at::Tensor mu = stats.narrow(1, 0, latent);
    const at::Tensor logvar = stats.narrow(1, latent, latent);
    const at::Tensor var = at::exp(logvar);
    const at::Tensor std = at::sqrt(var);
    const at::Tensor z = at::addcmul(mu, eps, std);
    const at::Tensor tableIndex = emb->categoricalCount() > 0 ? emb->tableIndex(c.categorical) : at::Tensor();
    const at::Tensor decoded = forwardMlp(m_decoder, at::cat({z, emb->forward(c)}, 1), m_decInputs);
    const at::Tensor diff = decoded - x;

    // Losses, kept on the device: SSE and KL = 0.5 * sum(mu^2 + var - 1 - logvar) / B.
    const at::Tensor sse = diff.square().sum();
    const at::Tensor kl = (mu.square() + var - logvar).sum().sub_(static_cast<double>(mu.numel())).mul_(0.5 / klBatch);

    // Backward.
    const at::Tensor gradDecIn = backwardMlp(m_decoder, diff * (2.0 * (1.0 - b)), m_decInputs, true);
    const at::Tensor gradZ = gradDecIn.narrow(1, 0, latent);
    const at::Tensor gradMu = mu * (b / klBatch) + gradZ;
    const at::Tensor gradLogvar = (gradZ * eps * std).mul_(0.5) + (var - 1.0).mul_(0.5 * b / klBatch);
    backwardMlp(m_encoder, at::cat({gradMu, gradLogvar}, 1), m_encInputs, false);

    const int64_t catWidth = emb->categoricalCount() * emb->dim();
    if (catWidth > 0) {
        m_gradTable.zero_();
        m_gradTable.index_add_(0, tableIndex.reshape(-1),
                               gradDecIn.narrow(1, latent, catWidth).reshape({-1, emb->dim()}));
    }
    if (emb->numericalCount() > 0) {
        const at::Tensor gradNum =
            gradDecIn.narrow(1, latent + catWidth, emb->numericalCount() * emb->dim()).reshape({batch, -1, emb->dim()});
        const at::Tensor known = c.numericalKnown.unsqueeze(2);
        const at::Tensor gradKnown = gradNum * known;
        at::sum_out(m_gradNumWeight, gradKnown * c.numerical.unsqueeze(2), {0});
        at::sum_out(m_gradNumBias, gradKnown, {0});
        at::sum_out(m_gradNumMissing, gradNum - gradKnown, {0});
    }
    return at::stack({sse, kl});
}

at::Tensor McVaeFusedStep::step(const at::Tensor& x, const ConditionInput& c, const at::Tensor& eps, double lr) {
    at::Tensor losses = computeGradients(x, c, eps);
    m_optimizer.step(lr);
    return losses;
}

}  // namespace ms::mcvae
