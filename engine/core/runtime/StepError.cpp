#include "core/runtime/StepError.h"

#include <c10/util/Exception.h>

namespace ms {

namespace {
// LibTorch appends "Exception raised from ... (most recent call first):" and frames; a message
// of its own never spans more than a few lines.
std::string withoutFrames(std::string text) {
    const auto cut = text.find("Exception raised from ");
    if (cut != std::string::npos) text.erase(cut);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}
}  // namespace

std::string torchMessage(const std::exception& e) {
    if (const auto* t = dynamic_cast<const c10::Error*>(&e)) return withoutFrames(t->what_without_backtrace());
    return e.what();
}

void rethrowAsStepError(const std::string& where) {
    try {
        throw;
    } catch (const c10::Error& e) {
        throw StepError(where + ": " + torchMessage(e), e.what());
    }
}

}  // namespace ms
