#include "core/training/DataParallelSync.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>

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

void allReduceWithValues(DataParallelGroup& group, at::Tensor& buffer, std::vector<double>& values, const std::string& phase) {
    const int64_t n = buffer.numel(), k = static_cast<int64_t>(values.size());
    if (!buffer.is_contiguous() || buffer.dim() != 1 || k > n)
        throw std::invalid_argument("allReduceWithValues: a flat buffer with room for " + std::to_string(k) + " values expected");
    at::Tensor tail = buffer.narrow(0, n - k, k);
    tail.copy_(at::tensor(at::ArrayRef<double>(values), at::TensorOptions().dtype(at::kDouble)));
    group.allReduceSum(buffer, phase);
    const at::Tensor summed = tail.to(at::kCPU, at::kDouble).contiguous();
    std::copy(summed.data_ptr<double>(), summed.data_ptr<double>() + k, values.begin());
}

bool GradientExchange::sum(at::Tensor& gradients, bool stop, const std::string& phase) {
    const int64_t n = gradients.numel();
    if (!m_staging.defined() || m_staging.numel() != n + 1 || m_staging.options().dtype() != gradients.options().dtype() ||
        m_staging.device() != gradients.device())
        m_staging = at::empty({n + 1}, gradients.options());
    m_staging.narrow(0, 0, n).copy_(gradients.reshape(-1));
    std::vector<double> flag{stop ? 1.0 : 0.0};
    allReduceWithValues(m_group, m_staging, flag, phase);
    gradients.view(-1).copy_(m_staging.narrow(0, 0, n));
    return flag[0] > 0;
}

}  // namespace ms
