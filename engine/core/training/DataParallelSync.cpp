#include "core/training/DataParallelSync.h"

#include <ATen/ATen.h>

#include <mutex>

namespace ms {

bool anyRank(DataParallelGroup& group, bool flag, const std::string& phase) {
    at::Tensor value = at::full({1}, flag ? 1.0 : 0.0, at::TensorOptions().dtype(at::kDouble));
    group.allReduceSum(value, phase);
    return value.item<double>() > 0;
}

void alignGenerators(DataParallelGroup& group, at::Generator& generator, const std::string& phase) {
    std::lock_guard<std::mutex> lock(generator.mutex());
    at::Tensor state = generator.get_state().to(at::kDouble);  // bytes, exact in double
    group.broadcastFromRankZero(state, phase);
    generator.set_state(state.to(at::kByte));
}

bool GradientExchange::sum(at::Tensor& gradients, bool stop, const std::string& phase) {
    const int64_t n = gradients.numel();
    if (!m_staging.defined() || m_staging.numel() != n + 1 || m_staging.options().dtype() != gradients.options().dtype() ||
        m_staging.device() != gradients.device())
        m_staging = at::empty({n + 1}, gradients.options());
    m_staging.narrow(0, 0, n).copy_(gradients.reshape(-1));
    m_staging.narrow(0, n, 1).fill_(stop ? 1.0 : 0.0);
    m_group.allReduceSum(m_staging, phase);
    gradients.view(-1).copy_(m_staging.narrow(0, 0, n));
    return m_staging.narrow(0, n, 1).item<double>() > 0;
}

}  // namespace ms
