#include "core/io/BackgroundWriter.h"

#include <chrono>
#include <utility>

namespace ms {

BackgroundWriter::~BackgroundWriter() {
    if (m_inFlight.valid()) m_inFlight.wait();
}

void BackgroundWriter::submit(std::function<void()> write) {
    finish();
    m_inFlight = std::async(std::launch::async, std::move(write));
}

bool BackgroundWriter::busy() const {
    return m_inFlight.valid() && m_inFlight.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
}

void BackgroundWriter::finish() {
    if (!m_inFlight.valid()) return;
    std::future<void> done = std::move(m_inFlight);
    done.get();
}

}  // namespace ms
