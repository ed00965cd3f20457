#include "mcvae/McVaeCpuKernel.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace ms::mcvae {
namespace {

constexpr double kSeluAlpha = 1.6732632423543772848170429916717;
constexpr double kSeluScale = 1.0507009873554804934193349852946;

// C = A * B^T (transB) or A * B, row-major; C is overwritten.
void gemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b,
          int64_t ldb, float* c, int64_t ldc) {
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, static_cast<int>(m),
                static_cast<int>(n), static_cast<int>(k), 1.0f, a, static_cast<int>(lda), b, static_cast<int>(ldb), 0.0f, c,
                static_cast<int>(ldc));
}

void gemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k, const double* a, int64_t lda, const double* b,
          int64_t ldb, double* c, int64_t ldc) {
    cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, static_cast<int>(m),
                static_cast<int>(n), static_cast<int>(k), 1.0, a, static_cast<int>(lda), b, static_cast<int>(ldb), 0.0, c,
                static_cast<int>(ldc));
}

// e^v for v <= 0, branch-free so that the compiler vectorises the loops that call it (libm's expf
// is a call per element): Cephes' polynomial after reducing v = k ln 2 + r, |r| <= ln 2 / 2,
// within 2 ulp of expf. The double version (tests) is std::exp.
inline float expNonPositive(float v) {
    v = std::max(v, -87.0f);
    const float k = (v * 1.44269504088896341f + 12582912.0f) - 12582912.0f;  // round to nearest
    const float r = v - k * 0.693359375f + k * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    const int32_t bits = (static_cast<int32_t>(k) + 127) << 23;
    float scale;
    std::memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

inline double expNonPositive(double v) { return std::exp(v); }

// y[r, j] = f(y[r, j] + bias[j]) with f SELU or the identity.
template <typename T>
__attribute__((noinline)) void addBiasAndActivate(T* __restrict y, const T* __restrict bias, int64_t rows, int64_t width, bool selu) {
    const T scale = static_cast<T>(kSeluScale), negative = static_cast<T>(kSeluScale * kSeluAlpha);
    for (int64_t r = 0; r < rows; ++r) {
        T* __restrict row = y + r * width;
        if (!selu) {
            for (int64_t j = 0; j < width; ++j) row[j] += bias[j];
            continue;
        }
        for (int64_t j = 0; j < width; ++j) {
            const T v = row[j] + bias[j];
            const T e = negative * (expNonPositive(std::min(v, T(0))) - T(1));
            const T positive = static_cast<T>(v > T(0));  // arithmetic, not a branch: the signs are a coin toss
            row[j] = e + positive * (scale * v - e);
        }
    }
}

// g *= SELU'(x) where y is SELU's result: scale for y > 0, y + scale alpha otherwise.
template <typename T>
__attribute__((noinline)) void seluBackwardFromResult(T* __restrict g, const T* __restrict y, int64_t n) {
    const T scale = static_cast<T>(kSeluScale), negative = static_cast<T>(kSeluScale * kSeluAlpha);
    for (int64_t i = 0; i < n; ++i) {
        const T positive = static_cast<T>(y[i] > T(0));
        const T slope = y[i] + negative;
        g[i] *= slope + positive * (scale - slope);
    }
}

// out[j] = sum over rows of g[r, j]
template <typename T>
__attribute__((noinline)) void columnSums(T* __restrict out, const T* __restrict g, int64_t rows, int64_t width) {
    std::fill(out, out + width, T(0));
    for (int64_t r = 0; r < rows; ++r) {
        const T* __restrict row = g + r * width;
        for (int64_t j = 0; j < width; ++j) out[j] += row[j];
    }
}

template <typename T>
struct Layer {
    const T* weight;  // [out, in]
    const T* bias;    // [out]
    T* gradWeight;
    T* gradBias;
    int64_t in, out;
    bool selu;  // SELU after this layer
};

template <typename T>
struct Mlp {
    std::vector<Layer<T>> layers;
    // activations[i]: the input of layer i ([rows, in_i]); activations.back(): the output.
    std::vector<std::vector<T>> activations;
    std::vector<T> grad, gradNext;

    void reserve(int64_t rows) {
        activations.resize(layers.size() + 1);
        int64_t widest = 0;
        for (size_t i = 0; i < layers.size(); ++i) {
            activations[i].resize(static_cast<size_t>(rows * layers[i].in));
            widest = std::max({widest, layers[i].in, layers[i].out});
        }
        activations.back().resize(static_cast<size_t>(rows * layers.back().out));
        grad.resize(static_cast<size_t>(rows * widest));
        gradNext.resize(static_cast<size_t>(rows * widest));
    }

    T* input() { return activations.front().data(); }
    const T* output() const { return activations.back().data(); }

    void forward(int64_t rows) {
        for (size_t i = 0; i < layers.size(); ++i) {
            const Layer<T>& l = layers[i];
            T* y = activations[i + 1].data();
            gemm(false, true, rows, l.out, l.in, activations[i].data(), l.in, l.weight, l.in, y, l.out);
            addBiasAndActivate(y, l.bias, rows, l.out, l.selu);
        }
    }

    // gradOutput [rows, out_last] in `grad`; leaves dLoss/dInput in `grad` when wanted.
    void backward(int64_t rows, bool needInputGrad) {
        for (size_t k = layers.size(); k-- > 0;) {
            const Layer<T>& l = layers[k];
            const T* x = activations[k].data();
            gemm(true, false, l.out, l.in, rows, grad.data(), l.out, x, l.in, l.gradWeight, l.in);
            columnSums(l.gradBias, grad.data(), rows, l.out);
            if (k == 0 && !needInputGrad) return;
            gemm(false, false, rows, l.in, l.out, grad.data(), l.out, l.weight, l.in, gradNext.data(), l.in);
            // x is the output of layer k - 1: through its SELU, the derivative from that result
            if (k > 0 && layers[k - 1].selu) seluBackwardFromResult(gradNext.data(), x, rows * l.in);
            std::swap(grad, gradNext);
        }
    }
};

template <typename T>
struct Kernel {
    Mlp<T> encoder, decoder;
    int64_t outputs = 0, latent = 0, dim = 0, categorical = 0, numerical = 0, rowsReserved = 0;
    std::vector<int64_t> offsets;  // first table row of each categorical condition
    const T *table = nullptr, *numWeight = nullptr, *numBias = nullptr, *numMissing = nullptr;
    T *gradTable = nullptr, *gradNumWeight = nullptr, *gradNumBias = nullptr, *gradNumMissing = nullptr;
    int64_t tableRows = 0;
    std::vector<T> stdev;      // [rows, L]
    std::vector<int64_t> rowIndex;  // [rows, C] table rows after masking
    std::vector<T> known;      // [rows, M] after masking

    static std::vector<Layer<T>> layersOf(const std::vector<torch::nn::Linear>& linear, const std::vector<bool>& selu,
                                          const std::string& prefix,
                                          const std::function<at::Tensor&(const std::string&)>& gradientOf) {
        std::vector<Layer<T>> out;
        for (size_t i = 0; i < linear.size(); ++i) {
            const std::string name = prefix + std::to_string(i);
            out.push_back({linear[i]->weight.data_ptr<T>(), linear[i]->bias.data_ptr<T>(),
                           gradientOf(name + ".weight").template data_ptr<T>(), gradientOf(name + ".bias").template data_ptr<T>(),
                           linear[i]->weight.size(1), linear[i]->weight.size(0), static_cast<bool>(selu[i])});
        }
        return out;
    }

    Kernel(const McVae& model, const std::function<at::Tensor&(const std::string&)>& gradientOf) {
        encoder.layers = layersOf(model->encoderLayers(), model->encoderActivations(), "enc", gradientOf);
        decoder.layers = layersOf(model->decoderLayers(), model->decoderActivations(), "dec", gradientOf);
        const ConditionEmbedding& emb = model->conditionEmbedding();
        outputs = model->config().outputDim;
        latent = model->config().latentDim;
        dim = emb->dim();
        categorical = emb->categoricalCount();
        numerical = emb->numericalCount();
        int64_t next = 0;
        for (int64_t n : emb->classCounts()) {
            offsets.push_back(next);
            next += n + 1;
        }
        tableRows = next;
        if (categorical > 0) {
            table = emb->table.data_ptr<T>();
            gradTable = gradientOf("conditions.table").template data_ptr<T>();
        }
        if (numerical > 0) {
            numWeight = emb->numWeight.data_ptr<T>();
            numBias = emb->numBias.data_ptr<T>();
            numMissing = emb->numMissing.data_ptr<T>();
            gradNumWeight = gradientOf("conditions.num_weight").template data_ptr<T>();
            gradNumBias = gradientOf("conditions.num_bias").template data_ptr<T>();
            gradNumMissing = gradientOf("conditions.num_missing").template data_ptr<T>();
        }
    }

    void reserve(int64_t rows) {
        if (rows <= rowsReserved) return;
        encoder.reserve(rows);
        decoder.reserve(rows);
        stdev.resize(static_cast<size_t>(rows * latent));
        rowIndex.resize(static_cast<size_t>(rows * categorical));
        known.resize(static_cast<size_t>(rows * numerical));
        rowsReserved = rows;
    }

    std::pair<double, double> run(const McVaeBatchRows<T>& b, double klWeight) {
        const int64_t rows = b.rows, L = latent, C = categorical, M = numerical, E = (C + M) * dim;
        if (rows < 1) throw std::invalid_argument("mcVAE step: an empty batch");
        reserve(rows);
        // the (masked) conditions
        for (int64_t r = 0; r < rows; ++r) {
            const float* noise = b.keepNoise ? b.keepNoise + r * (C + M) : nullptr;
            for (int64_t c = 0; c < C; ++c) {
                int64_t cls = b.categorical[r * C + c];
                if (noise && !(noise[c] >= b.maskShare)) cls = -1;
                rowIndex[static_cast<size_t>(r * C + c)] = cls + 1 + offsets[static_cast<size_t>(c)];
            }
            for (int64_t j = 0; j < M; ++j) {
                T k = b.numericalKnown[r * M + j];
                if (noise && !(noise[C + j] >= b.maskShare)) k = T(0);
                known[static_cast<size_t>(r * M + j)] = k;
            }
        }
        // encoder
        std::copy(b.x, b.x + rows * outputs, encoder.input());
        encoder.forward(rows);
        const T* stats = encoder.output();  // [rows, 2L]: mu, logvar
        // z and the condition embedding, side by side: the decoder's input
        T* decIn = decoder.input();
        const int64_t width = L + E;
        double klSum = 0.0;
        for (int64_t r = 0; r < rows; ++r) {
            const T* mu = stats + r * 2 * L;
            const T* logvar = mu + L;
            T* in = decIn + r * width;
            for (int64_t i = 0; i < L; ++i) {
                const T var = std::exp(logvar[i]);
                const T sd = std::sqrt(var);
                stdev[static_cast<size_t>(r * L + i)] = sd;
                in[i] = mu[i] + b.eps[r * L + i] * sd;
                klSum += static_cast<double>(mu[i]) * mu[i] + var - logvar[i];
            }
            T* e = in + L;
            for (int64_t c = 0; c < C; ++c, e += dim) std::copy_n(table + rowIndex[static_cast<size_t>(r * C + c)] * dim, dim, e);
            for (int64_t j = 0; j < M; ++j, e += dim) {
                const T k = known[static_cast<size_t>(r * M + j)], v = b.numerical[r * M + j];
                for (int64_t d = 0; d < dim; ++d)
                    e[d] = k * (v * numWeight[j * dim + d] + numBias[j * dim + d]) + (T(1) - k) * numMissing[j * dim + d];
            }
        }
        decoder.forward(rows);
        // losses; dLoss/dDecoded = 2 (1 - b) (decoded - x)
        const T* decoded = decoder.output();
        double sse = 0.0;
        const T sseWeight = static_cast<T>(2.0 * (1.0 - klWeight));
        T* g = decoder.grad.data();
        for (int64_t i = 0; i < rows * outputs; ++i) {
            const T diff = decoded[i] - b.x[i];
            sse += static_cast<double>(diff) * diff;
            g[i] = sseWeight * diff;
        }
        const double klRows = static_cast<double>(b.klRows > 0 ? b.klRows : rows);
        const double kl = 0.5 * (klSum - static_cast<double>(rows * L)) / klRows;
        decoder.backward(rows, true);
        const T* gIn = decoder.grad.data();  // [rows, L + E]
        // back through the reparameterisation into the encoder's head
        T* gStats = encoder.grad.data();
        const T klPerRow = static_cast<T>(klWeight / klRows);
        for (int64_t r = 0; r < rows; ++r) {
            const T* mu = stats + r * 2 * L;
            const T* gz = gIn + r * width;
            T* gs = gStats + r * 2 * L;
            for (int64_t i = 0; i < L; ++i) {
                const T sd = stdev[static_cast<size_t>(r * L + i)];
                gs[i] = mu[i] * klPerRow + gz[i];
                gs[L + i] = T(0.5) * gz[i] * b.eps[r * L + i] * sd + T(0.5) * klPerRow * (std::exp(mu[L + i]) - T(1));
            }
        }
        encoder.backward(rows, false);
        // the condition embedding's gradients
        if (C > 0) std::fill(gradTable, gradTable + tableRows * dim, T(0));
        if (M > 0) {
            std::fill(gradNumWeight, gradNumWeight + M * dim, T(0));
            std::fill(gradNumBias, gradNumBias + M * dim, T(0));
            std::fill(gradNumMissing, gradNumMissing + M * dim, T(0));
        }
        for (int64_t r = 0; r < rows; ++r) {
            const T* ge = gIn + r * width + L;
            for (int64_t c = 0; c < C; ++c, ge += dim) {
                T* row = gradTable + rowIndex[static_cast<size_t>(r * C + c)] * dim;
                for (int64_t d = 0; d < dim; ++d) row[d] += ge[d];
            }
            for (int64_t j = 0; j < M; ++j, ge += dim) {
                const T k = known[static_cast<size_t>(r * M + j)], v = b.numerical[r * M + j];
                for (int64_t d = 0; d < dim; ++d) {
                    gradNumWeight[j * dim + d] += ge[d] * k * v;
                    gradNumBias[j * dim + d] += ge[d] * k;
                    gradNumMissing[j * dim + d] += ge[d] - ge[d] * k;
                }
            }
        }
        return {sse, kl};
    }
};

}  // namespace

struct McVaeCpuKernel::Impl {
    std::unique_ptr<Kernel<float>> single;
    std::unique_ptr<Kernel<double>> twice;
};

bool McVaeCpuKernel::supports(const McVae& model) {
    for (const auto& p : model->parameters())
        if (!p.device().is_cpu() || !p.is_contiguous() || (p.scalar_type() != at::kFloat && p.scalar_type() != at::kDouble) ||
            p.scalar_type() != model->parameters().front().scalar_type())
            return false;
    return true;
}

McVaeCpuKernel::McVaeCpuKernel(const McVae& model, const std::function<at::Tensor&(const std::string&)>& gradientOf)
    : m_impl(std::make_unique<Impl>()) {
    if (!supports(model)) throw std::invalid_argument("the mcVAE CPU kernel needs a contiguous float or double model on the CPU");
    if (model->parameters().front().scalar_type() == at::kFloat) m_impl->single = std::make_unique<Kernel<float>>(model, gradientOf);
    else m_impl->twice = std::make_unique<Kernel<double>>(model, gradientOf);
}

McVaeCpuKernel::~McVaeCpuKernel() = default;

std::pair<double, double> McVaeCpuKernel::computeGradients(const McVaeBatchRows<float>& batch, double klWeight) {
    if (!m_impl->single) throw std::invalid_argument("mcVAE CPU kernel: float rows for a double model");
    return m_impl->single->run(batch, klWeight);
}

std::pair<double, double> McVaeCpuKernel::computeGradients(const McVaeBatchRows<double>& batch, double klWeight) {
    if (!m_impl->twice) throw std::invalid_argument("mcVAE CPU kernel: double rows for a float model");
    return m_impl->twice->run(batch, klWeight);
}

}  // namespace ms::mcvae
