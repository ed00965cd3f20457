// Google Benchmark: the mcVAE hot paths in isolation (one fused training step at batch 128, on
// the CPU kernel and through ATen ops, and decoding 1 / 64 designs). `maskstudio-cli bench` measures the same end to end.
#include <benchmark/benchmark.h>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include "mcvae/McVaeFusedStep.h"

namespace {

ms::mcvae::McVaeConfig geobikedShape() {
    ms::mcvae::McVaeConfig c;
    c.outputDim = 26;
    c.classCounts = {20, 2, 2, 5, 3, 3, 3};
    c.numericalCount = 1;
    return c;
}

ms::ConditionInput conditions(int64_t b) {
    return {at::randint(-1, 2, {b, 7}, at::kLong), at::rand({b, 1}), at::ones({b, 1})};
}

void BM_FusedTrainingStep(benchmark::State& state) {
    at::set_num_threads(static_cast<int>(state.range(0)));
    ms::mcvae::McVae model(geobikedShape());
    ms::mcvae::McVaeFusedStep step(model, ms::AdamWSettings{}, 0.9);
    const at::Tensor x = at::rand({128, 26}), eps = at::randn({128, 10});
    const ms::ConditionInput c = conditions(128);
    for (auto _ : state) benchmark::DoNotOptimize(step.step(x, c, eps, 1e-3));
    state.SetItemsProcessed(state.iterations() * 128);
}
BENCHMARK(BM_FusedTrainingStep)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

// The same step through ATen ops (the path a CUDA model or a strided batch takes): the CPU
// kernel's gain in one run.
void BM_FusedTrainingStepAtenOps(benchmark::State& state) {
    at::set_num_threads(static_cast<int>(state.range(0)));
    ms::mcvae::McVae model(geobikedShape());
    ms::mcvae::McVaeFusedStep step(model, ms::AdamWSettings{}, 0.9);
    const at::Tensor x = at::rand({26, 128}).t(), eps = at::randn({128, 10});  // a view: not contiguous
    const ms::ConditionInput c = conditions(128);
    for (auto _ : state) benchmark::DoNotOptimize(step.step(x, c, eps, 1e-3));
    state.SetItemsProcessed(state.iterations() * 128);
}
BENCHMARK(BM_FusedTrainingStepAtenOps)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond);

void BM_Decode(benchmark::State& state) {
    at::set_num_threads(1);
    c10::InferenceMode guard;
    ms::mcvae::McVae model(geobikedShape());
    const int64_t b = state.range(0);
    const at::Tensor z = at::randn({b, 10});
    const ms::ConditionInput c = conditions(b);
    for (auto _ : state) benchmark::DoNotOptimize(model->decode(z, c));
    state.SetItemsProcessed(state.iterations() * b);
}
BENCHMARK(BM_Decode)->Arg(1)->Arg(64)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
