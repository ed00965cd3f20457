#include "core/io/BackgroundWriter.h"

#include <utility>

namespace ms {

BackgroundWriter::~BackgroundWriter() {
    if (m_inFlight.valid()) m_inFlight.wait();
}

void BackgroundWriter::submit(std::function<void()> write) {
    finish();
    m_inFlight = std::async(std::launch::async, std::move(write));
}

void BackgroundWriter::finish() {
    if (!m_inFlight.valid()) return;
    std::future<void> done = std::move(m_inFlight);
    done.get();
}

}  // namespace ms
