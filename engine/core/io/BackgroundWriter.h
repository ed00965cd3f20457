#pragma once
// Writes checkpoints on a thread of their own, so that a training loop hands one over at the end
// of an epoch and goes on (serialising a model costs a few milliseconds; an mcVAE epoch ~40 ms).
// At most one write is in flight: handing over the next one first waits for the previous, so the
// file on disk is never more than one checkpoint behind the loop. A failed write (disk full, the
// folder gone) is rethrown by the next submit() or by finish(), never lost.
#include <functional>
#include <future>

namespace ms {

class BackgroundWriter {
public:
    BackgroundWriter() = default;
    BackgroundWriter(const BackgroundWriter&) = delete;
    BackgroundWriter& operator=(const BackgroundWriter&) = delete;
    ~BackgroundWriter();  // waits for the write in flight (its error, if any, is dropped: call finish())

    // Waits for the previous write (rethrowing its error), then starts `write` on its own thread.
    // `write` must own everything it touches (copies of the tensors, the path).
    void submit(std::function<void()> write);
    // Waits for the write in flight and rethrows its error.
    void finish();
    // A write is still going (a loop whose epochs are shorter than a write skips one instead of
    // waiting for it).
    bool busy() const;

private:
    std::future<void> m_inFlight;
};

}  // namespace ms
