#pragma once
// A LibTorch failure inside a long job, said in one line: which job, which step, and LibTorch's
// message without its C++ stack dump (what()). The dump is kept in trace() for a --debug run.
// Torch-free header: c10::Error is turned into this where it is caught (rethrowAsStepError).
#include <stdexcept>
#include <string>

namespace ms {

class StepError : public std::runtime_error {
public:
    StepError(const std::string& message, std::string trace) : std::runtime_error(message), m_trace(std::move(trace)) {}
    const std::string& trace() const { return m_trace; }

private:
    std::string m_trace;
};

// Call inside a catch block: a c10::Error in flight is rethrown as a StepError whose message is
// "<where>: <LibTorch's message>"; any other exception is rethrown unchanged.
[[noreturn]] void rethrowAsStepError(const std::string& where);

// LibTorch's message of a c10::Error without the stack dump (first lines only); for any other
// exception its what().
std::string torchMessage(const std::exception& e);

}  // namespace ms
